"""`flask data refresh` against the loopback publisher: a dry run that downloads nothing, a
refresh in dependency order whose failing dataset exits 1 without stopping the others, a
second refresh with nothing new, and the lock that keeps two refreshes apart."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.fetch.editions import FETCHABLE
from portal.fetch.lock import refresh_lock
from portal.fetch.refresh import ORDER
from portal.models import DatasetLoad, PracticePeer
from tests.fetch.conftest import (
    EPCN,
    GPPS_PAGE,
    OTHER_SERIES,
    PATIENTS,
    QOF_SERIES,
    SERIES,
    SUCC,
    serve_other_series,
)


def publisher_app(env_app, publisher):
    return env_app(
        NHS_DIGITAL_BASE_URL=publisher.url,
        ODS_DSE_BASE_URL=publisher.url,
        GPPS_BASE_URL=publisher.url,
    )


def loaded(app) -> list[tuple[str, str]]:
    t = DatasetLoad.__table__
    with app.app_context():
        return [tuple(r) for r in db.session.execute(sa.select(t.c.dataset, t.c.period)
                                                     .order_by(t.c.id))]  # fmt: skip


def test_every_fetchable_dataset_is_refreshed():
    assert sorted(ORDER) == sorted(FETCHABLE)


def test_dry_run_says_what_it_would_fetch_and_downloads_nothing(env_app, publisher):
    serve_other_series(publisher)
    app = publisher_app(env_app, publisher)
    result = app.test_cli_runner().invoke(args=["data", "refresh", "--dry-run"])
    assert result.exit_code == 0, result.output
    base = publisher.url
    edition = f"{base}{SERIES}/{{}}/december-2025"
    oc = "Submissions via Online Consultation Systems in General Practice"
    assert result.stdout.splitlines()[:-1] == [
        f"ods-practices current: would fetch: epraccur.csv from {base}/api/getReport?report=epraccur",
        f"ods-pcns current: would fetch: epcn.zip from {base}{EPCN}",
        f"ods-successors current: would fetch: succ.zip from {base}{SUCC}",
        "patients-registered 2025-12: would fetch: gp-reg-pat-prac-map.csv, "
        "gp-reg-pat-prac-all.csv, gp-reg-pat-prac-quin-age.zip from "
        f"{base}{PATIENTS}/december-2025",
        "gpad 2025-12: would fetch: Practice_Level_Crosstab_Dec_25.zip from "
        + edition.format(OTHER_SERIES["gpad"][0]),
        f"online-consultations 2025-12: would fetch: {oc} - December 2025.zip, {oc} By Day and "
        "Time - December 2025.zip from " + edition.format(OTHER_SERIES["online-consultations"][0]),
        "telephony 2025-12: would fetch: Cloud Based Telephony By Durations - December 2025.zip "
        "from " + edition.format(OTHER_SERIES["telephony"][0]),
        "workforce 2025-12: would fetch: GPWPracticeCSV.122025.zip from "
        f"{base}{SERIES}/general-and-personal-medical-services/31-december-2025",
        "payments 2021-22: would fetch: nhspaymentsgp-21-22-prac-csv.csv from "
        f"{base}{SERIES}/nhs-payments-to-general-practice/england-2021-22",
        f"qof-prevalence 2024-25: would fetch: QOF2425.zip from {base}{QOF_SERIES}/2024-25",
        f"qof-achievement 2024-25: would fetch: QOF2425.zip from {base}{QOF_SERIES}/2024-25",
        "gpps 2026: would fetch: GPPS_2026_Practice_data_(weighted)_(csv)_PUBLIC.csv from "
        f"{base}{GPPS_PAGE}",
        "",
        "dataset               period   outcome",
        "--------------------  -------  -----------",
        "ods-practices         current  would fetch",
        "ods-pcns              current  would fetch",
        "ods-successors        current  would fetch",
        "patients-registered   2025-12  would fetch",
        "gpad                  2025-12  would fetch",
        "online-consultations  2025-12  would fetch",
        "telephony             2025-12  would fetch",
        "workforce             2025-12  would fetch",
        "payments              2021-22  would fetch",
        "qof-prevalence        2024-25  would fetch",
        "qof-achievement       2024-25  would fetch",
        "gpps                  2026     would fetch",
    ]
    assert result.stdout.splitlines()[-1].startswith("done in ")
    pages = [p for p, _ in publisher.requests if not p.startswith(SERIES)]
    assert set(pages) == {GPPS_PAGE}  # no downloads, only pages
    assert loaded(app) == []


def test_refresh_loads_in_dependency_order_and_a_failure_exits_1(env_app, publisher):
    app = publisher_app(env_app, publisher)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["data", "refresh"])
    assert first.exit_code == 1, first.output
    assert loaded(app) == [
        ("ods-practices", "current"),
        ("ods-pcns", "current"),
        ("ods-successors", "current"),
        *[("patients-registered", "2025-12")] * 3,
    ]
    # similar practices follow ODS and each edition once, not once per file of the edition
    with app.app_context():
        peer = PracticePeer.__table__
        grouped = db.session.scalar(sa.select(sa.func.count(sa.distinct(peer.c.practice_code))))
    assert grouped > 6_000
    assert [line for line in first.output.splitlines() if "peer groups" in line] == [
        "  peer groups recomputed for 0 practices",  # ODS alone: no list sizes yet
        f"  peer groups recomputed for {grouped:,} practices",
    ]
    table = first.stdout.splitlines()[-15:-1]
    assert table == [
        "dataset               period   outcome",
        "--------------------  -------  -------",
        "ods-practices         current  loaded",
        "ods-pcns              current  loaded",
        "ods-successors        current  loaded",
        "patients-registered   2025-12  loaded",
        "gpad                  latest   failed",
        "online-consultations  latest   failed",
        "telephony             latest   failed",
        "workforce             latest   failed",
        "payments              latest   failed",
        "qof-prevalence        latest   failed",
        "qof-achievement       latest   failed",
        "gpps                  latest   failed",
    ]
    gpad_series = f"{publisher.url}{SERIES}/{OTHER_SERIES['gpad'][0]}"
    assert f"gpad latest: failed: {gpad_series}: HTTP 404 Not Found" in first.stdout

    soon = "<html><body><h1>Coming soon</h1></body></html>"
    for series, *_ in OTHER_SERIES.values():  # series pages that list no edition yet
        publisher.pages[f"{SERIES}/{series}"] = soon
    publisher.pages[QOF_SERIES] = publisher.pages[GPPS_PAGE] = soon
    second = runner.invoke(args=["data", "refresh"])
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines()[-7:-1] == [
        "dataset              period   outcome",
        "-------------------  -------  ---------",
        "ods-practices        current  unchanged",
        "ods-pcns             current  unchanged",
        "ods-successors       current  unchanged",
        "patients-registered  2025-12  unchanged",
    ]
    assert len(loaded(app)) == 6


def test_a_second_refresh_while_one_runs_exits_2(env_app, publisher):
    serve_other_series(publisher)
    app = publisher_app(env_app, publisher)
    with app.app_context(), refresh_lock():
        result = app.test_cli_runner().invoke(args=["data", "refresh", "--dry-run"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: another refresh is running (")
    assert result.stderr.rstrip().endswith("; not starting another")
    assert [p for p, _ in publisher.requests] == []
    after = app.test_cli_runner().invoke(args=["data", "refresh", "--dry-run"])
    assert after.exit_code == 0, after.output  # the lock went with the first
