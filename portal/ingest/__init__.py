"""The source registry: dataset name -> loader, and expanding a file, folder or zip into files."""

from __future__ import annotations

import inspect
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from portal.ingest import (
    gpad,
    gpps,
    ods_pcns,
    ods_practices,
    online_consultations,
    patients_registered,
    payments,
    qof,
    telephony,
    workforce,
)
from portal.ingest.base import IngestError, LoadResult, Progress, gc_paused

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
}

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
            for file in files:
                if progress:
                    progress(f"loading {file.name}")
                with gc_paused():
                    results.extend(loader(file, synthetic=synthetic, progress=progress, **extra))
    return results


@contextmanager
def expand(path: Path) -> Iterator[list[Path]]:
    """A data file as itself, a folder as its data files, a zip as its extracted data files."""
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    if path.is_dir():
        yield sorted(p for p in path.iterdir() if p.name.lower().endswith(DATA_SUFFIXES))
    elif zipfile.is_zipfile(path) and not path.name.lower().endswith(".xlsx"):
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(DATA_SUFFIXES)]
            for name in names:
                archive.extract(name, tmp)
            yield sorted(Path(tmp) / n for n in names)
    else:
        yield [path]
