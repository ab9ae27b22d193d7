"""`flask data fetch` against a loopback publisher: a month found, downloaded with our
User-Agent, verified and loaded with its provenance; a republished edition; and every way a
fetch fails (a missing month, a 403, a truncated download, an unreachable host) loads nothing
and exits non-zero."""

from __future__ import annotations

import csv
import gzip
import hashlib
import socket

import httpx
import sqlalchemy as sa

from portal.config import BROWSER_USER_AGENT
from portal.extensions import db
from portal.models import AppointmentMonth, DatasetLoad, RegisteredPatients
from tests.fetch.conftest import PATIENT_FILES, PATIENTS, SERIES

ALL = "/files/3A/9D2E41/gp-reg-pat-prac-all.csv"
ALL_V2 = "/files/3A/9D2E41/gp-reg-pat-prac-all_V2.csv"


def loads(app) -> list[tuple]:
    t = DatasetLoad.__table__
    query = sa.select(t.c.dataset, t.c.period, t.c.part, t.c.source_file, t.c.source_url,
                      t.c.download_sha256, t.c.download_bytes).order_by(t.c.id)  # fmt: skip
    with app.app_context():
        return [tuple(row) for row in db.session.execute(query)]


def list_sizes(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(sa.select(RegisteredPatients.practice_code,
                                            RegisteredPatients.patients))  # fmt: skip
        return dict(rows.all())


def file_list_sizes(path) -> dict[str, int]:
    with open(path, newline="") as handle:
        return {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)
                if r["SEX"] == "ALL" and r["AGE"] == "ALL"}  # fmt: skip


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newest_month_is_fetched_verified_and_loaded_with_provenance(env_app, publisher, nhs_data):
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    result = app.test_cli_runner().invoke(args=["data", "fetch", "patients-registered"])
    assert result.exit_code == 0, result.output
    rows = 6_196 + 6_196 + 6_196 * 2 * 20  # map, totals, 20 age bands by sex per practice
    assert result.stdout.splitlines()[-1] == (
        f"patients-registered 2025-12: loaded: {rows:,} rows from gp-reg-pat-prac-map.csv, "
        "gp-reg-pat-prac-all.csv, gp-reg-pat-prac-quin-age.zip"
    )
    served = {path: publisher.files[path] for path in PATIENT_FILES}
    assert loads(app) == [
        ("patients-registered", "2025-12", part, path.rsplit("/", 1)[1].replace(".zip", ".csv"),
         publisher.url + path, sha(served[path]), served[path].stat().st_size)
        for part, path in zip(["map", "all", "quin-age"], PATIENT_FILES, strict=True)
    ]  # fmt: skip
    # the series page, the edition page, three files: every request with our User-Agent
    assert [agent for _, agent in publisher.requests] == [BROWSER_USER_AGENT] * 5
    fetched = list_sizes(app)
    assert fetched == file_list_sizes(served[ALL])
    assert len(fetched) == 6196

    # the same files through `flask data load`: the same figures
    loaded = app.test_cli_runner().invoke(
        args=["data", "load", "patients-registered", str(served[ALL])]
    )
    assert loaded.exit_code == 0, loaded.output
    assert list_sizes(app) == fetched

    status = app.test_cli_runner().invoke(args=["data", "status"])
    assert "latest 2025-12" in status.output
    assert status.output.rstrip().endswith("next update due 2026-01-08")


def test_fetching_a_loaded_edition_again_changes_nothing(env_app, publisher):
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    runner = app.test_cli_runner()
    runner.invoke(args=["data", "fetch", "patients-registered", "--period", "2025-12"])
    before, publisher.requests[:] = loads(app), []
    again = runner.invoke(args=["data", "fetch", "patients-registered", "--period", "2025-12"])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == (
        "patients-registered 2025-12: unchanged: already loaded from gp-reg-pat-prac-map.csv, "
        "gp-reg-pat-prac-all.csv, gp-reg-pat-prac-quin-age.zip"
    )
    assert [path for path, _ in publisher.requests] == [f"{PATIENTS}/december-2025"]
    assert loads(app) == before


