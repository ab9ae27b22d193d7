"""Files that must not load: a stray quote that swallows rows, absurd counts and a cut-off last
row fail with the file, line and column, on every CSV dataset's shared read path, and leave the
earlier load exactly as it was. Hostile files are built in tmp_path from the published files."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError, normalise_header


@dataclass(frozen=True)
class Source:
    """A published file, cut to its first `lines` lines, and a count column to spoil."""

    dataset: str
    path: str
    lines: int
    count: str
    integer: bool = True
    count_row: dict[str, str] = field(default_factory=dict)  # the row to spoil must have these
    not_whole: str = "is not a whole number"

    def __str__(self) -> str:
        return Path(self.path).name


SOURCES = [
    Source("patients-registered", "patients_registered/gp-reg-pat-prac-all_2025-12.csv", 400,
           "NUMBER_OF_PATIENTS"),
    Source("gpad", "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz", 3000,
           "COUNT_OF_APPOINTMENTS"),
    Source("online-consultations", "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz",
           3000, "VALUE", integer=False, count_row={"METRIC": "OC_TOTAL_SUBMISSIONS"},
           not_whole="is not a whole number (OC_TOTAL_SUBMISSIONS)"),
    Source("online-consultations", "online_consultations/OC_by_day_and_time_2025-08.csv.gz", 2000,
           "VALUE"),
    Source("telephony", "telephony/Cloud Based Telephony By Durations - June 2026_Y58.csv", 276,
           "VALUE"),
    Source("qof-prevalence", "qof/PREVALENCE_2021_v2.csv", 2000, "REGISTER"),
    Source("payments", "payments/nhs_payments_gp_21-22.csv", 300,
           "NUMBER OF REGISTERED PATIENTS (LAST KNOWN FIGURE)", integer=False),
    Source("gpps", "gpps/GPPS_2026_practice_weighted_excerpt.csv", 5, "DISTRIBUTED",
           integer=False),
]  # fmt: skip


def read_lines(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return handle.read().splitlines(keepends=True)


def write_lines(path: Path, lines: list[str]) -> Path:
    data = "".join(lines).encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def as_line(values: list[str], like: str) -> str:
    """Fields written as one CSV line ending as `like` does."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue() + like[len(like.rstrip("\r\n")) :]


def snapshot() -> dict[str, list[str]]:
    """Every row of every table: the figures and the provenance of every load."""
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def published(nhs_data, tmp_path):
    """(good file, its lines, a folder for the hostile file of the same name) for a Source."""

    def cut(source: Source) -> tuple[Path, list[str], Path]:
        lines = read_lines(nhs_data / source.path)[: source.lines]
        good = write_lines(tmp_path / Path(source.path).name, lines)
        bad = tmp_path / "bad"
        bad.mkdir(exist_ok=True)
        return good, lines, bad / good.name

    return cut


def refused(app, source: Source, good: Path, bad: Path) -> str:
    """Load the good file, then the bad one: the error text; nothing changed in between."""
    with app.app_context():
        load_paths(source.dataset, [good])
        before = snapshot()
        with pytest.raises(IngestError) as error:
            load_paths(source.dataset, [bad])
        assert snapshot() == before
        db.session.remove()
    return str(error.value)


def quote_free(lines: list[str]) -> int:
    """The first data line index whose line and the next two hold no quote."""
    return next(i for i in range(1, len(lines) - 2) if '"' not in "".join(lines[i : i + 3]))


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_stray_quote_that_closes_later_swallows_no_rows(app, published, source):
    """A stray quote opening the second field and another three lines on: the parser reads one
    row of the right width out of three lines; the line count gives it away."""
    good, lines, bad = published(source)
    index = quote_free(lines)
    lines[index] = lines[index].replace(",", ',"', 1)
    head, comma, tail = lines[index + 2].partition(",")
    lines[index + 2] = head + comma + tail.replace(",", '",', 1)
    column = normalise_header(fields(lines[0])[1])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line {index + 1}, column {column}: "
        "a quoted field runs on over 3 lines (an unbalanced quote?)"
    )


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_stray_quote_that_never_closes(app, published, source):
    """The quote runs on to the next quote in the file, or to its end."""
    good, lines, bad = published(source)
    index = quote_free(lines)
    lines[index] = lines[index].replace(",", ',"', 1)
    column = normalise_header(fields(lines[0])[1])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message.startswith(f"{good.name}, line {index + 1}, column {column}: ")
    assert message.endswith(" lines (an unbalanced quote?)")


def test_stray_quote_in_a_file_without_header(app, nhs_data, tmp_path):
    """epraccur quotes every field: a lost closing quote runs the last field on."""
    lines = read_lines(nhs_data / "ods/epraccur.csv")[:300]
    good = write_lines(tmp_path / "epraccur.csv", lines)
    (tmp_path / "bad").mkdir()
    lines[9] = lines[9][: lines[9].rindex('"')] + "\n"
    source = Source("ods-practices", "ods/epraccur.csv", 300, "")
    message = refused(app, source, good, write_lines(tmp_path / "bad" / "epraccur.csv", lines))
    assert message == (
        "epraccur.csv, line 10, column 27: a quoted field runs on over 2 lines "
        "(an unbalanced quote?)"
    )


RANGE = "is outside the plausible range (0 to 10,000,000)"


