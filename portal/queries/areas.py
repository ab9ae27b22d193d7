"""The practice dashboards' areas: which catalogue metrics each shows, and one area's figures for
one practice (latest value, percentile, groups, national distribution, trend beside England).

Everything for an area is read in a handful of batched lookups of the precomputed tables, and is
built with the same types and `make_figure` as `benchmarks.practice_benchmark`, so the dashboards
show the figures the tools and the API show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import DatasetLoad, GroupMetric, MetricDistribution, PracticeMetric
from portal.models.organisations import ENGLAND, LEVELS
from portal.queries.benchmarks import (
    PRACTICE_COLUMNS,
    assemble,
    distribution_from_row,
    group_value,
)
from portal.queries.practices import PracticeDetails
from portal.queries.types import Benchmark, Distribution, Figure, TrendPoint
from portal.series_breaks import breaks_within
from portal.sources import SOURCES, source_label


@dataclass(frozen=True)
class Area:
    slug: str
    title: str
    datasets: tuple[str, ...]
    summary: str

    @property
    def metrics(self) -> list[Metric]:
        """The catalogue's metrics from this area's datasets, in catalogue order."""
        return [m for m in METRICS.values() if m.dataset in self.datasets]


AREAS: dict[str, Area] = {
    a.slug: a
    for a in (
        Area(
            "registered-patients",
            "Registered patients and demographics",
            ("patients-registered",),
            "Patients registered at the practice each month, by age and sex.",
        ),
        Area(
            "appointments",
            "Appointments",
            ("gpad",),
            "Appointments in general practice: volume, who they were with, how and how soon.",
        ),
        Area(
            "online-consultations",
            "Online consultations",
            ("online-consultations",),
            "Online consultation submissions, clinical and administrative.",
        ),
        Area(
            "telephony",
            "Telephony",
            ("telephony",),
            "Calls to the practice's cloud-based telephone system: answered, missed, callbacks.",
        ),
        Area(
            "workforce",
            "Workforce",
            ("workforce",),
            "Full-time equivalent GPs, nurses, direct patient care and admin staff.",
        ),
        Area(
            "patient-experience",
            "Patient experience",
            ("gpps",),
            "The GP Patient Survey: patients' overall experience of the practice.",
        ),
        Area(
            "prevalence",
            "Disease prevalence",
            ("qof-prevalence",),
            "Patients on each QOF disease register as a share of the relevant list.",
        ),
        Area(
            "qof",
            "QOF achievement",
            ("qof-achievement",),
            "Quality and Outcomes Framework points achieved out of those available.",
        ),
        Area(
            "funding",
            "Funding",
            ("payments",),
            "NHS payments to the practice, in total and per registered and weighted patient.",
        ),
    )
}


@dataclass(frozen=True)
class SourceSpan:
    """The publication behind a series and the periods it covers."""

    publication: str
    first: str
    last: str
    synthetic: bool


@dataclass(frozen=True)
class MetricPanel:
    """One metric of an area: its latest benchmark, its series beside England's two values, and
    which England the drawn line is (`england_trend_is`: england_total | england_median_practice).
    """

    metric: Metric
    benchmark: Benchmark
    trend: list[TrendPoint]
    england_trend: list[TrendPoint]  # the England drawn beside the practice: see england_trend_is
    trend_source: SourceSpan | None
    england_trend_is: str
    england_total: Figure | None  # every practice combined: national sum, or ratio of sums
    england_median_practice: Figure | None  # the median of open practices' own values
    england_total_trend: list[TrendPoint]
    england_median_practice_trend: list[TrendPoint]

    @property
    def england_label(self) -> str:
        return england_label(self.metric)


@dataclass(frozen=True)
class AreaDashboard:
    area: Area
    practice: PracticeDetails
    panels: list[MetricPanel] = field(default_factory=list)


def get_area(slug: str) -> Area | None:
    return AREAS.get(slug)


def area_dashboard(practice: PracticeDetails, area: Area, months: int = 24) -> AreaDashboard:
    """Every metric of the area for this practice; metrics with no value for it are left out."""
    metrics = {m.id: m for m in area.metrics}
    if not metrics:
        return AreaDashboard(area, practice)
    pm = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(pm.c.metric, pm.c.period, *PRACTICE_COLUMNS)
        .where(pm.c.practice_code == practice.code, pm.c.metric.in_(list(metrics)))
        .order_by(pm.c.metric, pm.c.period)
    ).all()
    series: dict[str, list] = defaultdict(list)
    for row in rows:
        series[row.metric].append(row)
    series = {metric_id: points[-months:] for metric_id, points in series.items()}
    if not series:
        return AreaDashboard(area, practice)
    # each metric in the practice's own latest period (the one rule: portal/queries/latest.py)
    latest = {metric_id: points[-1].period for metric_id, points in series.items()}
    codes = {o.level: o.code for o in practice.organisations()} | {"england": ENGLAND}
    names = {o.level: o.name for o in practice.organisations()} | {"england": "England"}
    groups = group_rows(
        {metric_id: [p.period for p in points] for metric_id, points in series.items()}, codes
    )
    spans: dict[tuple[str, tuple[str, ...]], SourceSpan | None] = {}
    distributions = latest_distributions(latest)
    panels = []
    for metric_id, metric in metrics.items():
        points = series.get(metric_id)
        if not points:
            continue
        last = points[-1]
        period = last.period
        by_level = {r.level: r for r in groups[metric_id].get(period, [])}
        values = [
            group_value(metric, lv, names[lv], by_level[lv]) for lv in LEVELS if lv in by_level
        ]
        benchmark = assemble(
            metric, practice.code, period, last, values, distributions.get(metric_id)
        )
        trend = [TrendPoint(p.period, p.value) for p in points]
        england = {
            per: next((r for r in level_rows if r.level == "england"), None)
            for per, level_rows in groups[metric_id].items()
        }
        totals = [TrendPoint(p.period, _get(england.get(p.period), "value")) for p in points]
        medians = [TrendPoint(p.period, _get(england.get(p.period), "median")) for p in points]
        which = england_series(metric)
        panels.append(
            MetricPanel(
                metric=metric,
                benchmark=benchmark,
                trend=trend,
                england_trend=medians if which == MEDIAN_PRACTICE else totals,
                trend_source=_cached_span(spans, metric.dataset, [p.period for p in points]),
                england_trend_is=which,
                england_total=_england_figure(metric, benchmark.figure, totals[-1].value),
                england_median_practice=_england_figure(
                    metric, benchmark.figure, medians[-1].value
                ),
                england_total_trend=totals,
                england_median_practice_trend=medians,
            )
        )
    return AreaDashboard(area, practice, panels)


# The two Englands (DESIGN §4), named the same on every surface: every practice combined (the
# national sum for counts, ratio of national sums for rates), and the median open practice.
TOTAL = "england_total"
MEDIAN_PRACTICE = "england_median_practice"
ENGLAND_NAMES = {TOTAL: "England (all practices)", MEDIAN_PRACTICE: "Median practice in England"}


def england_series(metric: Metric) -> str:
    """Which England a practice is set beside: a national total is no practice's peer, so for
    counts it is the median practice; for rates every practice combined."""
    return MEDIAN_PRACTICE if metric.aggregation == "sum" else TOTAL


def england_label(metric: Metric) -> str:
    """The name of the England a practice is set beside (see england_series)."""
    return ENGLAND_NAMES[england_series(metric)]


def england_point(metric: Metric, row) -> float | None:
    """That England's value from an England group_metric row."""
    return row.median if england_series(metric) == MEDIAN_PRACTICE else row.value


