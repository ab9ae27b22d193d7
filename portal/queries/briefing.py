"""A practice's (or a PCN's) printable briefing, assembled from the query layer the dashboards,
the API and MCP already use: headline figures with 95% intervals and significance against
similar practices, PCN, ICB and England; SPC trends; similar practices; caveats; sources and
periods. No Flask here: the page and the PDF render the same `Briefing`."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import GroupMetric, Practice, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.areas import AREAS, Area
from portal.queries.benchmarks import group_values, make_figure, practice_benchmark
from portal.queries.datasets import provenance_map
from portal.queries.deprivation import Deprivation, deprivation
from portal.queries.organisations import OrganisationDetail, get_organisation, practices_in
from portal.queries.overview import HEADLINES
from portal.queries.peers import Peer, practice_peers
from portal.queries.practices import PracticeDetails
from portal.queries.trend import TrendChart, group_trend_chart, monthly_metrics
from portal.queries.trend import practice_trend_chart as xmr_chart
from portal.queries.types import Benchmark, Figure, GroupValue, Significance
from portal.sources import SOURCES, period_label

# The overview's headline set (portal/queries/overview.HEADLINES), less deprivation (the
# briefing's context list states it) and GP FTE (patients per GP FTE says it per patient).
HEADLINE_METRICS = tuple(m for m in HEADLINES if m not in ("deprivation_score", "gp_fte"))
# The comparators a briefing sets every figure against, in column order (DESIGN: similar
# practices beside the PCN, ICB and England).
COMPARATORS = ("peers", "pcn", "icb", "england")
COMPARATOR_HEADINGS = {
    "peers": "Similar practices",
    "pcn": "PCN",
    "icb": "ICB",
    "england": "England",
}
TREND_MONTHS = 24


@dataclass(frozen=True)
class Comparison:
    """One comparator's value beside the practice's, and the practice's significance against it."""

    level: str
    heading: str
    group: GroupValue | None
    significance: Significance | None
    display: str | None  # the group's value, or for a count its median practice's; None: none
    median_practice: bool  # a count (list size): a group's total is no practice's peer

    @property
    def verdict(self) -> str | None:
        """The 95% judgement in words ("better", "similar", ...), None when not judged."""
        return self.significance.at_95 if self.significance else None


@dataclass(frozen=True)
class HeadlineFigure:
    area: Area
    metric: Metric
    benchmark: Benchmark
    comparisons: list[Comparison]

    @property
    def figure(self) -> Figure:
        return self.benchmark.figure

    @property
    def interval_95(self) -> str | None:
        """The 95% confidence interval as the pages write it, or None (no sampling error)."""
        return next((i.display for i in self.benchmark.intervals if i.level == "95%"), None)


@dataclass(frozen=True)
class SourceLine:
    """A publication the briefing cites and the periods of it the briefing shows."""

    dataset: str
    publication: str
    publisher: str
    url: str
    periods: list[str]  # written for people ("December 2025", "2021-22")
    synthetic: bool


@dataclass(frozen=True)
class Briefing:
    practice: PracticeDetails
    deprivation: Deprivation | None
    headlines: list[HeadlineFigure]
    trends: list[TrendChart]
    peers: list[Peer]
    caveats: list[tuple[str, str]]  # (metric label, caveat)
    sources: list[SourceLine]
    synthetic: bool


