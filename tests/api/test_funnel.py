"""Funnel plots from the real GPAD file: every practice's DNA count and appointments read here
from the file, its band computed here by the published method (Spiegelhalter 2005; the exact
binomial limits around England's value, interpolated as the PHE/OHID guide does), and the page,
its CSV and the limits agree."""

from __future__ import annotations

import csv
import io
import math

import pytest
from scipy.stats import binom, norm

from portal.statistics.funnel import overdispersion, proportion_limits
from tests.api.test_significance import GPAD, dna_counts


def band(value: float, n: float, p0: float) -> str:
    def limit(q: float) -> float:
        r = binom.ppf(q, n, p0)
        at, below = binom.cdf(r, n, p0), binom.cdf(r - 1, n, p0)
        return (r - (at - q) / (at - below)) / n * 100

    for level, name in ((0.998, "99.8%"), (0.95, "95%")):
        tail = (1 - level) / 2
        if value > limit(1 - tail):
            return f"above {name}"
        if value < limit(tail):
            return f"below {name}"
    return "within"


def test_funnel_bands_match_the_published_method(real_client, nhs_data):
    counts = dna_counts(nhs_data / GPAD)
    answer = real_client.get("/national/dna_rate/funnel.csv")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert rows and {r["period"] for r in rows} == {"2025-10"}
    england = float(rows[0]["england"])
    for row in rows:
        dna, total = counts.loc[row["practice_code"], ["dna", "count"]]
        assert (float(row["denominator"]), float(row["value"])) == pytest.approx(
            (total, dna / total * 100)
        )
        assert row["band"] == band(dna / total * 100, total, england / 100), row
    outliers = [r for r in rows if "99.8" in r["band"]]
    assert outliers, "the real file has practices beyond 99.8%"

    furthest = max(outliers, key=lambda r: abs(float(r["value"]) - england))
    page = real_client.get(f"/national/dna_rate?practice={furthest['practice_code']}")
    html = page.get_data(as_text=True)
    assert f'data-outlier="{furthest["practice_code"]}"' in html
    assert f'id="funnel-chosen" data-band="{furthest["band"]}"' in html
    assert f"{len(outliers):,} of {len(rows):,}" in html


def test_large_practices_limits_approach_the_normal_approximation():
    n, p0 = 2_000_000, 0.042
    for level in (0.95, 0.998):
        limits = proportion_limits(p0 * 100, [n], level)
        z = norm.ppf(1 - (1 - level) / 2)
        spread = z * math.sqrt(p0 * (1 - p0) / n) * 100
        assert limits.lower[0] == pytest.approx(p0 * 100 - spread, abs=2e-4)
        assert limits.upper[0] == pytest.approx(p0 * 100 + spread, abs=2e-4)


def test_overdispersion_is_the_winsorised_mean_square_and_never_below_one():
    z = [float(i) for i in range(-10, 10)]  # 20 scores: the 2 lowest and 2 highest clipped
    clipped = [min(max(v, -8.0), 7.0) for v in z]
    assert overdispersion(z) == pytest.approx(sum(v * v for v in clipped) / 20)
    assert overdispersion([0.1] * 30) == 1.0


def test_a_metric_without_a_denominator_has_no_funnel(real_client):
    assert real_client.get("/national/list_size/funnel.csv").status_code == 404
    assert 'id="funnel"' not in real_client.get("/national/list_size").get_data(as_text=True)