def _get(row, column: str) -> float | None:
    return getattr(row, column) if row is not None else None


def _england_figure(metric: Metric, like: Figure, value: float | None) -> Figure | None:
    """An England value as a figure with the practice figure's period and source."""
    if value is None:
        return None
    return replace(like, value=value, display=format_value(metric, value))


def _cached_span(cache: dict, dataset: str, periods: list[str]) -> SourceSpan | None:
    key = (dataset, tuple(periods))
    if key not in cache:
        cache[key] = source_span(dataset, periods)
    return cache[key]


def group_rows(periods: dict[str, list[str]], codes: dict[str, str]):
    """metric -> period -> the group rows for this practice's PCN, sub-ICB, ICB, region, England.

    One query per level with every column of the primary key (metric, period, level, code)
    given, so each is a handful of index seeks rather than a scan of every group."""
    g = GroupMetric.__table__
    metric_ids = list(periods)
    all_periods = sorted({p for ps in periods.values() for p in ps})
    rows = []
    for level, code in codes.items():
        rows += db.session.execute(
            sa.select(g).where(
                g.c.metric.in_(metric_ids),
                g.c.period.in_(all_periods),
                g.c.level == level,
                g.c.code == code,
            )
        ).all()
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        out[row.metric][row.period].append(row)
    return out


