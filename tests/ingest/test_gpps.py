"""GP Patient Survey ingest, on the real 2026 practice excerpt (189 of ~1,100 columns)."""

import shutil

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import GppsPractice, GppsQuestion
from tests.annual_files import read, snapshot, stored_metric, write

EXCERPT = "gpps/GPPS_2026_practice_weighted_excerpt.csv"
NAME = "GPPS_2026_practice_weighted_excerpt.csv"


def question(code: str, name: str) -> dict:
    t = GppsQuestion.__table__
    row = db.session.execute(
        sa.select(t).where(t.c.practice_code == code, t.c.question == name)
    ).first()
    return dict(row._mapping) if row else None


def test_loads_every_question_present(app, nhs_data):
    source = read(nhs_data / EXCERPT)
    with app.app_context():
        [result] = load_paths("gpps", [nhs_data / EXCERPT])
        assert (result.period, result.rows_loaded) == ("2026", len(source))
        questions = {c.split(".")[0] for c in source.columns if c.endswith(".pcteval")}
        stored = db.session.execute(sa.select(GppsQuestion.question).distinct()).scalars()
        assert set(stored) == questions
        for _, row in source.iterrows():
            code = row["ad_practicecode"]
            overall = question(code, "overallexp")
            assert overall["pct_eval"] == float(row["overallexp.pcteval"])  # '.931…' fractions
            assert overall["low_ci"] == float(row["overallexp.lowileval"])
            assert overall["high_ci"] == float(row["overallexp.hiwileval"])
            # weighted positive answers / weighted base, x 100: the published share as a %
            assert stored_metric("gpps_overall_good", code) == pytest.approx(
                float(row["overallexp.pcteval"]) * 100
            )
            practice = db.session.get(GppsPractice, (code, "2026"))
            assert practice.response_rate == float(row["resprate"])


def test_suppressed_share_is_missing_and_a_subset_of_questions_loads(app, nhs_data, tmp_path):
    frame = read(nhs_data / EXCERPT)
    frame = frame[[c for c in frame.columns if not c.startswith("pharmacyoverall")]]
    frame.loc[1, ["overallexp.pcteval", "overallexp.counteval"]] = "*"
    code = frame.loc[1, "ad_practicecode"]
    path = write(frame, tmp_path / NAME)
    with app.app_context():
        load_paths("gpps", [path])
        assert question(code, "overallexp") is None
        assert question(code, "pharmacyoverall") is None
        assert question(code, "gpcontactoverall") is not None
        assert stored_metric("gpps_overall_good", code) is None  # suppressed, not zero


def test_loading_twice_changes_nothing(app, nhs_data):
    with app.app_context():
        load_paths("gpps", [nhs_data / EXCERPT])
        before = snapshot(GppsPractice, GppsQuestion)
        load_paths("gpps", [nhs_data / EXCERPT])
        assert snapshot(GppsPractice, GppsQuestion) == before


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: f.assign(ad_practicecode=f["ad_practicecode"].where(f.index != 3, "A84002")),
            f"{NAME}, line 5: repeated key (AD_PRACTICECODE=A84002)",
        ),
        (
            lambda f: f.drop(columns=["overallexp.pcteval"]),
            f"{NAME}, line 1, column OVERALLEXP.PCTEVAL: missing column(s) OVERALLEXP.PCTEVAL; "
            "is this a gpps file?",
        ),
        (
            lambda f: f.assign(
                **{"overallexp.lowileval": ["x.88", *f["overallexp.lowileval"][1:]]}
            ),
            f"{NAME}, line 2, column OVERALLEXP.LOWILEVAL: 'x.88' is not a number",
        ),
    ],
    ids=["repeated-key", "missing-column", "unparseable"],
)
def test_bad_file_keeps_the_previous_load(app, nhs_data, tmp_path, change, message):
    with app.app_context():
        load_paths("gpps", [nhs_data / EXCERPT])
        before = snapshot(GppsPractice, GppsQuestion)
        bad = write(change(read(nhs_data / EXCERPT)), tmp_path / NAME)
        with pytest.raises(IngestError) as error:
            load_paths("gpps", [bad])
        assert str(error.value) == message
        assert snapshot(GppsPractice, GppsQuestion) == before


def test_period_mismatch_and_unknown_period(app, nhs_data, tmp_path):
    with app.app_context():
        load_paths("gpps", [nhs_data / EXCERPT])
        before = snapshot(GppsPractice, GppsQuestion)
        with pytest.raises(IngestError) as error:
            load_paths("gpps", [nhs_data / EXCERPT], period="2025")
        assert str(error.value) == (
            f"{NAME}: period mismatch: the file name says 2026 but --period says 2025"
        )
        unnamed = tmp_path / "practice_results.csv"
        shutil.copy(nhs_data / EXCERPT, unnamed)
        with pytest.raises(IngestError) as error:
            load_paths("gpps", [unnamed])
        assert "cannot tell which period this file covers" in str(error.value)
        assert snapshot(GppsPractice, GppsQuestion) == before
        [result] = load_paths("gpps", [unnamed], period="2025")
        assert result.period == "2025"
