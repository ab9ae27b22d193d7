"""Zips that must not load: corrupt archives, members named outside the extraction folder or
that are links, and more data than INGEST_MAX_EXTRACTED_BYTES. Each is refused with a named
error before any of its files loads, leaving the earlier load exactly as it was."""

from __future__ import annotations

import gzip
import stat
import zipfile

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from tests.conftest import make_app

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
NAME = "gp-reg-pat-prac-all_2025-12.csv"


def snapshot() -> dict[str, list[str]]:
    """Every row of every table: the figures and the provenance of every load."""
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
        for table in db.metadata.sorted_tables
    }


def refused(app, good, bad) -> str:
    """Load the good file, then the bad zip: the error text; nothing changed in between."""
    with app.app_context():
        load_paths("patients-registered", [good])
        before = snapshot()
        with pytest.raises(IngestError) as error:
            load_paths("patients-registered", [bad])
        assert snapshot() == before
        db.session.remove()
    return str(error.value)


def make_zip(path, members, compression=zipfile.ZIP_DEFLATED):
    """A zip of (ZipInfo or name, bytes) members."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


@pytest.fixture
def good(nhs_data):
    return nhs_data / ALL_2025


def test_not_a_zip_with_a_zip_name(app, good, tmp_path):
    bad = tmp_path / "month.zip"
    bad.write_bytes(good.read_bytes())
    assert refused(app, good, bad) == (
        "month.zip: not a readable zip archive (File is not a zip file)"
    )


def test_truncated_zip(app, good, tmp_path):
    whole = make_zip(tmp_path / "whole.zip", [(NAME, good.read_bytes())]).read_bytes()
    bad = tmp_path / "month.zip"
    bad.write_bytes(whole[: len(whole) // 2])
    assert refused(app, good, bad) == (
        "month.zip: not a readable zip archive (File is not a zip file)"
    )


@pytest.mark.parametrize(
    ("compression", "problem"),
    [
        (zipfile.ZIP_STORED, f"Bad CRC-32 for file '{NAME}'"),
        (zipfile.ZIP_DEFLATED, "Error -3 while decompressing data"),
    ],
    ids=["stored-bad-crc", "deflated-bad-data"],
)
def test_corrupt_member(app, good, tmp_path, compression, problem):
    """A byte of the member's data changed: a bad CRC, or deflate data that do not decode."""
    data = good.read_bytes()
    bad = make_zip(tmp_path / "month.zip", [(NAME, data)], compression)
    raw = bytearray(bad.read_bytes())
    with zipfile.ZipFile(bad) as archive:
        info = archive.getinfo(NAME)
    spot = info.header_offset + 30 + len(NAME) + 40  # inside the member's data
    raw[spot] ^= 0xFF
    bad.write_bytes(bytes(raw))
    message = refused(app, good, bad)
    assert message.startswith(f"month.zip: '{NAME}' in the zip is corrupt ({problem}")


