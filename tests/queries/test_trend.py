"""SPC charts by polarity: a DNA rate (lower is better) that falls below its lower limit is
special cause improving, one that rises above its upper limit concerning, and the API, the area
page and get_trend (structured and text) say so, by shape and in words as well as by colour."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.mcp.registry import ToolContext, ToolError, registry
from portal.mcp.tools import register_all
from portal.models import PracticeMetric
from tests.accounts_support import add_practices
from tests.api.conftest import make_key

PERIODS = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01"]
# a year see-sawing about the mean (no run, trend or 2 of 3), then far below or far above it
SERIES = {"Y00001": [14.0, 16.0] * 6 + [4.0], "Y00002": [4.0, 6.0] * 6 + [16.0]}


def mean_and_limits(values: list[float]) -> tuple[float, float, float]:
    mean = sum(values) / len(values)
    mr_bar = sum(abs(b - a) for a, b in zip(values, values[1:], strict=False)) / (len(values) - 1)
    return mean, mean - 2.66 * mr_bar, mean + 2.66 * mr_bar


@pytest.fixture
def charted(app):
    add_practices(app, *SERIES)
    with app.app_context():
        for code, values in SERIES.items():
            for period, value in zip(PERIODS, values, strict=True):
                db.session.add(PracticeMetric(metric="dna_rate", period=period,
                                              practice_code=code, value=value))  # fmt: skip
        db.session.commit()
        register_all(registry)
    _, secret = make_key(app)
    return {"Authorization": f"Bearer {secret}"}


def test_polarity_makes_a_signal_improving_or_concerning_everywhere(app, client, charted):
    user_id = None
    for code, word, shape in (
        ("Y00001", "improving", "chart__spc-improving"),
        ("Y00002", "concerning", "chart__spc-concerning"),
    ):
        values = SERIES[code]
        response = client.get(f"/api/v1/practices/{code}/trends/dna_rate", headers=charted)
        assert response.status_code == 200
        body = response.get_json()
        mean, lower, upper = mean_and_limits(values)
        assert (body["mean"], body["lower"], body["upper"]) == pytest.approx((mean, lower, upper))
        assert body["points"][-1] == {
            "period": "2025-01",
            "value": values[-1],
            "signals": ["beyond_limit"],
            "variation": f"special cause {word}",
        }
        assert [p["signals"] for p in body["points"][:-1]] == [[]] * 12
        assert body["variation"] == f"special cause {word}"
        assert (body["trial"], body["baseline_points"], body["polarity"]) == (
            False,
            13,
            "lower-is-better",
        )

        html = client.get(f"/practices/{code}/appointments").get_data(as_text=True)
        assert f"Variation in the latest month: <strong>special cause — {word}</strong>" in html
        assert html.count(f'class="{shape}"') == 1  # a shape, not only a colour
        assert "◆ special cause, improving  ■ special cause, concerning" in html
        assert f"beyond a limit: special cause — {word}" in html

        with app.app_context():
            user_id = user_id or make_key(app)[0]
            out = registry.get("get_trend").handler(
                ToolContext(user_id=user_id), {"practice": code, "metric": "dna_rate"}
            )
        assert out.structured == body
        assert f"| 2025-01 | {values[-1]:.1f}% | beyond a limit: special cause — {word} |" in (
            out.text
        )
        assert f"| 2024-01 | {values[0]:.1f}% | – |" in out.text
        assert "lower is better" in out.text
        assert f"Variation, latest value: special cause — {word}." in out.text


def test_too_few_values_or_an_unknown_metric(app, client, charted):
    one = client.get("/api/v1/practices/Y00001/trends/dna_rate?months=2", headers=charted)
    assert [p["period"] for p in one.get_json()["points"]] == ["2024-12", "2025-01"]
    none = client.get("/api/v1/practices/Y00001/trends/calls_missed", headers=charted)
    assert none.status_code == 404
    bad = client.get("/api/v1/practices/Y00001/trends/dna_rate?months=1", headers=charted)
    assert bad.status_code == 400
    assert bad.get_json()["message"] == "months: must be a whole number from 2 to 120"
    with app.app_context():
        user_id = make_key(app)[0]
        with pytest.raises(ToolError, match=r"fewer than 2 values of calls_missed"):
            registry.get("get_trend").handler(
                ToolContext(user_id=user_id), {"practice": "Y00001", "metric": "calls_missed"}
            )
