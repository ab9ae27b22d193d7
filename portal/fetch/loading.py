"""Fetch one edition and load it through the ingesters: a new edition loads; one already loaded
from the same files is left alone; one the publisher republished (another file, or another
sha256, for a loaded period) replaces the earlier load only with --force."""

from __future__ import annotations

import inspect
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from portal.extensions import db
from portal.fetch.download import FetchError, client, download
from portal.fetch.editions import Edition, edition
from portal.ingest import LOADERS, load_paths, regroup_peers
from portal.ingest.base import DOWNLOAD, IngestError, Progress
from portal.models import DatasetLoad
from portal.models.datasets import COVERAGE_PART

LOADED, REPLACED, UNCHANGED, WOULD_FETCH = "loaded", "replaced", "unchanged", "would fetch"
NEEDS_FORCE, FAILED = "needs --force", "failed"


@dataclass(frozen=True)
class Outcome:
    dataset: str
    period: str
    status: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.status in (NEEDS_FORCE, FAILED)

    def describe(self) -> str:
        return f"{self.dataset} {self.period}: {self.status}: {self.detail}"


def fetch(
    dataset: str,
    period: str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Find, download and load one edition (the newest when `period` is None); never raises
    for a publisher's or a file's fault: the outcome says what happened."""
    try:
        with client() as http:
            found = edition(http, dataset, period)
            return _fetch(http, found, force=force, dry_run=dry_run, progress=progress)
    except FetchError as exc:  # raised before any load
        return Outcome(dataset, period or "latest", FAILED, f"{exc}; nothing loaded")


def _fetch(
    http: httpx.Client, found: Edition, *, force: bool, dry_run: bool, progress: Progress | None
) -> Outcome:
    before = loaded_files(found.dataset, found.period)
    names = ", ".join(f.name for f in found.files)
    if (
        found.republishable
        and before
        and {f.url for f in found.files} <= {b.source_url for b in before}
    ):
        return Outcome(found.dataset, found.period, UNCHANGED, f"already loaded from {names}")
    if dry_run:
        return Outcome(found.dataset, found.period, WOULD_FETCH, f"{names} from {found.page}")
    results = []
    with tempfile.TemporaryDirectory(prefix="haresign-fetch-") as folder:
        downloads = [download(http, f.url, Path(folder), f.name) for f in found.files]
        known = {b.download_sha256 for b in before} | {b.checksum for b in before}
        changed = [d.path.name for d in downloads if d.sha256 not in known]
        if before and not changed:
            detail = f"already loaded: {names}, the same sha256 as loaded"
            return Outcome(found.dataset, found.period, UNCHANGED, detail)
        if before and found.republishable and not force:
            loaded = ", ".join(sorted({b.source_file for b in before}))
            detail = (
                f"republished: {', '.join(changed)} not among the loaded files ({loaded}); the "
                "loaded edition is kept: run again with --force to replace it"
            )
            return Outcome(found.dataset, found.period, NEEDS_FORCE, detail)
        extra = {"period": found.period} if _takes_period(found.dataset) else {}
        try:
            for file in downloads:
                token = DOWNLOAD.set(file.provenance())
                try:
                    results += load_paths(
                        found.dataset, [file.path], progress=progress, regroup=False, **extra
                    )
                except IngestError as exc:
                    kept = (
                        f"; {len(results)} earlier load(s) of this edition stay" if results else ""
                    )
                    detail = f"{exc}{kept}"
                    return Outcome(found.dataset, found.period, FAILED, detail)
                finally:
                    DOWNLOAD.reset(token)
        finally:  # once per edition (its files load one by one, each with its provenance)
            regroup_peers(found.dataset, results, progress)
    rows = sum(r.rows_loaded for r in results)
    status = REPLACED if before else LOADED
    return Outcome(found.dataset, found.period, status, f"{rows:,} rows from {names}")


@dataclass(frozen=True)
class LoadedFile:
    source_file: str
    checksum: str
    source_url: str | None
    download_sha256: str | None


def loaded_files(dataset: str, period: str) -> list[LoadedFile]:
    """What a dataset-period was loaded from (by hand or fetched)."""
    t = DatasetLoad.__table__
    query = sa.select(t.c.source_file, t.c.checksum, t.c.source_url, t.c.download_sha256)
    with db.engine.connect() as conn:  # no session transaction left open while loads write
        rows = conn.execute(query.where(t.c.dataset == dataset, t.c.period == period)).all()
    return [LoadedFile(*row) for row in rows]


def latest_loaded(dataset: str) -> str | None:
    """The newest period loaded of a dataset (a coverage table alone does not load a month)."""
    t = DatasetLoad.__table__
    with db.engine.connect() as conn:
        newest = sa.select(sa.func.max(t.c.period)).where(t.c.dataset == dataset)
        return conn.scalar(newest.where(t.c.part != COVERAGE_PART))


def _takes_period(dataset: str) -> bool:
    return "period" in inspect.signature(LOADERS[dataset]).parameters
