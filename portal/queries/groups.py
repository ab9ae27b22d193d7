"""Group dashboards: a PCN's, sub-ICB location's, ICB's or region's own figures and trends for
every area, and for one metric every member practice side by side (value with its 95%
interval, change since the previous period, SPC signal, funnel band against England).

The group's figures are the precomputed group values (`group_metric`, ratio of sums at load
time, read through `benchmarks.group_value`), so the page, the API and MCP show the same
numbers as the practice pages' PCN and ICB columns. Plain dataclasses; no Flask.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import DatasetLoad, GroupMetric, Practice, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.areas import AREAS
from portal.queries.benchmarks import group_value, make_figure
from portal.queries.datasets import provenance_map
from portal.queries.funnel import band, limits_for
from portal.queries.organisations import (
    LEVEL_NAMES,
    MODELS,
    PARENT,
    PARENT_COLUMN,
    MemberPractice,
    practice_condition,
)
from portal.queries.significance import MIN_EVENTS, judge
from portal.queries.types import Figure, TrendPoint
from portal.sources import SOURCES
from portal.statistics import funnel, small_numbers, spc
from portal.statistics.intervals import Interval
from portal.statistics.significance import compare

TREND_PERIODS = 24  # periods of each trend and of each member's SPC series, as the area pages
# the page addresses' level names (/pcns/<code>) and MCP's prefixes (pcn:<code>)
SLUGS = {"pcns": "pcn", "sub-icbs": "sub_icb", "icbs": "icb", "regions": "region"}
LEVEL_SLUGS = {level: slug for slug, level in SLUGS.items()}
SHORT_NAMES = {"pcn": "PCN", "sub_icb": "Sub-ICB location", "icb": "ICB", "region": "Region"}
# ?sort= of the members table: key -> what it orders by; a leading "-" reverses
SORTS = {"name": "practice name", "code": "ODS code", "value": "value", "change": "change"}
DEFAULT_SORT = "name"


class GroupNotFound(LookupError):
    """No PCN, sub-ICB location, ICB or region with that code (or a malformed group)."""


@dataclass(frozen=True)
class GroupRef:
    level: str  # pcn | sub_icb | icb | region
    code: str
    name: str
    level_name: str  # "Primary care network", ...


@dataclass(frozen=True)
class GroupHeadline:
    """The group's own value of one metric in its latest period, the change since the period
    before, England's value, and its series (with the SPC variation of monthly metrics)."""

    figure: Figure
    area: str  # the dashboard area's slug
    practices: int  # member practices with a value (the ratio-of-sums' contributors)
    previous_period: str | None
    previous_value: float | None
    change: float | None  # value - previous value, in the metric's unit
    change_display: str | None
    england_value: float | None  # England's value (sums: the median practice's, as pages show)
    england_display: str
    variation: str | None  # monthly metrics: the latest point's SPC category
    trend: list[TrendPoint] = field(default_factory=list)  # oldest first


@dataclass(frozen=True)
class GroupArea:
    slug: str
    title: str
    headlines: list[GroupHeadline]


@dataclass(frozen=True)
class MemberFigure:
    """One member practice's value of the chosen metric in the group's latest period."""

    code: str
    name: str
    status: str
    value: float | None
    display: str
    numerator: float | None
    denominator: float | None
    lower_95: float | None  # its 95% confidence interval (None: no interval, see interval_note)
    upper_95: float | None
    interval_note: str | None
    versus_group: str | None  # its 95% interval against the group's value: better/similar/...
    previous_value: float | None
    change: float | None
    change_display: str | None
    variation: str | None  # monthly metrics: the SPC category of its latest value
    signals: list[str]  # the SPC rules its latest value takes part in
    funnel_band: str | None  # within | above 95% | above 99.8% | below ... (None: no funnel)
    outlier: bool  # beyond the 99.8% funnel limits around England
    not_ranked: str | None  # the small-numbers rule: sorted by value after every ranked practice


@dataclass(frozen=True)
class MemberComparison:
    """Every member practice's value of one metric, beside the group's and England's."""

    metric: str
    label: str
    unit: str
    polarity: str
    period: str
    previous_period: str | None
    group_value: float | None
    group_display: str
    england_value: float | None
    england_display: str
    sort: str
    members: list[MemberFigure]
    outliers: int  # members beyond the 99.8% funnel limits
    funnel: bool  # whether the metric has funnel limits (a proportion or a rate)
    source: str
    synthetic: bool


