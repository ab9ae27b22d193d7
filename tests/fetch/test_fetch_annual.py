"""`flask data fetch` for the annual publications against the loopback publisher: QOF's raw-data
zip from its financial-year edition page (the real 2024-25 PREVALENCE file zipped at test time;
for achievement, the real 2020-21 files with an achievement FIXTURE BUILT TO THE DOCUMENTED LONG
LAYOUT) and the GP Patient Survey's practice CSV (the real 2026 excerpt) from its reports page."""

from __future__ import annotations

import csv
import hashlib
import zipfile

import sqlalchemy as sa

from portal.extensions import db
from portal.models import DatasetLoad, GppsPractice, QofAchievement, QofPrevalence
from tests.annual_files import achievement_file, stored_metric
from tests.fetch.conftest import GPPS_FILE, GPPS_PAGE, QOF_SERIES, QOF_ZIP, serve_other_series


def loads(app) -> list[tuple]:
    t = DatasetLoad.__table__
    query = sa.select(t.c.dataset, t.c.period, t.c.part, t.c.source_file, t.c.source_url,
                      t.c.download_sha256, t.c.download_bytes).order_by(t.c.id)  # fmt: skip
    with app.app_context():
        return [tuple(row) for row in db.session.execute(query)]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publisher_app(env_app, publisher):
    return env_app(NHS_DIGITAL_BASE_URL=publisher.url, GPPS_BASE_URL=publisher.url)


def test_newest_qof_year_is_fetched_from_its_raw_data_zip(env_app, publisher, built, nhs_data):
    serve_other_series(publisher)
    publisher.files[QOF_ZIP] = built["qof zip"]
    app = publisher_app(env_app, publisher)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["data", "fetch", "qof-prevalence"])
    assert result.exit_code == 0, result.output
    with open(nhs_data / "qof/PREVALENCE_2425.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert result.stdout.splitlines()[-1] == (
        f"qof-prevalence 2024-25: loaded: {len(rows):,} rows from QOF2425.zip"
    )
    zipped = built["qof zip"]
    assert loads(app) == [("qof-prevalence", "2024-25", "prevalence", "PREVALENCE_2425.csv",
                           publisher.url + QOF_ZIP, sha(zipped), zipped.stat().st_size)]  # fmt: skip
    [hyp] = [r for r in rows if (r["PRACTICE_CODE"], r["GROUP_CODE"]) == ("A81001", "HYP")]
    with app.app_context():
        expected = float(hyp["REGISTER"]) / int(hyp["PRACTICE_LIST_SIZE"]) * 100
        assert abs(stored_metric("prevalence_hyp", "A81001") - expected) < 1e-9
        total = db.session.execute(sa.select(sa.func.count()).select_from(QofPrevalence))
        assert total.scalar() == len(rows)
    again = runner.invoke(args=["data", "fetch", "qof-prevalence", "--period", "2024-25"])
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1] == (
        "qof-prevalence 2024-25: unchanged: already loaded from QOF2425.zip"
    )


def test_qof_achievement_comes_from_the_same_zip_with_its_mapping(
    env_app, publisher, nhs_data, tmp_path
):
    folder = tmp_path / "zip"
    folder.mkdir()
    mapping = nhs_data / "qof/MAPPING_INDICATORS_2021_v2.csv"
    achievement = achievement_file(folder, mapping, ["A81001", "A81002"])  # FIXTURE (see above)
    zipped = tmp_path / "QOF2021_v2.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (achievement, mapping, nhs_data / "qof/PREVALENCE_2021_v2.csv",
                     nhs_data / "qof/ORGANISATION_REFERENCE_2021.csv"):  # fmt: skip
            archive.write(path, path.name)
    publisher.page(f"{QOF_SERIES}/2020-21", "qof-edition", year="2020-21", yyyy="2021_v2")
    publisher.files["/files/95/4708D7/QOF2021_v2.zip"] = zipped
    app = publisher_app(env_app, publisher)
    result = app.test_cli_runner().invoke(
        args=["data", "fetch", "qof-achievement", "--period", "2020-21"]
    )
    assert result.exit_code == 0, result.output
    url = f"{publisher.url}/files/95/4708D7/QOF2021_v2.zip"
    assert [load[:5] for load in loads(app)] == [
        ("qof-achievement", "2020-21", "achievement", "ACHIEVEMENT_2021.csv", url),
        ("qof-achievement", "2020-21", "mapping", "MAPPING_INDICATORS_2021_v2.csv", url),
    ]
    assert "skipped PREVALENCE_2021_v2.csv: not a qof-achievement file" in result.output
    with app.app_context(), open(achievement, newline="") as f:
        wanted = {(r["PRACTICE_CODE"], r["INDICATOR_CODE"]) for r in csv.DictReader(f)}
        got = db.session.execute(sa.select(QofAchievement.practice_code,
                                           QofAchievement.indicator_code)).all()  # fmt: skip
        assert set(map(tuple, got)) == wanted


