"""Making Data Count XmR charts of a monthly metric for a practice, a PCN or an ICB: the points
with their special-cause signals, the mean, the natural process limits and the variation icon,
made by `portal.statistics.spc.xmr` from the same series the area pages and tools show."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric
from portal.extensions import db
from portal.models import GroupMetric
from portal.queries.areas import MetricPanel, SourceSpan, source_span
from portal.queries.benchmarks import practice_trend
from portal.queries.organisations import MODELS
from portal.queries.practices import PracticeDetails
from portal.queries.types import TrendPoint
from portal.series_breaks import SeriesBreak, breaks_within
from portal.sources import SOURCES
from portal.statistics import spc
from portal.statistics.spc import SpcPoint, xmr

RULES = {  # each rule's short name, as tables show it (spc.SIGNALS says what each means)
    "beyond_limit": "beyond a limit",
    "trend": "trend",
    "two_of_three": "2 of 3 near a limit",
    "run": "run",
}
VARIATION = {  # the variation icon's category, worded for people
    spc.COMMON: "common cause (no signal)",
    spc.IMPROVING: "special cause — improving",
    spc.CONCERNING: "special cause — concerning",
    spc.NEITHER: "special cause — neither improving nor concerning (no better direction)",
}


class NotMonthly(ValueError):
    """An SPC chart was asked of a metric that is not published monthly."""


def monthly_metrics() -> list[str]:
    """The catalogue's metrics whose publication is monthly: the ones an XmR chart fits."""
    return [m.id for m in METRICS.values() if SOURCES[m.dataset].cadence == "monthly"]


def monthly_metric(metric_id: str) -> Metric:
    """The metric, or NotMonthly naming the monthly metrics (annual series are too short)."""
    metric = METRICS[metric_id]
    source = SOURCES[metric.dataset]
    if source.cadence != "monthly":
        raise NotMonthly(
            f"{metric_id} comes from an {source.cadence} publication ({source.publication}): "
            f"too few points for an SPC chart. Monthly metrics: {', '.join(monthly_metrics())}"
        )
    return metric


@dataclass(frozen=True)
class TrendChart:
    """An XmR chart of one monthly metric for a practice or an organisation: every period with
    its value, the special-cause rules it takes part in and its variation category; the mean and
    the natural process limits (mean ± 2.66 × mean moving range), trial limits below 12 values;
    the variation icon (the latest value's category)."""

    metric: str
    label: str
    unit: str
    polarity: str  # higher-is-better | lower-is-better | neutral
    level: str  # practice | pcn | sub_icb | icb | region
    code: str
    name: str
    points: list[SpcPoint]  # oldest first; a missing value has no signals and no category
    mean: float
    mean_moving_range: float
    lower: float  # lower natural process limit
    upper: float  # upper natural process limit
    trial: bool  # fewer than 12 values made the limits
    baseline: int | None  # the limits come from the first `baseline` periods (None: all)
    baseline_points: int  # values the limits were computed from
    variation: str  # common cause | special cause improving | ... concerning | ... neither
    first: str  # the first and last period charted
    last: str
    source: SourceSpan
    synthetic: bool
    breaks: list[SeriesBreak] = field(default_factory=list)  # method changes, practice mergers

    @property
    def variation_words(self) -> str:
        return VARIATION[self.variation]

    @property
    def rule_notes(self) -> list[tuple[str, str]]:
        """Each rule's short name and what it means, for a chart's key."""
        return [(RULES[name], words) for name, words in spc.SIGNALS.items()]

    def signals_words(self, point: SpcPoint) -> str | None:
        """A point's rules and category in words; None for common cause."""
        if point.value is None:
            return "no value"
        if not point.signals:
            return None
        return ", ".join(RULES[s] for s in point.signals) + f": {VARIATION[point.variation]}"


def chart(
    metric: Metric,
    subject: tuple[str, str, str],
    series: list[TrendPoint],
    source: SourceSpan | None,
    baseline: int | None = None,
) -> TrendChart | None:
    """The one place a series becomes a TrendChart; None with fewer than 2 values."""
    made = xmr([(p.period, p.value) for p in series], metric.polarity, baseline=baseline)
    if made is None or source is None:
        return None
    level, code, name = subject
    return TrendChart(
        metric=metric.id, label=metric.label, unit=metric.unit, polarity=metric.polarity,
        level=level, code=code, name=name, points=list(made.points), mean=made.mean,
        mean_moving_range=made.mean_moving_range, lower=made.lower, upper=made.upper,
        trial=made.trial, baseline=baseline, baseline_points=made.baseline_points,
        variation=made.variation, first=series[0].period, last=series[-1].period,
        source=source, synthetic=source.synthetic,
        breaks=breaks_within(metric.id, series[0].period, series[-1].period,
                             code if level == "practice" else None),
    )  # fmt: skip


def practice_trend_chart(
    practice: PracticeDetails, metric_id: str, months: int, baseline: int | None = None
) -> TrendChart | None:
    """The practice's XmR chart over its latest `months` periods; None with fewer than 2 values."""
    metric = monthly_metric(metric_id)
    series = practice_trend(practice.code, metric.id, months)
    span = source_span(metric.dataset, [p.period for p in series])
    return chart(metric, ("practice", practice.code, practice.name), series, span, baseline)


def panel_chart(practice: PracticeDetails, panel: MetricPanel) -> TrendChart | None:
    """An area page panel's chart, from the series and source the panel already holds."""
    if panel.metric.id not in monthly_metrics():
        return None
    subject = ("practice", practice.code, practice.name)
    return chart(panel.metric, subject, panel.trend, panel.trend_source)


def group_trend_chart(
    level: str, code: str, metric_id: str, months: int, baseline: int | None = None
) -> TrendChart | None:
    """A PCN's, sub-ICB's, ICB's or region's XmR chart (its ratio of sums, or sum, each month)
    over its latest `months` periods; None for an unknown organisation or under 2 values."""
    metric = monthly_metric(metric_id)
    org = MODELS[level].__table__
    name = db.session.execute(sa.select(org.c.name).where(org.c.code == code)).scalar()
    if name is None:
        return None
    t = GroupMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.period, t.c.value)
        .where(t.c.metric == metric.id, t.c.level == level, t.c.code == code)
        .order_by(t.c.period.desc())
        .limit(months)
    ).all()
    series = [TrendPoint(period, value) for period, value in reversed(rows)]
    span = source_span(metric.dataset, [p.period for p in series])
    return chart(metric, (level, code, name), series, span, baseline)
