"""A practice's headline figures: the one headline set (HEADLINES) that the overview page's
"Latest figures", the API's /practices/<code>/overview and MCP get_practice_overview all show.

Each metric in the practice's own latest period (portal/queries/latest.py), or the metric's
latest when the practice has none, with England's two values from England's group row, as the
area pages show them (every practice combined, and the median practice), the practice's
percentile and provenance, read in a few batched lookups; the same figures
`benchmarks.benchmark_or_national` gives one metric at a time (tests hold them equal).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import GroupMetric, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.areas import AREAS, Area
from portal.queries.benchmarks import PRACTICE_COLUMNS, make_figure, not_ranked
from portal.queries.datasets import provenance_map
from portal.queries.latest import latest_periods, practice_latest_periods
from portal.queries.practices import PracticeDetails
from portal.queries.types import Figure

# The headline set, declared once: one or two comparable measures (rates, shares and per-patient
# figures rather than raw counts) for each area, and deprivation, in the order every surface shows.
HEADLINES = (
    "list_size",
    "deprivation_score",
    "appointments_per_1000",
    "dna_rate",
    "same_day_share",
    "face_to_face_share",
    "oc_rate_per_1000",
    "calls_answered_rate",
    "gp_fte",
    "patients_per_gp_fte",
    "gpps_overall_good",
    "qof_achievement_pct",
    "payments_per_weighted",
)


@dataclass(frozen=True)
class Headline:
    metric: str
    label: str
    practice: Figure | None  # None: the practice has no figure of this metric loaded
    england_total: Figure | None  # every practice combined: national sum, or ratio of sums
    england_median_practice: Figure | None  # the median of open practices' own values
    percentile: float | None  # the practice's national percentile rank (0-100)
    not_ranked: str | None  # why a practice figure has no percentile, said plainly


@dataclass(frozen=True)
class PracticeOverview:
    practice_code: str
    practice_name: str
    figures: list[Headline]  # HEADLINES in order, those with any figure loaded
    sources: list[str]  # publication and period of every practice figure
    synthetic: bool


def headline_areas() -> dict[str, Area]:
    """metric -> the dashboard area that shows it in full (deprivation has none of its own)."""
    return {m: a for a in AREAS.values() for m in HEADLINES if METRICS[m].dataset in a.datasets}


def practice_overview(practice: PracticeDetails) -> PracticeOverview:
    """The practice's headline figures with the sources they cite."""
    figures = headline_figures(practice.code)
    present = [h.practice for h in figures if h.practice is not None]
    return PracticeOverview(
        practice_code=practice.code,
        practice_name=practice.name,
        figures=figures,
        sources=list(dict.fromkeys(f.source for f in present)),
        synthetic=any(f.synthetic for f in present),
    )


def headline_figures(practice_code: str) -> list[Headline]:
    """For each headline metric with data: its period by the one rule, the practice, England."""
    periods = practice_latest_periods(practice_code, list(HEADLINES))
    missing = [m for m in HEADLINES if m not in periods]
    national = latest_periods(missing) if missing else {}
    periods |= {m: national[m] for m in missing if m in national}
    if not periods:
        return []
    pairs = list(periods.items())
    g, p = GroupMetric.__table__, PracticeMetric.__table__
    england = {
        row.metric: (row.value, row.median)
        for row in db.session.execute(
            sa.select(g.c.metric, g.c.value, g.c.median).where(
                sa.tuple_(g.c.metric, g.c.period).in_(pairs),
                g.c.level == "england",
                g.c.code == ENGLAND,
            )
        ).all()
    }
    own = {
        row.metric: row
        for row in db.session.execute(
            sa.select(p.c.metric, *PRACTICE_COLUMNS).where(
                p.c.practice_code == practice_code,
                sa.tuple_(p.c.metric, p.c.period).in_(pairs),
            )
        ).all()
    }
    origins = provenance_map({(METRICS[m].dataset, period) for m, period in pairs})
    result = []
    for metric_id in HEADLINES:
        if metric_id not in periods:
            continue
        metric, period = METRICS[metric_id], periods[metric_id]
        origin = origins[(metric.dataset, period)]
        row = own.get(metric_id)
        reason = not_ranked(metric, row) if row is not None else None
        total, median = england.get(metric_id, (None, None))
        result.append(
            Headline(
                metric=metric_id,
                label=metric.label,
                practice=make_figure(metric, row.value, period, origin)
                if row is not None
                else None,
                england_total=make_figure(metric, total, period, origin),
                england_median_practice=make_figure(metric, median, period, origin),
                percentile=row.percentile if row is not None and reason is None else None,
                not_ranked=reason,
            )
        )
    return result