def test_a_republished_edition_replaces_the_load_only_with_force(env_app, publisher, tmp_path):
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    runner = app.test_cli_runner()
    runner.invoke(args=["data", "fetch", "patients-registered", "--period", "2025-12"])
    original = list_sizes(app)
    # the publisher re-releases the totals as _V2 with A81001's list corrected
    text = publisher.files[ALL].read_text()
    assert ",A81001,TS18 1HU,ALL,ALL,3763\n" in text
    corrected = tmp_path / "gp-reg-pat-prac-all_V2.csv"
    corrected.write_text(text.replace(",A81001,TS18 1HU,ALL,ALL,3763\n",
                                      ",A81001,TS18 1HU,ALL,ALL,3770\n"))  # fmt: skip
    publisher.files[ALL_V2] = corrected
    publisher.page(f"{PATIENTS}/december-2025", "patients-registered-edition",
                   month="December 2025", version="_V2")  # fmt: skip

    refused = runner.invoke(args=["data", "fetch", "patients-registered", "--period", "2025-12"])
    assert refused.exit_code == 1
    assert refused.stdout.strip() == (
        "patients-registered 2025-12: needs --force: republished: gp-reg-pat-prac-all_V2.csv "
        "not among the loaded files (gp-reg-pat-prac-all.csv, gp-reg-pat-prac-map.csv, "
        "gp-reg-pat-prac-quin-age.csv); the loaded edition is kept: run again with --force to "
        "replace it"
    )
    assert list_sizes(app) == original

    forced = runner.invoke(
        args=["data", "fetch", "patients-registered", "--period", "2025-12", "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.splitlines()[-1] == (
        "patients-registered 2025-12: replaced: 260,232 rows from gp-reg-pat-prac-map.csv, "
        "gp-reg-pat-prac-all_V2.csv, gp-reg-pat-prac-quin-age.zip"
    )
    assert list_sizes(app) == {**original, "A81001": 3770}
    all_load = [row for row in loads(app) if row[2] == "all"]
    assert all_load == [("patients-registered", "2025-12", "all", "gp-reg-pat-prac-all_V2.csv",
                         publisher.url + ALL_V2, sha(corrected), corrected.stat().st_size)]  # fmt: skip


def test_a_missing_month_is_a_clear_error(env_app, publisher):
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    result = app.test_cli_runner().invoke(
        args=["data", "fetch", "patients-registered", "--period", "2030-01"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        "patients-registered 2030-01: failed: Patients Registered at a GP Practice has no "
        f"edition for January 2030 at {publisher.url}{PATIENTS}/january-2030 (404: not "
        "published yet, or the page moved); nothing loaded"
    )
    assert loads(app) == []


def test_the_publisher_refuses_a_library_user_agent_and_ours_gets_through(env_app, publisher):
    assert httpx.get(publisher.url + PATIENTS).status_code == 403  # httpx's own User-Agent
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url, FETCH_USER_AGENT="python-httpx/0.28.1")
    result = app.test_cli_runner().invoke(args=["data", "fetch", "patients-registered"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"patients-registered latest: failed: {publisher.url}{PATIENTS}: 403 Forbidden: the "
        "publisher refused the request (its firewall turns away some user agents and "
        "data-centre addresses; FETCH_USER_AGENT sets ours). Download the file in a browser "
        "and use `flask data load`; nothing loaded"
    )
    assert loads(app) == []


def test_a_truncated_download_loads_nothing(env_app, publisher):
    publisher.truncated.add(ALL)
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    result = app.test_cli_runner().invoke(
        args=["data", "fetch", "patients-registered", "--period", "2025-12"]
    )
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"patients-registered 2025-12: failed: {publisher.url}{ALL}: the download is truncated: "
        "the connection closed early (peer closed connection without sending complete message "
        "body (received 232829 bytes, expected 465659)); nothing loaded"
    )
    assert loads(app) == []  # the map file, downloaded before it, is not loaded either


def test_an_unreachable_host_is_a_clear_error(env_app):
    with socket.socket() as spare:  # a port nothing listens on
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    app = env_app(NHS_DIGITAL_BASE_URL=f"http://127.0.0.1:{port}")
    result = app.test_cli_runner().invoke(
        args=["data", "fetch", "patients-registered", "--period", "2025-12"]
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        f"patients-registered 2025-12: failed: could not reach 127.0.0.1:{port} ("
    )
    assert result.output.rstrip().endswith("): is the host right and reachable?; nothing loaded")
    assert loads(app) == []


def test_ods_practices_come_from_the_dse_report(env_app, publisher, nhs_data):
    app = env_app(ODS_DSE_BASE_URL=publisher.url)
    result = app.test_cli_runner().invoke(args=["data", "fetch", "ods-practices"])
    assert result.exit_code == 0, result.output
    epraccur = nhs_data / "ods/epraccur.csv"
    assert loads(app) == [("ods-practices", "current", "", "epraccur.csv",
                           publisher.url + "/api/getReport?report=epraccur", sha(epraccur),
                           epraccur.stat().st_size)]  # fmt: skip
    period = app.test_cli_runner().invoke(
        args=["data", "fetch", "ods-practices", "--period", "2025-12"]
    )
    assert period.exit_code == 1
    assert "ods-practices has no periods: ODS publishes only the current list" in period.output


def test_payments_come_from_the_financial_year_edition(env_app, publisher, nhs_data):
    edition = f"{SERIES}/nhs-payments-to-general-practice/england-2021-22"
    publisher.page(edition, "payments-edition", year="2021-22", yy="21-22")
    served = nhs_data / "payments/nhs_payments_gp_21-22.csv"
    publisher.files["/files/05/E6ADA0/nhspaymentsgp-21-22-prac-csv.csv"] = served
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["data", "fetch", "payments", "--period", "2021-22"])
    assert result.exit_code == 0, result.output
    url = f"{publisher.url}/files/05/E6ADA0/nhspaymentsgp-21-22-prac-csv.csv"
    assert loads(app) == [("payments", "2021-22", "", "nhspaymentsgp-21-22-prac-csv.csv", url,
                           sha(served), served.stat().st_size)]  # fmt: skip
    fetched = payments(app)
    with open(served, encoding="utf-8-sig", newline="") as handle:
        assert len(fetched) == len({r["Practice Code"] for r in csv.DictReader(handle)})
    loaded = runner.invoke(args=["data", "load", "payments", str(served)])
    assert loaded.exit_code == 0, loaded.output
    assert payments(app) == fetched


