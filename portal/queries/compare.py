"""Compare up to ten practices on any catalogue metrics, each in the metric's latest period."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import Practice, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.areas import england_label, england_point, england_series
from portal.queries.benchmarks import group_values, latest_period, make_figure
from portal.queries.practices import normalise_code
from portal.queries.types import Figure, GroupValue

MAX_PRACTICES = 10
MAX_METRICS = 30


class CompareError(ValueError):
    """A selection that cannot be compared, with a message fit to show."""


@dataclass(frozen=True)
class ComparedPractice:
    code: str
    name: str
    status: str
    figures: dict[str, Figure | None]  # metric id -> figure (None: no value in that period)


@dataclass(frozen=True)
class MetricColumn:
    metric: Metric
    period: str | None
    england: GroupValue | None
    figure: Figure | None  # England's value with the period and source (None: no data)

    @property
    def reference(self) -> float | None:
        """England's ratio, or for a total the median practice's: what a practice is set beside."""
        return england_point(self.metric, self.england) if self.england else None

    @property
    def reference_display(self) -> str:
        return format_value(self.metric, self.reference)


@dataclass(frozen=True)
class Comparison:
    practices: list[ComparedPractice]
    columns: list[MetricColumn]
    not_found: list[str]  # codes asked for that no practice has

    def chart_rows(self, column: MetricColumn) -> list[tuple[str, float | None]]:
        """(name, value) per practice, then England: what the bar chart draws."""
        rows = []
        for practice in self.practices:
            figure = practice.figures[column.metric.id]
            rows.append((practice.name, figure.value if figure else None))
        rows.append((england_label(column.metric), column.reference))
        return rows


def default_metrics() -> list[str]:
    """The first catalogue metric of each dataset: one headline per area."""
    seen: dict[str, str] = {}
    for metric in METRICS.values():
        seen.setdefault(metric.dataset, metric.id)
    return list(seen.values())


def parse_selection(text: str | None, limit: int, what: str) -> list[str]:
    """Comma- or space-separated items, de-duplicated in order; at most `limit`."""
    items = [i for i in re.split(r"[\s,]+", (text or "")[: limit * 80]) if i]
    out = list(dict.fromkeys(items))
    if len(out) > limit:
        raise CompareError(f"Choose at most {limit} {what}.")
    return out


def parse_practices(text: str | None) -> list[str]:
    codes = parse_selection(text, MAX_PRACTICES, "practices")
    bad = [c for c in codes if normalise_code(c) is None]
    if bad:
        raise CompareError(f"“{bad[0][:20]}” is not an ODS practice code (like A81001).")
    return list(dict.fromkeys(normalise_code(c) for c in codes))


def parse_metrics(text: str | None) -> list[str]:
    ids = parse_selection(text, MAX_METRICS, "measures")
    unknown = [i for i in ids if i not in METRICS]
    if unknown:
        raise CompareError(f"“{unknown[0][:40]}” is not a measure in the catalogue.")
    return ids or default_metrics()


def compare_practices(codes: list[str], metric_ids: list[str]) -> Comparison:
    """Each practice's value of each metric in that metric's latest period, and England's."""
    p = Practice.__table__
    found = {
        r.code: r
        for r in db.session.execute(
            sa.select(p.c.code, p.c.name, p.c.status).where(p.c.code.in_(codes))
        ).all()
    }
    columns = []
    values: dict[tuple[str, str], float | None] = {}
    templates: dict[str, Figure] = {}
    t = PracticeMetric.__table__
    for metric_id in metric_ids:
        metric = METRICS[metric_id]
        period = latest_period(metric_id)
        england = None
        if period is not None:
            groups = group_values(metric, period, {"england": ENGLAND})
            england = groups[0] if groups else None
            templates[metric_id] = make_figure(metric, england.value if england else None, period)
            for code, value in db.session.execute(
                sa.select(t.c.practice_code, t.c.value).where(
                    t.c.metric == metric_id, t.c.period == period, t.c.practice_code.in_(codes)
                )
            ).all():
                values[(code, metric_id)] = value
        columns.append(MetricColumn(metric, period, england, templates.get(metric_id)))
    practices = []
    for code in codes:
        if code not in found:
            continue
        figures = {}
        for col in columns:
            key = (code, col.metric.id)
            figures[col.metric.id] = (
                replace(
                    templates[col.metric.id],
                    value=values[key],
                    display=format_value(col.metric, values[key]),
                )
                if key in values
                else None
            )
        practices.append(ComparedPractice(code, found[code].name, found[code].status, figures))
    return Comparison(practices, columns, [c for c in codes if c not in found])


def comparison_rows(comparison: Comparison) -> list[dict]:
    """The comparison as a long table (for CSV): one row per practice and metric."""
    rows = []
    for practice in comparison.practices:
        for col in comparison.columns:
            figure = practice.figures[col.metric.id]
            rows.append(
                {
                    "practice_code": practice.code,
                    "practice_name": practice.name,
                    "metric": col.metric.id,
                    "label": col.metric.label,
                    "unit": col.metric.unit,
                    "period": col.period,
                    "value": figure.value if figure else None,
                    "england_total": col.england.value if col.england else None,
                    "england_median_practice": col.england.median if col.england else None,
                    "practice_set_beside": england_series(col.metric),
                    "source": figure.source if figure else None,
                    "synthetic": figure.synthetic if figure else None,
                }
            )
    return rows