SPOILT = [("-5", RANGE), ("1e30", RANGE), ("10000001", RANGE), ("inf", RANGE), ("-inf", RANGE),
          ("NaN", "not a number"), ("12.5", "fractional")]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "value", "problem"),
    [
        pytest.param(source, value, problem, id=f"{source}-{value}")
        for source in SOURCES
        for value, problem in SPOILT
        # a fractional value is a value in payments' and GPPS's figures
        if problem != "fractional" or source.integer or source.count_row
    ],
)
def test_absurd_count(app, published, source, value, problem):
    good, lines, bad = published(source)
    header = [normalise_header(name) for name in fields(lines[0])]
    position = header.index(source.count)
    index = next(
        i
        for i in range(3, len(lines))
        if all(fields(lines[i])[header.index(k)] == v for k, v in source.count_row.items())
    )
    values = fields(lines[index])
    values[position] = value
    lines[index] = as_line(values, lines[index])
    if problem == "not a number":
        problem = "is not a whole number" if source.integer else "is not a number"
    elif problem == "fractional":
        problem = source.not_whole
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == f"{good.name}, line {index + 1}, column {source.count}: {value!r} {problem}"


@pytest.mark.parametrize(
    ("column", "value"),
    [("RESPRATE", "1.2"), ("OVERALLEXP.PCTEVAL", "87.5"), ("OVERALLEXP.LOWILEVAL", "-0.1")],
)
def test_proportion_outside_zero_to_one(app, published, column, value):
    """GPPS publishes proportions as 0-1 fractions: a percentage or a negative is corrupt."""
    source = SOURCES[-1]
    good, lines, bad = published(source)
    header = [normalise_header(name) for name in fields(lines[0])]
    values = fields(lines[2])
    values[header.index(column)] = value
    lines[2] = as_line(values, lines[2])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line 3, column {column}: {value!r} is outside the plausible range (0 to 1)"
    )


def test_flag_outside_zero_or_one(app, published):
    source = SOURCES[2]
    good, lines, bad = published(source)
    header = [normalise_header(name) for name in fields(lines[0])]
    index = next(i for i in range(1, len(lines)) if "OC_PARTICIPATION" in lines[i])
    values = fields(lines[index])
    values[header.index("VALUE")] = "7"
    lines[index] = as_line(values, lines[index])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line {index + 1}, column VALUE: '7' is not 0 or 1 (OC_PARTICIPATION)"
    )


def test_payment_deductions_may_be_negative_but_not_absurd(app, published):
    source = SOURCES[-2]
    good, lines, bad = published(source)
    header = [normalise_header(name) for name in fields(lines[0])]
    column = "DEDUCTIONS FOR PENSIONS, LEVIES AND PRESCRIPTION CHARGE INCOME"
    values = fields(lines[7])
    values[header.index(column)] = "-2e12"
    lines[7] = as_line(values, lines[7])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line 8, column {column}: '-2e12' is outside the plausible range "
        "(-1,000,000,000 to 1,000,000,000)"
    )


@pytest.mark.parametrize("source", SOURCES, ids=str)
@pytest.mark.parametrize("ending", ["\n", ""], ids=["newline", "no-newline"])
def test_truncated_last_row(app, published, source, ending):
    """The file cut off after the third field of its last row, with or without a line end."""
    good, lines, bad = published(source)
    lines[-1] = as_line(fields(lines[-1])[:3], "") + ending
    width = len(fields(lines[0]))
    column = normalise_header(fields(lines[0])[3])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line {len(lines)}, column {column}: "
        f"the row ends after 3 of {width} fields (is the file truncated?)"
    )


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_short_row_in_the_middle(app, published, source):
    """A row of three fields halfway down the file: never loaded as suppressed figures."""
    good, lines, bad = published(source)
    middle = len(lines) // 2
    lines[middle] = as_line(fields(lines[middle])[:3], lines[middle])
    width = len(fields(lines[0]))
    column = normalise_header(fields(lines[0])[3])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line {middle + 1}, column {column}: the row ends after 3 of {width} fields"
    )


def test_truncated_last_row_without_header(app, nhs_data, tmp_path):
    lines = read_lines(nhs_data / "ods/epraccur.csv")[:300]
    good = write_lines(tmp_path / "epraccur.csv", lines)
    (tmp_path / "bad").mkdir()
    lines[-1] = as_line(fields(lines[-1])[:9], "")  # cut before the postcode
    source = Source("ods-practices", "ods/epraccur.csv", 300, "")
    message = refused(app, source, good, write_lines(tmp_path / "bad" / "epraccur.csv", lines))
    assert message == (
        "epraccur.csv, line 300, column 10: the row ends after 9 of 27 fields "
        "(is the file truncated?)"
    )


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_header_one_name_short(app, published, source):
    """Every row one field longer than the header: pandas would take the first column as an
    index and shift every figure one column along."""
    good, lines, bad = published(source)
    names = fields(lines[0])
    # a column GPAD does not need, as GPAD checks its header before reading the file
    names.remove("SUPPLIER" if source.dataset == "gpad" else names[-1])
    lines[0] = as_line(names, lines[0])
    message = refused(app, source, good, write_lines(bad, lines))
    assert message == (
        f"{good.name}, line {len(lines)}: the row has {len(names) + 1} fields where the header "
        f"has {len(names)}"
    )