def practice_briefing(practice: PracticeDetails) -> Briefing:
    """Everything the practice briefing shows, from the same functions the dashboards call."""
    headlines = []
    for metric_id in HEADLINE_METRICS:
        metric = METRICS[metric_id]
        bench = practice_benchmark(practice, metric_id)
        if bench is None or bench.figure.value is None:
            continue
        headlines.append(HeadlineFigure(_area(metric), metric, bench, _comparisons(metric, bench)))
    monthly = set(monthly_metrics())
    trends = []
    for h in headlines:
        if h.metric.id in monthly:
            made = xmr_chart(practice, h.metric.id, TREND_MONTHS)
            if made is not None:
                trends.append(made)
    dep = deprivation(practice.code)
    periods = [(h.metric.dataset, h.figure.period) for h in headlines]
    periods += [(_dataset(t_.metric), p) for t_ in trends for p in (t_.first, t_.last)]
    if dep is not None:
        periods.append(("deprivation", dep.score.period))
    synthetic = (
        any(h.figure.synthetic for h in headlines)
        or any(t_.synthetic for t_ in trends)
        or bool(dep and dep.score.synthetic)
    )
    return Briefing(
        practice=practice,
        deprivation=dep,
        headlines=headlines,
        trends=trends,
        peers=practice_peers(practice.code),
        caveats=_caveats(h.metric for h in headlines),
        sources=_sources(periods, _synthetic_datasets(headlines, trends, dep)),
        synthetic=synthetic,
    )


def _area(metric: Metric) -> Area:
    return next(a for a in AREAS.values() if metric.dataset in a.datasets)


def _dataset(metric_id: str) -> str:
    return METRICS[metric_id].dataset


def _comparisons(metric: Metric, bench: Benchmark) -> list[Comparison]:
    """Each comparator beside the practice: for a count (aggregation "sum") the group's median
    practice, as the dashboards' England line is, since the group's total is no peer of one
    practice; otherwise the group's value (ratio of sums)."""
    groups = {g.level: g for g in bench.groups}
    versus = {s.level: s for s in bench.significance}
    counts = metric.aggregation == "sum"
    out = []
    for lv in COMPARATORS:
        g = groups.get(lv)
        value = (g.median if counts else g.value) if g is not None else None
        shown = format_value(metric, value) if value is not None else None
        out.append(Comparison(lv, COMPARATOR_HEADINGS[lv], g, versus.get(lv), shown, counts))
    return out


def _caveats(metrics) -> list[tuple[str, str]]:
    seen: dict[str, tuple[str, str]] = {}
    for metric in metrics:
        for caveat in metric.caveats:
            seen.setdefault(caveat, (metric.label, caveat))
    return list(seen.values())


def _synthetic_datasets(headlines, trends, dep) -> set[str]:
    found = {h.metric.dataset for h in headlines if h.figure.synthetic}
    found |= {_dataset(t_.metric) for t_ in trends if t_.synthetic}
    if dep is not None and dep.score.synthetic:
        found.add("deprivation")
    return found


def _sources(pairs, synthetic: set[str]) -> list[SourceLine]:
    """Each cited publication once, in catalogue order, with the periods shown of it."""
    by_dataset: dict[str, set[str]] = {}
    for dataset, period in pairs:
        if dataset and period:
            by_dataset.setdefault(dataset, set()).add(period)
    out = []
    for dataset, source in SOURCES.items():
        if dataset not in by_dataset:
            continue
        out.append(
            SourceLine(
                dataset=dataset,
                publication=source.publication,
                publisher=source.publisher,
                url=source.url,
                periods=[period_label(p, source.cadence) for p in sorted(by_dataset[dataset])],
                synthetic=dataset in synthetic,
            )
        )
    return out


# --- a PCN's briefing ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupHeadline:
    """The PCN's own figure of a metric beside its ICB and England, in the PCN's latest period."""

    area: Area
    metric: Metric
    figure: Figure  # the PCN's value
    comparators: list[GroupValue]  # sub-ICB, ICB, region, England as stored


@dataclass(frozen=True)
class MemberRow:
    code: str
    name: str
    status: str
    values: dict[str, Figure] = field(default_factory=dict)  # metric id -> latest figure


@dataclass(frozen=True)
class PcnBriefing:
    pcn: OrganisationDetail
    headlines: list[GroupHeadline]
    trends: list[TrendChart]
    members: list[MemberRow]
    member_metrics: list[Metric]
    caveats: list[tuple[str, str]]
    sources: list[SourceLine]
    synthetic: bool


MEMBER_METRICS = ("list_size", "appointments_per_1000", "dna_rate", "calls_answered_rate")