@pytest.mark.parametrize(
    "name",
    ["../../x.csv", "../x.csv", "data/../../x.csv", "/tmp/x.csv", "/etc/passwd",
     "C:\\x.csv", "c:x.csv", "..\\..\\x.csv", "data\\..\\..\\x.csv"],
)  # fmt: skip
def test_member_named_outside_the_folder(app, good, tmp_path, name):
    """Refused before anything is unpacked: not even the good member beside it loads."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    bad = make_zip(work / "month.zip", [(NAME, good.read_bytes()), (name, b"x,y\n1,2\n")])
    assert refused(app, good, bad) == f"month.zip: {name!r} in the zip points outside its folder"
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "a" / "x.csv").exists()


def test_symlink_member(app, good, tmp_path):
    link = zipfile.ZipInfo("link.csv")
    link.create_system = 3  # unix, whose mode bits say "symbolic link"
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    bad = make_zip(tmp_path / "month.zip", [(NAME, good.read_bytes()), (link, b"/etc/passwd")])
    assert refused(app, good, bad) == "month.zip: 'link.csv' in the zip is a link"


def test_member_named_twice(app, good, tmp_path):
    data = good.read_bytes()
    with pytest.warns(UserWarning, match="Duplicate name"):
        bad = make_zip(tmp_path / "month.zip", [(NAME, data), (NAME, data[:1000])])
    assert refused(app, good, bad) == f"month.zip: {NAME!r} is in the zip twice"


def test_zip_bomb_refused_by_declared_size(app, good, tmp_path):
    """A small zip whose member unpacks far beyond the cap."""
    app.config["INGEST_MAX_EXTRACTED_BYTES"] = 1_000_000
    bad = make_zip(tmp_path / "month.zip", [("bomb.csv", b"0" * 50_000_000)])
    assert bad.stat().st_size < 100_000
    assert refused(app, good, bad) == (
        "month.zip: the data would unpack beyond the limit of 1,000,000 bytes "
        "(INGEST_MAX_EXTRACTED_BYTES): 50,000,000 bytes"
    )


def test_zip_bomb_that_lies_about_its_size(app, good, tmp_path):
    """The member's declared sizes rewritten small: unpacking stops at the declared size and
    the data then fail their check, so no more than declared is ever written."""
    app.config["INGEST_MAX_EXTRACTED_BYTES"] = 1_000_000
    bad = make_zip(tmp_path / "month.zip", [("bomb.csv", b"0" * 50_000_000)])
    raw = bytearray(bad.read_bytes())
    small = (1000).to_bytes(4, "little")
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    raw[local + 22 : local + 26] = small  # local header: uncompressed size
    raw[central + 24 : central + 28] = small  # central directory: uncompressed size
    bad.write_bytes(bytes(raw))
    assert refused(app, good, bad) == (
        "month.zip: 'bomb.csv' in the zip is corrupt (Bad CRC-32 for file 'bomb.csv')"
    )


def test_zip_cap_counts_every_member(app, good, tmp_path):
    """Three copies of a 466 KB file: each under the cap, together over it."""
    app.config["INGEST_MAX_EXTRACTED_BYTES"] = 1_000_000
    data = good.read_bytes()
    bad = make_zip(tmp_path / "month.zip", [(f"{n}/{NAME}", data) for n in "abc"])
    assert refused(app, good, bad) == (
        "month.zip: the data would unpack beyond the limit of 1,000,000 bytes "
        f"(INGEST_MAX_EXTRACTED_BYTES): {3 * len(data):,} bytes"
    )


def test_gzip_bomb(app, good, tmp_path):
    app.config["INGEST_MAX_EXTRACTED_BYTES"] = 1_000_000
    bad = tmp_path / NAME.replace(".csv", ".csv.gz")
    bad.write_bytes(gzip.compress(good.read_bytes()[:200] + b"0" * 50_000_000))
    assert refused(app, good, bad) == (
        f"{bad.name}: the data would unpack beyond the limit of 1,000,000 bytes "
        "(INGEST_MAX_EXTRACTED_BYTES): more than that"
    )


def test_cap_is_read_from_the_environment(scratch_url, good, tmp_path, monkeypatch):
    monkeypatch.setenv("INGEST_MAX_EXTRACTED_BYTES", "100000")
    application = make_app(scratch_url)
    archive = make_zip(tmp_path / "month.zip", [(NAME, good.read_bytes())])
    with application.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [archive])
    assert str(error.value) == (
        "month.zip: the data would unpack beyond the limit of 100,000 bytes "
        f"(INGEST_MAX_EXTRACTED_BYTES): {good.stat().st_size:,} bytes"
    )


def test_zip_in_folders_still_loads(app, good, tmp_path):
    """A well-formed zip with its files in a folder loads as before."""
    archive = make_zip(tmp_path / "month.zip", [(f"month/{NAME}", good.read_bytes())])
    with app.app_context():
        results = load_paths("patients-registered", [archive])
    assert [r.source_file for r in results] == [NAME]


def test_folder_entry_named_outside_the_folder(app, good, tmp_path):
    """A folder entry is never unpacked, but its name alone refuses the zip."""
    bad = make_zip(tmp_path / "month.zip", [(NAME, good.read_bytes()), ("../up/", b"")])
    assert refused(app, good, bad) == "month.zip: '../up/' in the zip points outside its folder"


def test_workbook_above_the_cap(app, nhs_data, tmp_path):
    """An .xlsx is a zip too: its declared size must fit the cap before it is opened."""
    workbook = nhs_data / "ods/ePCN_2023-02.xlsx"
    with zipfile.ZipFile(workbook) as book:
        declared = sum(member.file_size for member in book.infolist())
    app.config["INGEST_MAX_EXTRACTED_BYTES"] = 1_000_000
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("ods-pcns", [workbook])
    assert str(error.value) == (
        "ePCN_2023-02.xlsx: the data would unpack beyond the limit of 1,000,000 bytes "
        f"(INGEST_MAX_EXTRACTED_BYTES): {declared:,} bytes"
    )