def latest_distributions(latest: dict[str, str]) -> dict[str, Distribution]:
    """metric -> its national distribution in the given period (metric -> period), one query."""
    d = MetricDistribution.__table__
    rows = db.session.execute(
        sa.select(d).where(
            sa.or_(*(sa.and_(d.c.metric == m, d.c.period == p) for m, p in latest.items()))
        )
    ).all()
    return {r.metric: distribution_from_row(r) for r in rows}


def source_span(dataset: str, periods: list[str]) -> SourceSpan | None:
    """The publication and the first and last period of a series, synthetic if any load was."""
    if not periods:
        return None
    t = DatasetLoad.__table__
    synthetic = db.session.execute(
        sa.select(sa.func.max(sa.case((t.c.synthetic, 1), else_=0))).where(
            t.c.dataset == dataset, t.c.period.in_(periods)
        )
    ).scalar()
    return SourceSpan(SOURCES[dataset].publication, periods[0], periods[-1], bool(synthetic))


def trend_rows(dashboard: AreaDashboard) -> list[dict]:
    """The area's series as one long table (for CSV): each row with its period and source."""
    out = []
    for panel in dashboard.panels:
        span = panel.trend_source
        periods = [p.period for p in panel.trend]
        code = dashboard.practice.code
        found = breaks_within(panel.metric.id, periods[0], periods[-1], code) if periods else []
        starts: dict[str, str] = {}
        for b in found:
            # noted on the first period of the new series; a merger out of the practice (its
            # series ends before it) on the last period
            at = next((p for p in periods if p >= b.period), periods[-1])
            starts[at] = f"{starts[at]} {b.note}" if at in starts else b.note
        for point, total, median in zip(
            panel.trend,
            panel.england_total_trend,
            panel.england_median_practice_trend,
            strict=True,
        ):
            out.append(
                {
                    "practice_code": dashboard.practice.code,
                    "metric": panel.metric.id,
                    "label": panel.metric.label,
                    "unit": panel.metric.unit,
                    "period": point.period,
                    "value": point.value,
                    "england_total": total.value,
                    "england_median_practice": median.value,
                    "practice_set_beside": panel.england_trend_is,
                    "source": source_label(panel.metric.dataset, point.period),
                    "synthetic": span.synthetic if span else False,
                    "series_break": starts.get(point.period, ""),
                }
            )
    return out


def benchmark_rows(dashboard: AreaDashboard) -> list[dict]:
    """The latest figure of each metric beside its groups, as one long table (for CSV)."""
    out = []
    for panel in dashboard.panels:
        b = panel.benchmark
        base = {
            "metric": panel.metric.id,
            "label": panel.metric.label,
            "unit": panel.metric.unit,
            "period": b.figure.period,
            "source": b.figure.source,
            "synthetic": b.figure.synthetic,
        }
        out.append(
            base
            | {
                "level": "practice",
                "code": dashboard.practice.code,
                "name": dashboard.practice.name,
                "value": b.figure.value,
                "practices": 1,
                "percentile": b.percentile,
            }
        )
        for g in b.groups:
            out.append(
                base
                | {
                    "level": g.level,
                    "code": g.code,
                    "name": g.name,
                    "value": g.value,
                    "practices": g.practices,
                    "percentile": None,
                }
            )
    return out
