"""The source registry: dataset name -> loader, and expanding a file, folder or zip into files."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

from portal.extensions import db
from portal.ingest import (
    deprivation,
    gpad,
    gpps,
    ods_pcns,
    ods_practices,
    ods_successors,
    online_consultations,
    patients_registered,
    payments,
    peers,
    qof,
    telephony,
    workforce,
)
from portal.ingest.base import IngestError, LoadResult, Progress, gc_paused
from portal.ingest.read import expand

Loader = Callable[..., list[LoadResult]]

LOADERS: dict[str, Loader] = {
    ods_practices.DATASET: ods_practices.load,
    ods_pcns.DATASET: ods_pcns.load,
    ods_successors.DATASET: ods_successors.load,
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


def load_paths(
    dataset: str,
    paths: list[str | Path],
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
    regroup: bool = True,
) -> list[LoadResult]:
    """Load each file (folders and zips expanded, files in name order) with the dataset's loader.

    `period` is for files that do not say which period they cover (annual publications named
    otherwise than as published); only loaders that take a `period` argument accept it.
    `regroup=False` leaves similar practices to the caller's one `regroup_peers` after several
    calls (an edition's files fetched one by one).
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
    if regroup:
        regroup_peers(dataset, results, progress)
    return results


def regroup_peers(dataset: str, results: list[LoadResult], progress: Progress | None = None):
    """Similar practices follow a load of what they are drawn from: recomputed once after it."""
    if dataset in peers.INPUTS and results:
        with db.engine.begin() as conn:
            grouped = peers.recompute(conn)
        if progress:
            progress(f"peer groups recomputed for {grouped:,} practices")
