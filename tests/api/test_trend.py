"""SPC (XmR) charts from the real online consultations file (19 months, September 2023 to March
2025, practices in the north): the mean, limits and the beyond-a-limit and run signals are
computed here from the file with numpy, and the API, the area page and the MCP tool get_trend
(structured and text) give the same points, limits and signals."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pytest

from portal.catalogue import METRICS, format_value
from portal.mcp.registry import ToolContext, ToolError, registry
from portal.mcp.tools import register_all
from portal.queries.trend import VARIATION, monthly_metrics
from tests.api.conftest import make_key

OC = "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz"
CODE = "A81001"  # THE DENSHAM SURGERY: 19 months, one far below the rest (11 in December 2023)
METRIC = "oc_submissions"


@cache
def submissions(path) -> pd.DataFrame:
    """OC_TOTAL_SUBMISSIONS, one row per practice, one column per month (YYYY-MM)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["METRIC"] == "OC_TOTAL_SUBMISSIONS"]
    wide = frame.pivot(index="GP_CODE", columns="MONTH", values="VALUE").astype(float)
    wide.columns = [month[:7] for month in wide.columns]
    return wide


@pytest.fixture
def oc(nhs_data) -> pd.DataFrame:
    return submissions(nhs_data / OC)


def expected_chart(values: np.ndarray, baseline: int | None = None) -> dict:
    """The XmR chart written out: limits mean ± 2.66 × mean moving range, a point beyond a limit,
    7 in a row on one side of the mean (Making Data Count's rules)."""
    fixed = values[:baseline] if baseline else values
    mean = fixed.mean()
    mr_bar = np.abs(np.diff(fixed)).mean()
    lower, upper = mean - 2.66 * mr_bar, mean + 2.66 * mr_bar
    beyond = (values > upper) | (values < lower)
    side = np.sign(values - mean)
    run = np.zeros(len(values), bool)
    for end in range(6, len(values)):
        window = side[end - 6 : end + 1]
        if window[0] != 0 and (window == window[0]).all():
            run[end - 6 : end + 1] = True
    return {"mean": mean, "lower": lower, "upper": upper, "beyond": beyond, "run": run}


def marked(body: dict, rule: str) -> list[bool]:
    return [rule in p["signals"] for p in body["points"]]


def get_trend(app, arguments: dict):
    user_id, _ = make_key(app)
    with app.app_context():
        register_all(registry)
        return registry.get("get_trend").handler(ToolContext(user_id=user_id), arguments)


def test_limits_and_signals_are_the_files_on_every_surface(real_app, real_api, real_client, oc):
    values = oc.loc[CODE].to_numpy()
    months = list(oc.columns)
    expected = expected_chart(values)
    body = real_api.json(f"/practices/{CODE}/trends/{METRIC}")
    assert [(p["period"], p["value"]) for p in body["points"]] == list(
        zip(months, values, strict=True)
    )
    for key in ("mean", "lower", "upper"):
        assert body[key] == pytest.approx(expected[key], rel=1e-12)
    assert marked(body, "beyond_limit") == list(expected["beyond"])
    assert marked(body, "run") == list(expected["run"])
    assert sum(expected["beyond"]) == 1  # December 2023, 11 submissions
    assert body["points"][3] == {
        "period": "2023-12",
        "value": 11.0,
        "signals": ["beyond_limit"],
        "variation": "special cause neither",  # neither way is better for a count of demand
    }
    assert (body["trial"], body["baseline"], body["baseline_points"]) == (False, None, 19)
    assert (body["level"], body["code"], body["name"]) == ("practice", CODE, "THE DENSHAM SURGERY")
    assert (body["first"], body["last"]) == ("2023-09", "2025-03")
    assert body["source"] == {
        "publication": "Submissions via Online Consultation Systems in General Practice",
        "first": "2023-09",
        "last": "2025-03",
        "synthetic": False,
    }
    assert body["synthetic"] is False
    last = body["points"][-1]
    assert body["variation"] == (last["variation"] or "common cause")

    # MCP: the same structured result, and its text says all of it
    out = get_trend(real_app, {"practice": CODE, "metric": METRIC})
    assert out.structured == body
    lines = out.text.splitlines()
    for p in body["points"]:
        shown = format_value(METRICS[METRIC], p["value"])
        row = next(line for line in lines if line.startswith(f"| {p['period']} |"))
        assert row.split(" | ")[1] == shown
        assert ("beyond a limit" in row) == ("beyond_limit" in p["signals"])
        assert ("run" in row) == ("run" in p["signals"])
    assert "| 2023-12 | 11 | beyond a limit: special cause — neither improving nor" in out.text
    limits = (  # one decimal more than the counts
        f"Mean {body['mean']:,.1f}; natural process limits {body['lower']:,.1f} to "
        f"{body['upper']:,.1f} (mean ± 2.66 × mean moving range {body['mean_moving_range']:,.1f})"
    )
    assert limits in out.text
    assert "from all 19 values" in out.text and "Trial limits" not in out.text
    assert f"Variation, latest value: {VARIATION[body['variation']]}." in out.text
    assert "beyond a limit = a point beyond a process limit" in out.text
    assert (
        "Source: Submissions via Online Consultation Systems in General Practice, "
        "September 2023 to March 2025." in out.text
    )
    assert "SYNTHETIC" not in out.text

    # the area page: the same mean, limits and signals
    html = real_client.get(f"/practices/{CODE}/online-consultations").get_data(as_text=True)
    summary = re.search(r'<p [^>]*data-spc="oc_submissions"[^>]*>', html).group(0)
    for key in ("mean", "lower", "upper"):
        assert float(re.search(rf'data-{key}="([^"]+)"', summary).group(1)) == body[key]
    assert 'data-trial="false"' in summary
    assert limits.split(" (mean")[0] in html
    table = html[html.index('id="oc-submissions-spc-table"') :].split("</table>")[0]
    rows = re.findall(r'data-period="([^"]+)" data-signals="([^"]*)" data-variation="([^"]*)"',
                      table)  # fmt: skip
    assert rows == [
        (p["period"], " ".join(p["signals"]), p["variation"] or "") for p in body["points"]
    ]
    assert "beyond a limit: special cause — neither improving nor concerning" in table
    assert 'class="chart__spc-neither"' in html  # the special-cause point drawn as a triangle