def payments(app) -> set[tuple]:
    from portal.models.payments import PaymentsPractice

    with app.app_context():
        return {tuple(row) for row in db.session.execute(sa.select(PaymentsPractice.__table__))}


def test_datasets_without_a_fetcher_say_where_to_download(runner):
    result = runner.invoke(args=["data", "fetch", "deprivation"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: deprivation is not yet fetchable: download it from https://fingertips.phe.org.uk/"
        "search/deprivation#page/4/ati/7/iid/94240 and use `flask data load deprivation FILE`"
    )


def test_a_gpad_zip_of_regional_files_loads_each_region(env_app, publisher, built, nhs_data):
    edition = f"{SERIES}/appointments-in-general-practice/october-2025"
    publisher.page(edition, "gpad-edition", month="October 2025", mon_yy="Oct_25")
    zipped = built["gpad zip"]
    publisher.files["/files/7D/783CF6/Practice_Level_Crosstab_Oct_25.zip"] = zipped
    app = env_app(NHS_DIGITAL_BASE_URL=publisher.url)
    result = app.test_cli_runner().invoke(args=["data", "fetch", "gpad", "--period", "2025-10"])
    assert result.exit_code == 0, result.output
    url = f"{publisher.url}/files/7D/783CF6/Practice_Level_Crosstab_Oct_25.zip"
    assert loads(app) == [("gpad", "2025-10", "London_East_South",
                           "Practice_Level_Crosstab_Oct_25_London_East_South.csv", url,
                           sha(zipped), zipped.stat().st_size)]  # fmt: skip
    region = nhs_data / "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"
    with gzip.open(region, "rt", newline="") as handle:
        practices = {r["GP_CODE"] for r in csv.DictReader(handle)}
    fetched = appointments(app)
    assert len(fetched) == len(practices) == 2101
    # the same regional file through `flask data load`: the same figures
    loaded = app.test_cli_runner().invoke(args=["data", "load", "gpad", str(region)])
    assert loaded.exit_code == 0, loaded.output
    assert appointments(app) == fetched


def appointments(app) -> set[tuple]:
    with app.app_context():
        return {tuple(row) for row in db.session.execute(sa.select(AppointmentMonth.__table__))}


def test_a_period_that_is_not_a_month_is_a_usage_error(runner):
    result = runner.invoke(args=["data", "fetch", "gpad", "--period", "2025-13"])
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for --period: '2025-13' is not a period of gpad like 2025-12"
        in result.output
    )
