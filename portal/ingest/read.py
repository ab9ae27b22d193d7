"""Finding a load's data: a file, folder or zip expanded into its data files, a file's header,
and the columns a publication has named differently from year to year (declared as aliases).

The byte-level CSV read every ingester shares (read_csv, read_checked) is in base.
"""

from __future__ import annotations

import csv
import gzip
import re
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from portal.ingest.base import (
    IngestError,
    check_unique,
    max_extracted_bytes,
    normalise_header,
    require_values,
    too_big,
)

DATA_SUFFIXES = (".csv", ".csv.gz", ".xlsx")

# A column's published names (normalised headers) by the field it fills, the documented name
# first: a file's first present name is read.
Aliases = dict[str, list[str]]


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


def header_of(path: Path, *, raw: bool = False, errors: str = "strict") -> list[str]:
    """The column names of a (possibly gzipped) CSV from its first line, normalised unless raw
    (`errors`: as for decoding, 'replace' where a file is only looked at to be skipped)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors=errors, newline="") as handle:
            first = handle.readline()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt ({exc})") from None
    if not first.strip():
        raise IngestError(path, "the file is empty")
    names = next(csv.reader([first]))
    return names if raw else [normalise_header(c) for c in names]


def published_headings(path: Path, frame: pd.DataFrame) -> dict[str, str]:
    """Normalised column name -> the heading as published (BOM and outer spaces removed)."""
    raw = pd.read_csv(path, nrows=0, encoding="utf-8-sig", compression="infer").columns
    return {
        normal: " ".join(str(original).replace("\ufeff", "").split())
        for normal, original in zip(frame.columns, raw, strict=True)
    }


def pick_columns(frame: pd.DataFrame, aliases: Aliases, path: str | Path, dataset: str):
    """Each field's column in this file (field -> normalised header), in the order declared;
    a field none of whose names the file has is a named error."""
    return {field: pick_column(frame, names, path, dataset) for field, names in aliases.items()}


def pick_column(frame: pd.DataFrame, names: list[str], path: str | Path, dataset: str) -> str:
    """The first of a column's known names (normalised headers) the file has; else a named error."""
    for name in names:
        if name in frame.columns:
            return name
    raise IngestError(
        path,
        f"missing column {names[0]} (or {', '.join(names[1:])}); is this a {dataset} file?"
        if len(names) > 1
        else f"missing column {names[0]}; is this a {dataset} file?",
        line=1,
        column=names[0],
    )


def practice_codes(frame: pd.DataFrame, column: str, path: str | Path) -> pd.Series:
    """The practice code column, present on every row and never repeated."""
    require_values(frame, [column], path)
    codes = frame[column].str.strip().str.upper()
    check_unique(pd.DataFrame({column: codes}), [column], path)
    return codes