@dataclass(frozen=True)
class GroupOverview:
    group: GroupRef
    parents: list[GroupRef]
    member_practices: int
    open_practices: int
    areas: list[GroupArea]
    comparison: MemberComparison | None
    synthetic: bool


def level_of_slug(slug: str) -> str | None:
    return SLUGS.get(slug)


def parse_group(text: str | None) -> tuple[str, str]:
    """ "pcn:U12345", "sub_icb:00L", "icb:QWE", "region:Y56" or a bare code (looked up at each
    level in turn) as (level, code); GroupNotFound when there is no such group."""
    text = (text or "").strip()
    if ":" in text:
        prefix, _, code = text.partition(":")
        level = prefix.strip().lower().replace("-", "_")
        level = SLUGS.get(level, level)
        candidates = [level] if level in MODELS else []
    else:
        code, candidates = text, list(MODELS)
    code = code.strip().upper()
    if not code or len(code) > 10 or not code.isalnum():
        raise GroupNotFound(text)
    found = [lv for lv in candidates if _name(lv, code) is not None]
    if len(found) != 1:  # none, or a bare code at two levels: ask for the prefix
        raise GroupNotFound(text)
    return found[0], code


def _name(level: str, code: str) -> str | None:
    t = MODELS[level].__table__
    return db.session.execute(sa.select(t.c.name).where(t.c.code == code)).scalar()


def group_and_parents(level: str, code: str | None) -> tuple[GroupRef, list[GroupRef]]:
    """The group and the organisations above it (nearest first); GroupNotFound if unknown."""
    code = (code or "").strip().upper()
    if level not in MODELS or not code or len(code) > 10:
        raise GroupNotFound(f"{level}:{code}")
    found, current = [], (level, code)
    while current is not None:
        lv, cd = current
        t = MODELS[lv].__table__
        parent_col = t.c[PARENT_COLUMN[lv]] if lv in PARENT_COLUMN else sa.null()
        row = db.session.execute(sa.select(t.c.name, parent_col).where(t.c.code == cd)).first()
        if row is None:
            break
        found.append(GroupRef(lv, cd, row[0], LEVEL_NAMES[lv]))
        current = (PARENT[lv], row[1]) if PARENT[lv] and row[1] else None
    if not found:
        raise GroupNotFound(f"{level}:{code}")
    return found[0], found[1:]


def member_practices(level: str, code: str) -> list[MemberPractice]:
    """England GP practices within the group (open or not), by name then code."""
    p = Practice.__table__
    return [
        MemberPractice(*row)
        for row in db.session.execute(
            sa.select(p.c.code, p.c.name, p.c.postcode, p.c.status)
            .where(practice_condition({level: code}))
            .order_by(p.c.name, p.c.code)
        )
    ]


def group_overview(
    level: str, code: str, metric_id: str | None = None, sort: str | None = None
) -> GroupOverview:
    """The group's figures for every area and, when `metric_id` is given, every member practice
    side by side; GroupNotFound for an unknown group, KeyError for an unknown metric.

    The figures change only when data loads, so each (group, metric) is computed once per
    loaded-data version (every load adds a dataset_load row) and kept in a small per-process
    cache; only the order of the members is applied per request."""
    if metric_id is not None and metric_id not in METRICS:
        raise KeyError(metric_id)
    group, _ = group_and_parents(level, code)  # GroupNotFound before anything is cached
    key = (*_data_version(), level, group.code, metric_id)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
    if found is None:
        found = _compute(level, group.code, metric_id)
        with _LOCK:
            _CACHE[key] = found
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    c = found.comparison
    if c is None:
        return found
    key_name, reverse = _sort_key(sort)
    members = sort_members(c.members, key_name, reverse)
    return replace(found, comparison=replace(c, sort=_sort_name(sort), members=members))


CACHE_SIZE = 64  # (group, metric) overviews kept per process
_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def _data_version() -> tuple:
    """Which database and which loads: a new load (or another database) is another version."""
    t = DatasetLoad.__table__
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(t.c.id), sa.func.max(t.c.loaded_at))
    ).one()
    return (str(db.engine.url), *row)


