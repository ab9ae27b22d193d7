"""ODS successor organisations against the loopback publisher: succ.zip (ODS's layout, written
by conftest) fetched and loaded after epraccur keeps the one practice merger among other
organisations' rows; Wooler Health's list size (the real January 2021 and December 2025 files)
then shows the merger as a series break on get_trend, get_registered_patients' series, the
API's trend, its pages and charts and its trend CSV, and Cheviot Medical Group's page links to
it. A file in another layout fails with
its name and line and loads nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import sqlalchemy as sa
from markupsafe import escape

from portal.extensions import db
from portal.mcp.registry import ToolContext, registry
from portal.mcp.tools import register_all
from portal.models import DatasetLoad, PracticeSuccessor
from tests.api.conftest import make_key
from tests.fetch.conftest import MERGER, SUCC, succ_csv
from tests.fetch.test_fetch import file_list_sizes

PREDECESSOR, SUCCESSOR, EFFECTIVE = MERGER
PERIOD = f"{EFFECTIVE[:4]}-{EFFECTIVE[4:6]}"
JANUARY_2021 = "patients_registered/gp-reg-pat-prac-all_2021-01_CCG-layout.csv"
DECEMBER_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
MERGED_IN = (
    f"practice merger: {PREDECESSOR} merged into this practice from {PERIOD} (ODS successor); "
    f"from then its list and activity include {PREDECESSOR}'s."
)
MERGED_OUT = (
    f"merged into {SUCCESSOR} from {PERIOD} (ODS successor): this practice's series ends "
    f"there; its patients and activity continue in {SUCCESSOR}'s."
)


def publisher_app(env_app, publisher):
    return env_app(NHS_DIGITAL_BASE_URL=publisher.url, ODS_DSE_BASE_URL=publisher.url)


def fetched(app, *datasets: str) -> list[str]:
    runner = app.test_cli_runner()
    out = []
    for dataset in datasets:
        result = runner.invoke(args=["data", "fetch", dataset])
        assert result.exit_code == 0, result.output
        out.append(result.stdout.splitlines()[-1])
    return out


def test_a_merger_fetched_from_ods_is_a_break_on_every_surface(env_app, publisher, nhs_data):
    app = publisher_app(env_app, publisher)
    lines = fetched(app, "ods-practices", "ods-successors", "patients-registered")
    assert lines[1] == "ods-successors current: loaded: 1 rows from succ.zip"
    january = app.test_cli_runner().invoke(
        args=["data", "load", "patients-registered", str(nhs_data / JANUARY_2021)]
    )
    assert january.exit_code == 0, january.output
    with app.app_context():
        t = PracticeSuccessor.__table__
        effective = date(int(EFFECTIVE[:4]), int(EFFECTIVE[4:6]), int(EFFECTIVE[6:]))
        rows = db.session.execute(sa.select(t)).all()
        assert [tuple(r) for r in rows] == [(PREDECESSOR, SUCCESSOR, "R", effective, PERIOD)]
        register_all(registry)
    status = app.test_cli_runner().invoke(args=["data", "status"])
    assert [line.split()[:5] for line in status.output.splitlines() if "successors" in line] == [
        ["ods-successors", "1", "period(s),", "latest", "current"]
    ]

    before = file_list_sizes(nhs_data / JANUARY_2021)
    after = file_list_sizes(nhs_data / DECEMBER_2025)
    # the successor's list grew by about the predecessor's, which is gone by December 2025
    assert PREDECESSOR not in after
    jump = after[SUCCESSOR] - before[SUCCESSOR]
    assert 0.8 * before[PREDECESSOR] < jump < 1.2 * before[PREDECESSOR]

    user_id, secret = make_key(app)
    client = app.test_client()
    api = client.get(
        f"/api/v1/practices/{SUCCESSOR}/trends/list_size",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 200
    body = api.get_json()
    assert [(p["period"], p["value"]) for p in body["points"]] == [
        ("2021-01", before[SUCCESSOR]),
        ("2025-12", after[SUCCESSOR]),
    ]
    assert body["breaks"] == [
        {"dataset": "ods-successors", "period": PERIOD, "metrics": [], "reason": MERGED_IN}
    ]
    with app.app_context():
        out = registry.get("get_trend").handler(
            ToolContext(user_id=user_id), {"practice": SUCCESSOR, "metric": "list_size"}
        )
    note = f"Series break {PERIOD}: {MERGED_IN}"
    assert out.structured == body
    assert note in out.text
    with app.app_context():  # the area tool's series table notes it too
        area_tool = registry.get("get_registered_patients").handler(
            ToolContext(user_id=user_id), {"practice": SUCCESSOR}
        )
    series = area_tool.text[area_tool.text.index("Series:") :]
    assert series.index("| 2025-12 |") < series.index(note)
    page = client.get(f"/practices/{SUCCESSOR}").get_data(as_text=True)
    assert f'<a href="/practices/{PREDECESSOR}">CHEVIOT MEDICAL GROUP ({PREDECESSOR})</a>' in page
    assert "merged into this practice from January 2024" in page
    assert f'data-series-break="{PERIOD}"><strong>{escape(note)}</strong>' in page
    area = client.get(f"/practices/{SUCCESSOR}/registered-patients").get_data(as_text=True)
    assert f'data-series-break="{PERIOD}"><strong>{escape(note)}</strong>' in area

    response = client.get(f"/practices/{SUCCESSOR}/registered-patients/trend.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    marked = {(r["metric"], r["period"]): r["series_break"] for r in rows if r["series_break"]}
    # the first period of the new series loaded is December 2025
    assert marked[("list_size", "2025-12")] == note
    assert {period for _, period in marked} == {"2025-12"}

    closed = client.get(f"/practices/{PREDECESSOR}").get_data(as_text=True)
    assert (
        f'Merged into <a href="/practices/{SUCCESSOR}">WOOLER HEALTH ({SUCCESSOR})</a> '
        "from January 2024" in closed
    )
    ended = f"Series break {PERIOD}: {MERGED_OUT}"
    assert f'data-series-break="{PERIOD}"><strong>{escape(ended)}</strong>' in closed


def test_a_file_in_another_layout_fails_by_name_and_loads_nothing(
    env_app, publisher, nhs_data, tmp_path
):
    app = publisher_app(env_app, publisher)
    fetched(app, "ods-practices")
    wrong = tmp_path / "succ.zip"  # epraccur's 27 fields where ODS's five belong
    with zipfile.ZipFile(wrong, "w") as archive:
        archive.write(nhs_data / "ods/epraccur_2026_edition_first76rows.csv", "succ.csv")
    publisher.files[SUCC] = wrong
    result = app.test_cli_runner().invoke(args=["data", "fetch", "ods-successors"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        "ods-successors current: failed: succ.csv, line 1: not an ODS successor organisations "
        "file (succ.csv): expected 5 fields per row (organisation code, successor code, "
        "succession reason, effective date YYYYMMDD, indicator), found 27"
    )

    dated = tmp_path / "succ.csv"  # a date written another way, on the file's second row
    dated.write_text(succ_csv([("00C", "16C", "R", "20190401", ""),
                               (*MERGER[:2], "R", "2024-01-01", "")]))  # fmt: skip
    loaded = app.test_cli_runner().invoke(args=["data", "load", "ods-successors", str(dated)])
    assert loaded.exit_code == 1
    assert loaded.stderr.strip() == (
        "Error: succ.csv, line 2, column 4: '2024-01-01' is not an effective date (YYYYMMDD); "
        "not an ODS successor organisations file (succ.csv): expected 5 fields per row "
        "(organisation code, successor code, succession reason, effective date YYYYMMDD, "
        "indicator)"
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PracticeSuccessor)) == 0
        datasets = db.session.scalars(sa.select(DatasetLoad.dataset)).all()
    assert datasets == ["ods-practices"]