def test_gpps_year_is_fetched_through_the_reports_page_redirect(env_app, publisher, nhs_data):
    serve_other_series(publisher)
    excerpt = nhs_data / "gpps/GPPS_2026_practice_weighted_excerpt.csv"
    publisher.files[GPPS_FILE] = excerpt
    app = publisher_app(env_app, publisher)
    result = app.test_cli_runner().invoke(args=["data", "fetch", "gpps"])
    assert result.exit_code == 0, result.output
    name = "GPPS_2026_Practice_data_(weighted)_(csv)_PUBLIC.csv"
    with open(excerpt, newline="", encoding="utf-8-sig") as f:
        practices = {r["ad_practicecode"] for r in csv.DictReader(f)}
    assert result.stdout.splitlines()[-1] == (
        f"gpps 2026: loaded: {len(practices)} rows from {name}"
    )
    assert loads(app) == [("gpps", "2026", "", name, publisher.url + GPPS_FILE, sha(excerpt),
                           excerpt.stat().st_size)]  # fmt: skip
    requested = [path for path, _ in publisher.requests]
    assert requested == [GPPS_PAGE, GPPS_FILE]  # the page first: the site's session
    with app.app_context():
        stored = db.session.execute(sa.select(GppsPractice.practice_code)).scalars()
        assert set(stored) == practices


def test_gpps_answering_with_a_web_page_loads_nothing(env_app, publisher):
    serve_other_series(publisher)
    publisher.pages[GPPS_FILE] = "<html><body>Please accept cookies to continue</body></html>"
    app = publisher_app(env_app, publisher)
    result = app.test_cli_runner().invoke(args=["data", "fetch", "gpps", "--period", "2026"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        f"gpps 2026: failed: {publisher.url}{GPPS_FILE}: the publisher answered with a web page, "
        "not a data file (a block page, or the file has moved); nothing loaded"
    )
    assert loads(app) == []


def test_a_year_not_on_the_pages_and_periods_of_the_wrong_shape(env_app, publisher):
    serve_other_series(publisher)
    app = publisher_app(env_app, publisher)
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["data", "fetch", "gpps", "--period", "2024"])
    assert missing.exit_code == 1
    assert missing.stdout.splitlines()[-1] == (
        f"gpps 2024: failed: {publisher.url}{GPPS_PAGE}: no file matching "
        "'GPPS_2024_Practice_data_\\\\(weighted\\\\)_\\\\(csv\\\\)(?:_v\\\\d+)?_PUBLIC(?:_v\\\\d+)?\\\\.csv' "
        "on the edition page; nothing loaded"
    )
    for dataset, period, example in (("gpps", "2026-27", "2025"),
                                     ("qof-prevalence", "2024", "2024-25"),
                                     ("qof-achievement", "2024-26", "2024-25")):  # fmt: skip
        result = runner.invoke(args=["data", "fetch", dataset, "--period", period])
        assert result.exit_code == 2
        assert (
            f"Invalid value for --period: '{period}' is not a period of {dataset} like {example}"
            in result.output
        )
    assert loads(app) == []