def _compute(level: str, code: str, metric_id: str | None) -> GroupOverview:
    group, parents = group_and_parents(level, code)
    periods = _periods_by_dataset()
    metrics = [m for m in METRICS.values() if periods.get(m.dataset)]
    rows = _series(level, group.code, metrics, periods)
    england = _series("england", ENGLAND, metrics, periods)
    # the group's own newest value of each metric (the one rule: portal/queries/latest.py)
    latest = {m.id: rows[m.id][-1].period for m in metrics if rows.get(m.id)}
    origins = provenance_map({(METRICS[m].dataset, p) for m, p in latest.items()})
    areas = []
    for area in AREAS.values():
        headlines = [
            _headline(m, area.slug, rows[m.id], england.get(m.id, {}), origins)
            for m in area.metrics
            if rows.get(m.id)
        ]
        if headlines:
            areas.append(GroupArea(area.slug, area.title, headlines))
    members = member_practices(level, group.code)
    comparison = None
    if metric_id is not None:
        comparison = member_comparison(
            METRICS[metric_id], group, members, rows.get(metric_id, []),
            england.get(metric_id, {}), None,
        )  # fmt: skip
    return GroupOverview(
        group=group,
        parents=parents,
        member_practices=len(members),
        open_practices=sum(1 for p in members if p.status == "active"),
        areas=areas,
        comparison=comparison,
        synthetic=any(o.synthetic for o in origins.values()),
    )


def _periods_by_dataset() -> dict[str, list[str]]:
    """Each dataset's loaded periods, oldest first (the periods a group row can have)."""
    t = DatasetLoad.__table__
    out: dict[str, set[str]] = defaultdict(set)
    for dataset, period in db.session.execute(sa.select(t.c.dataset, t.c.period).distinct()):
        out[dataset].add(period)
    return {d: sorted(p) for d, p in out.items()}


def _series(level: str, code: str, metrics: list[Metric], periods: dict[str, list[str]]):
    """metric -> the group's rows over its latest TREND_PERIODS periods, oldest first: one
    query per dataset, every primary-key column given, so index seeks rather than a scan."""
    g = GroupMetric.__table__
    by_dataset: dict[str, list[str]] = defaultdict(list)
    for m in metrics:
        by_dataset[m.dataset].append(m.id)
    out: dict[str, list] = defaultdict(list)
    for dataset, ids in by_dataset.items():
        rows = db.session.execute(
            sa.select(g)
            .where(
                g.c.metric.in_(ids),
                g.c.period.in_(periods[dataset][-TREND_PERIODS - 1 :]),
                g.c.level == level,
                g.c.code == code,
            )
            .order_by(g.c.metric, g.c.period)
        ).all()
        for row in rows:
            out[row.metric].append(row)
    if level == "england":
        return {m: {r.period: r for r in rs} for m, rs in out.items()}
    return {m: rs[-TREND_PERIODS:] if len(rs) > TREND_PERIODS else rs for m, rs in out.items()}


def _england_value(metric: Metric, row) -> float | None:
    """England beside a group: the ratio of sums, or for a sum the median practice's value."""
    if row is None:
        return None
    return row.median if metric.aggregation == "sum" else row.value


def _change(metric: Metric, now: float | None, before: float | None):
    if now is None or before is None:
        return None, None
    change = now - before
    text = format_value(metric, abs(change))
    return change, ("+" if change > 0 else "−" if change < 0 else "±") + text


def _monthly(metric: Metric) -> bool:
    return SOURCES[metric.dataset].cadence == "monthly"


def _headline(metric: Metric, area: str, rows: list, england: dict, origins) -> GroupHeadline:
    last = rows[-1]
    before = rows[-2] if len(rows) > 1 else None
    change, change_text = _change(metric, last.value, before.value if before else None)
    origin = origins[(metric.dataset, last.period)]
    eng = _england_value(metric, england.get(last.period))
    variation = None
    if _monthly(metric):
        chart = spc.xmr([(r.period, r.value) for r in rows], metric.polarity)
        variation = chart.variation if chart else None
    return GroupHeadline(
        figure=make_figure(metric, last.value, last.period, origin),
        area=area,
        practices=last.practices,
        previous_period=before.period if before else None,
        previous_value=before.value if before else None,
        change=change,
        change_display=change_text,
        england_value=eng,
        england_display=format_value(metric, eng),
        variation=variation,
        trend=[TrendPoint(r.period, r.value) for r in rows],
    )  # fmt: skip