def test_a_baseline_fixes_the_limits_from_the_first_months(real_api, oc):
    values = oc.loc[CODE].to_numpy()
    for baseline, trial in ((12, False), (6, True)):
        expected = expected_chart(values, baseline)
        body = real_api.json(f"/practices/{CODE}/trends/{METRIC}", baseline=baseline)
        assert (body["baseline"], body["baseline_points"], body["trial"]) == (
            baseline,
            baseline,
            trial,
        )
        for key in ("mean", "lower", "upper"):
            assert body[key] == pytest.approx(expected[key], rel=1e-12)
        assert marked(body, "beyond_limit") == list(expected["beyond"])
        assert marked(body, "run") == list(expected["run"])


def test_fewer_months_make_trial_limits_everywhere(real_app, real_api, oc):
    values = oc.loc[CODE].to_numpy()[-6:]
    expected = expected_chart(values)
    body = real_api.json(f"/practices/{CODE}/trends/{METRIC}", months=6)
    assert [p["period"] for p in body["points"]] == list(oc.columns[-6:])
    assert body["trial"] is True
    assert body["mean"] == pytest.approx(expected["mean"], rel=1e-12)
    out = get_trend(real_app, {"practice": CODE, "metric": METRIC, "months": 6})
    assert out.structured == body
    assert "Trial limits: fewer than 12 values made them" in out.text


def test_a_pcn_and_an_icb_chart_their_group_figures(real_api):
    for level, code in (("pcn", "U89141"), ("icb", "QHM")):
        figures = real_api.json(
            f"/organisations/{level}/{code}/figures", metric=METRIC, page_size=500
        )["results"]
        series = [(f["figure"]["period"], f["figure"]["value"]) for f in figures][-24:]
        values = np.array([v for _, v in series])
        expected = expected_chart(values)
        body = real_api.json(f"/organisations/{level}/{code}/trends/{METRIC}")
        assert (body["level"], body["code"]) == (level, code)
        assert [(p["period"], p["value"]) for p in body["points"]] == series
        assert len(series) == 19
        for key in ("mean", "lower", "upper"):
            assert body[key] == pytest.approx(expected[key], rel=1e-12)
        assert marked(body, "beyond_limit") == list(expected["beyond"])
        assert marked(body, "run") == list(expected["run"])
    missing = real_api.get(f"/organisations/icb/QZZ/trends/{METRIC}")
    assert missing.status_code == 404


def test_an_annual_metric_is_refused_naming_the_monthly_ones(real_app, real_api):
    response = real_api.get(f"/practices/{CODE}/trends/payments_total")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "metric"
    assert body["message"] == (
        "metric: payments_total comes from an annual publication (NHS Payments to General "
        "Practice): too few points for an SPC chart. Monthly metrics: "
        + ", ".join(monthly_metrics())
    )
    assert "oc_submissions" in body["message"] and "prevalence_af" not in body["message"]
    group = real_api.get("/organisations/icb/QHM/trends/gpps_overall_good")
    assert group.status_code == 400
    with pytest.raises(ToolError, match="payments_total comes from an annual publication"):
        get_trend(real_app, {"practice": CODE, "metric": "payments_total"})