def pcn_briefing(code: str) -> PcnBriefing | None:
    """A PCN's briefing: its figures beside its ICB and England, its trends and each member
    practice's latest figures; None for an unknown PCN."""
    pcn = get_organisation("pcn", code)
    if pcn is None:
        return None
    parents = {p.level: p.code for p in pcn.parents}
    codes = {"pcn": pcn.code, **parents, "england": ENGLAND}
    g = GroupMetric.__table__
    latest = dict(
        db.session.execute(
            sa.select(g.c.metric, sa.func.max(g.c.period))
            .where(g.c.level == "pcn", g.c.code == pcn.code, g.c.metric.in_(HEADLINE_METRICS))
            .group_by(g.c.metric)
        ).all()
    )
    headlines = []
    for metric_id in HEADLINE_METRICS:
        if metric_id not in latest:
            continue
        metric = METRICS[metric_id]
        values = group_values(metric, latest[metric_id], codes)
        own = next((v for v in values if v.level == "pcn"), None)
        if own is None or own.value is None:
            continue
        headlines.append(
            GroupHeadline(
                _area(metric),
                metric,
                make_figure(metric, own.value, latest[metric_id]),
                [v for v in values if v.level in ("icb", "england")],
            )
        )
    monthly = set(monthly_metrics())
    trends = [
        made
        for h in headlines
        if h.metric.id in monthly
        and (made := group_trend_chart("pcn", pcn.code, h.metric.id, TREND_MONTHS)) is not None
    ]
    members = _members(pcn.code)
    pairs = [(h.metric.dataset, h.figure.period) for h in headlines]
    pairs += [(_dataset(t_.metric), p) for t_ in trends for p in (t_.first, t_.last)]
    pairs += [(_dataset(f.metric), f.period) for m in members for f in m.values.values()]
    synthetic_sets = {h.metric.dataset for h in headlines if h.figure.synthetic}
    synthetic_sets |= {_dataset(t_.metric) for t_ in trends if t_.synthetic}
    return PcnBriefing(
        pcn=pcn,
        headlines=headlines,
        trends=trends,
        members=members,
        member_metrics=[METRICS[m] for m in MEMBER_METRICS],
        caveats=_caveats(h.metric for h in headlines),
        sources=_sources(pairs, synthetic_sets),
        synthetic=bool(synthetic_sets),
    )


def _members(pcn_code: str) -> list[MemberRow]:
    """The PCN's practices (portal.queries.organisations.practices_in) with each one's figure of
    MEMBER_METRICS in that metric's latest period for the practice."""
    p, m = Practice.__table__, PracticeMetric.__table__
    practices = db.session.execute(
        sa.select(p.c.code, p.c.name, p.c.status)
        .where(practices_in("pcn", pcn_code), p.c.is_england, p.c.is_gp_practice)
        .order_by(p.c.name, p.c.code)
    ).all()
    codes = [row.code for row in practices]
    latest = (
        sa.select(m.c.practice_code, m.c.metric, sa.func.max(m.c.period).label("period"))
        .where(m.c.practice_code.in_(codes), m.c.metric.in_(MEMBER_METRICS))
        .group_by(m.c.practice_code, m.c.metric)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(m.c.practice_code, m.c.metric, m.c.period, m.c.value).join(
            latest,
            sa.and_(
                latest.c.practice_code == m.c.practice_code,
                latest.c.metric == m.c.metric,
                latest.c.period == m.c.period,
            ),
        )
    ).all()
    origins = provenance_map({(METRICS[r.metric].dataset, r.period) for r in rows})
    values: dict[str, dict[str, Figure]] = {}
    for code, metric_id, period, value in rows:
        metric = METRICS[metric_id]
        values.setdefault(code, {})[metric_id] = make_figure(
            metric, value, period, origins[(metric.dataset, period)]
        )
    return [MemberRow(r.code, r.name, r.status, values.get(r.code, {})) for r in practices]