def member_comparison(
    metric: Metric, group: GroupRef, members, rows: list, england: dict, sort: str | None
) -> MemberComparison | None:
    """Every member practice's value of `metric` in the group's latest period; None when the
    group has no value of it."""
    if not rows:
        return None
    last = rows[-1]
    period = last.period
    previous = rows[-2].period if len(rows) > 1 else None
    codes = [p.code for p in members]
    names = {p.code: p for p in members}
    pm = PracticeMetric.__table__
    wanted = [r.period for r in rows] if _monthly(metric) else [p for p in (previous, period) if p]
    series: dict[str, dict[str, float | None]] = defaultdict(dict)  # code -> period -> value
    latest_rows = dict.fromkeys(codes)
    for chunk in range(0, len(codes), 500):
        part = codes[chunk : chunk + 500]
        for code, per, value in db.session.execute(
            sa.select(pm.c.practice_code, pm.c.period, pm.c.value).where(
                pm.c.metric == metric.id, pm.c.period.in_(wanted), pm.c.practice_code.in_(part)
            )
        ).all():
            series[code][per] = value
        for r in db.session.execute(
            sa.select(pm.c.practice_code, pm.c.value, pm.c.numerator, pm.c.denominator,
                      pm.c.in_distribution)
            .where(pm.c.metric == metric.id, pm.c.period == period, pm.c.practice_code.in_(part))
        ).all():  # fmt: skip
            latest_rows[r.practice_code] = r
    mine = group_value(metric, group.level, group.name, last)
    england_row = england.get(period)
    eng_value = _england_value(metric, england_row)
    bands = _funnel_bands(metric, eng_value, latest_rows)
    ci = _intervals_95(metric, period, latest_rows)
    out = []
    for code in codes:
        now = latest_rows[code]
        before = series.get(code, {}).get(previous) if previous else None
        value = now.value if now is not None else None
        change, change_text = _change(metric, value, before)
        interval, note = ci.get(code, (None, None))
        variation, signals = None, []
        if _monthly(metric) and code in series:
            verdict = spc.latest([series[code].get(p) for p in wanted], metric.polarity)
            if verdict is not None:
                variation, signals = verdict.variation, list(verdict.signals)
        where = bands.get(code)
        out.append(
            MemberFigure(
                code=code, name=names[code].name, status=names[code].status, value=value,
                display=format_value(metric, value),
                numerator=now.numerator if now is not None else None,
                denominator=now.denominator if now is not None else None,
                lower_95=interval.lower if interval else None,
                upper_95=interval.upper if interval else None,
                interval_note=note,
                versus_group=compare(interval, mine.value, metric.polarity) if interval else None,
                previous_value=before,
                change=change, change_display=change_text, variation=variation,
                signals=signals, funnel_band=where, outlier=bool(where and "99.8" in where),
                not_ranked=small_numbers.reason(metric, now.numerator, now.denominator)
                if now is not None else None,
            )
        )  # fmt: skip
    key, reverse = _sort_key(sort)
    origin = provenance_map({(metric.dataset, period)})[(metric.dataset, period)]
    return MemberComparison(
        metric=metric.id, label=metric.label, unit=metric.unit, polarity=metric.polarity,
        period=period, previous_period=previous, group_value=mine.value,
        group_display=mine.display, england_value=eng_value,
        england_display=format_value(metric, eng_value), sort=_sort_name(sort),
        members=sort_members(out, key, reverse), outliers=sum(m.outlier for m in out),
        funnel=metric.interval in ("wilson", "byar"), source=origin.source,
        synthetic=origin.synthetic,
    )  # fmt: skip


def _intervals_95(metric: Metric, period: str, rows: dict) -> dict:
    """code -> (95% interval or None, why there is none), as significance.judge makes them for
    the practice pages; proportions in one vectorised Wilson call rather than one per practice."""
    if metric.interval is None:
        return {}
    if metric.interval != "wilson":  # byar rates and the survey's published bounds
        out = {}
        for code, r in rows.items():
            judged = judge(metric, code, period, r.numerator if r is not None else None,
                           r.denominator if r is not None else None, [])  # fmt: skip
            found = next((i for i in judged.intervals if i.level == "95%"), None)
            out[code] = (Interval(found.lower, found.upper, 0.95) if found else None,
                         judged.not_compared)  # fmt: skip
        return out
    out, counts, totals, which = {}, [], [], []
    for code, r in rows.items():
        num = r.numerator if r is not None else None
        den = r.denominator if r is not None else None
        if num is None or not den or np.isnan(num) or np.isnan(den):
            out[code] = (None, "no figure to put an interval round")
        elif num < MIN_EVENTS:
            out[code] = (None, f"too few events to compare (fewer than {MIN_EVENTS})")
        elif num > den or num < 0:
            out[code] = (None, "the published counts do not allow an interval")
        else:
            counts.append(num), totals.append(den), which.append(code)
    if which:
        from statsmodels.stats.proportion import proportion_confint

        lower, upper = proportion_confint(
            np.array(counts, dtype=float), np.array(totals, dtype=float), alpha=0.05,
            method="wilson",
        )  # fmt: skip
        for i, code in enumerate(which):
            interval = Interval(
                float(lower[i]) * metric.scale, float(upper[i]) * metric.scale, 0.95
            )
            out[code] = (interval, None)
    return out


