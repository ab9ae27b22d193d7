"""The source registry: dataset name -> loader, and expanding a file, folder or zip into files."""

from __future__ import annotations

import inspect
import re
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from portal.extensions import db
from portal.ingest import (
    deprivation,
    gpad,
    gpps,
    ods_pcns,
    ods_practices,
    online_consultations,
    patients_registered,
    payments,
    peers,
    qof,
    telephony,
    workforce,
)
from portal.ingest.base import (
    IngestError,
    LoadResult,
    Progress,
    gc_paused,
    max_extracted_bytes,
    too_big,
)

Loader = Callable[..., list[LoadResult]]

LOADERS: dict[str, Loader] = {
    ods_practices.DATASET: ods_practices.load,
    ods_pcns.DATASET: ods_pcns.load,
    patients_registered.DATASET: patients_registered.load,
    workforce.DATASET: workforce.load,
    gpps.DATASET: gpps.load,
    qof.PREVALENCE: qof.load_prevalence,
    qof.ACHIEVEMENT: qof.load_achievement,
    payments.DATASET: payments.load,
    gpad.DATASET: gpad.load,
    online_consultations.DATASET: online_consultations.load,
    telephony.DATASET: telephony.load,
    deprivation.DATASET: deprivation.load,
}

# Loaders that take all the files of one path (a month's zip of regional files) at once.
GROUPED_LOADERS: dict[str, Loader] = {telephony.DATASET: telephony.load_files}

DATA_SUFFIXES = (".csv", ".csv.gz", ".xlsx")


def load_paths(
    dataset: str,
    paths: list[str | Path],
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
) -> list[LoadResult]:
    """Load each file (folders and zips expanded, files in name order) with the dataset's loader.

    `period` is for files that do not say which period they cover (annual publications named
    otherwise than as published); only loaders that take a `period` argument accept it.
    """
    if dataset not in LOADERS:
        raise IngestError(dataset, f"unknown dataset; choose one of {', '.join(sorted(LOADERS))}")
    loader = LOADERS[dataset]
    extra = {}
    if period is not None:
        if "period" not in inspect.signature(loader).parameters:
            raise IngestError(dataset, "this dataset takes its period from the file: drop --period")
        extra["period"] = period
    results: list[LoadResult] = []
    for path in paths:
        with expand(Path(path)) as files:
            if dataset in GROUPED_LOADERS:  # the files of one zip or folder load together
                with gc_paused():
                    grouped = GROUPED_LOADERS[dataset]
                    results.extend(grouped(files, synthetic=synthetic, progress=progress))
                continue
            for file in files:
                if progress:
                    progress(f"loading {file.name}")
                with gc_paused():
                    results.extend(loader(file, synthetic=synthetic, progress=progress, **extra))
    if dataset in peers.INPUTS and results:
        with db.engine.begin() as conn:
            grouped = peers.recompute(conn)
        if progress:
            progress(f"peer groups recomputed for {grouped:,} practices")
    return results


@contextmanager
def expand(path: Path) -> Iterator[list[Path]]:
    """A data file as itself, a folder as its data files, a zip as its extracted data files."""
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    if path.is_dir():
        yield sorted(p for p in path.iterdir() if p.name.lower().endswith(DATA_SUFFIXES))
    elif path.name.lower().endswith(".zip") or (
        zipfile.is_zipfile(path) and not path.name.lower().endswith(".xlsx")
    ):
        with tempfile.TemporaryDirectory() as tmp:
            yield extract(path, Path(tmp))
    else:
        yield [path]


def extract(path: Path, folder: Path) -> list[Path]:
    """A zip's data files unpacked into `folder`, every check passed before any file loads: a
    corrupt archive, a member named outside the folder (`..`, absolute, a drive) or a link, and
    more than INGEST_MAX_EXTRACTED_BYTES (declared, then counted as it unpacks) are named errors."""
    cap = max_extracted_bytes()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise IngestError(path, f"not a readable zip archive ({exc})") from None
    with archive:
        named = [(m, safe_member_name(path, m)) for m in archive.infolist()]  # folders too
        named = [(m, n) for m, n in named if not m.is_dir()]
        repeated = [n for n, times in Counter(n for _, n in named).items() if times > 1]
        if repeated:
            raise IngestError(path, f"{repeated[0]!r} is in the zip twice")
        wanted = [(m, n) for m, n in named if n.lower().endswith(DATA_SUFFIXES)]
        declared = sum(m.file_size for m, _ in wanted)
        if declared > cap:
            raise too_big(path, cap, declared)
        files, unpacked = [], 0
        for member, name in wanted:
            target = folder.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, open(target, "xb") as sink:
                    while block := source.read(1 << 20):
                        unpacked += len(block)
                        if unpacked > cap:
                            raise too_big(path, cap)
                        sink.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                    RuntimeError) as exc:  # fmt: skip
                raise IngestError(path, f"{name!r} in the zip is corrupt ({exc})") from None
            files.append(target)
    return sorted(files)


def safe_member_name(path: Path, member: zipfile.ZipInfo) -> str:
    """A member's name as a relative path inside the extraction folder; a name that climbs out
    of it, starts at a root or drive, or a member that is a link refuses the whole zip."""
    name = member.filename.replace("\\", "/")
    parts = name.split("/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise IngestError(path, f"{member.filename!r} in the zip points outside its folder")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise IngestError(path, f"{member.filename!r} in the zip is a link")
    return "/".join(part for part in parts if part not in ("", "."))