def _funnel_bands(metric: Metric, england: float | None, rows: dict) -> dict[str, str]:
    """Each member's band against the 99.8% and 95% funnel limits around England at its own
    denominator, as the national funnel plot draws them (portal/queries/funnel.py)."""
    if metric.interval not in ("wilson", "byar") or england is None:
        return {}
    shown = [(c, r) for c, r in rows.items()
             if r is not None and r.in_distribution and r.denominator and r.denominator > 0
             and r.value is not None]  # fmt: skip
    if not shown:
        return {}
    limits_at = limits_for(metric, england)
    n = np.array([r.denominator for _, r in shown], dtype=float)
    bounds = {lv: limits_at(n, lv) for lv in funnel.LEVELS}
    return {c: band(r.value, bounds, i) for i, (c, r) in enumerate(shown)}


def _sort_name(sort: str | None) -> str:
    name = (sort or DEFAULT_SORT).strip()
    return name if name.lstrip("-") in SORTS else DEFAULT_SORT


def _sort_key(sort: str | None):
    name = _sort_name(sort)
    return name.lstrip("-"), name.startswith("-")


def sort_members(members: list[MemberFigure], key: str, reverse: bool) -> list[MemberFigure]:
    """By name or code, or by value or change with practices without one last either way (by
    value, practices with too few events to rank too: small_numbers)."""
    if key in ("name", "code"):
        return sorted(members, key=lambda m: (getattr(m, key), m.code), reverse=reverse)
    ranked = [getattr(m, key) is not None and not (key == "value" and m.not_ranked)
              for m in members]  # fmt: skip
    present = [m for m, ok in zip(members, ranked, strict=True) if ok]
    missing = [m for m, ok in zip(members, ranked, strict=True) if not ok]
    present.sort(key=lambda m: (getattr(m, key), m.code), reverse=reverse)
    return present + sorted(missing, key=lambda m: m.code)


# --- one CSV of every metric for every member practice ------------------------------------------

CSV_COLUMNS = [
    "group_level", "group_code", "practice_code", "practice_name", "practice_status", "metric",
    "label", "unit", "period", "value", "numerator", "denominator", "group_value",
    "england_value", "england_basis", "source", "synthetic",
]  # fmt: skip


def member_rows(level: str, code: str) -> list[dict]:
    """Every metric's value in the group's latest period for every member practice, one row
    each (a practice without a value of a metric gets an empty value), with the group's and
    England's values and the source; GroupNotFound for an unknown group."""
    overview = group_overview(level, code)
    detail_members = member_practices(level, overview.group.code)
    codes = [p.code for p in detail_members]
    pm = PracticeMetric.__table__
    out = []
    for area in overview.areas:
        for h in area.headlines:
            metric = METRICS[h.figure.metric]
            found = {}
            for chunk in range(0, len(codes), 500):
                for r in db.session.execute(
                    sa.select(pm.c.practice_code, pm.c.value, pm.c.numerator, pm.c.denominator)
                    .where(pm.c.metric == metric.id, pm.c.period == h.figure.period,
                           pm.c.practice_code.in_(codes[chunk : chunk + 500]))
                ).all():  # fmt: skip
                    found[r.practice_code] = r
            for p in detail_members:
                r = found.get(p.code)
                out.append(
                    {"group_level": level, "group_code": overview.group.code,
                     "practice_code": p.code, "practice_name": p.name,
                     "practice_status": p.status, "metric": metric.id, "label": metric.label,
                     "unit": metric.unit, "period": h.figure.period,
                     "value": r.value if r else None, "numerator": r.numerator if r else None,
                     "denominator": r.denominator if r else None,
                     "group_value": h.figure.value, "england_value": h.england_value,
                     "england_basis": "median practice" if metric.aggregation == "sum"
                     else "England",
                     "source": h.figure.source, "synthetic": h.figure.synthetic}
                )  # fmt: skip
    return out
