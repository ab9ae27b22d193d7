"""Tool results as compact markdown: claude.ai's model reads only a result's text, so the text
carries the whole answer (figures, comparators, series, bands, period, source) as tables.

"England" always means one stated thing here: `England (all practices)` is every practice in
England combined (the national sum for counts, national numerator over national denominator
for rates and shares); `Median practice` is the median of open practices' own values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from portal.catalogue import METRICS, Metric, format_value
from portal.models.organisations import LEVELS
from portal.queries.coverage import metric_coverage
from portal.queries.types import Benchmark, Distribution, Figure, GroupValue, Significance
from portal.series_breaks import breaks_within
from portal.statistics import small_numbers
from portal.statistics.significance import NOT_COMPARED

LEVEL_HEADINGS = {
    "pcn": "PCN",
    "sub_icb": "Sub-ICB",
    "icb": "ICB",
    "region": "Region",
    "england": "England (all practices)",
    "peers": "Similar practices",
}
COMPARED = ("peers", *LEVELS)  # the columns a benchmark table may have, in order
POLARITY = {
    "higher-is-better": "higher is better",
    "lower-is-better": "lower is better",
    "neutral": "neither",
}
ENGLAND_SERIES = {  # the names DESIGN §4 gives the two Englands, as column headings
    "england_total": "England (all practices)",
    "england_median_practice": "median practice in England",
}
ENGLAND_LEGEND = (
    "England (all practices) = every practice in England combined (the national total for "
    "counts; national numerator over national denominator for rates and shares). Median "
    "practice = the median of open practices' own values. Percentile = the practice's rank "
    "among open practices in England (0 lowest, 100 highest). Similar practices = the 10 "
    "practices most like this one (deprivation, list size, ages, dispensing, rurality), "
    "combined (get_benchmark with within=peers lists them)."
)
SYNTHETIC_NOTE = "SYNTHETIC demo data, not real NHS figures."


def table(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table; None shows as an en dash, so a gap is never read as zero."""
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    for row in rows:
        lines.append("| " + " | ".join("–" if c is None else str(c) for c in row) + " |")
    return "\n".join(lines)


def value(metric_id: str, number: float | None) -> str | None:
    """A metric's value written as every page writes it; None stays None."""
    metric = METRICS.get(metric_id)
    if number is None:
        return None
    return format_value(metric, number) if metric else f"{number:,g}"


def shown(figure: Figure | None) -> str | None:
    """A figure's display, or None (an en dash in a table) when it has no value."""
    return figure.display if figure is not None and figure.value is not None else None


def comparators(benchmarks: Iterable[Benchmark | None]) -> str | None:
    """Which PCN, sub-ICB, ICB and region the columns are (named once, not per row)."""
    named: dict[str, GroupValue] = {}
    for b in benchmarks:
        for g in b.groups if b else ():
            if g.level in LEVELS and g.level != "england":
                named.setdefault(g.level, g)
    if not named:
        return None
    parts = [f"{LEVEL_HEADINGS[level]} = {named[level].name} ({named[level].code})"
             for level in LEVELS if level in named]  # fmt: skip
    return "Comparators: " + "; ".join(parts) + "."


def _median(metric_id: str, distribution: Distribution | None) -> str | None:
    if distribution is None or distribution.median is None:
        return None
    return f"{value(metric_id, distribution.median)} (of {distribution.n:,})"


def benchmark_table(rows: Sequence[Sequence], extra: Sequence[str] = ()) -> str:
    """One row per figure: the practice (with its intervals where the metric has them), its
    groups (each with the practice's significance against it), England, the median practice,
    its percentile and which way is better. Each row is (label, Benchmark or None, *values of
    the `extra` columns, shown after the practice's figure)."""
    present = [row[1] for row in rows if row[1] is not None]
    levels = [lv for lv in COMPARED if any(g.level == lv for b in present for g in b.groups)]
    judged = any(b.intervals or b.not_compared for b in present)
    headings = ["Metric", "Period", "Practice", *(["95%; 99.8% interval"] if judged else [])]
    headings += [*extra, *(LEVEL_HEADINGS[lv] for lv in levels)]
    headings += ["Median practice", "Percentile", "Better"]
    lines = []
    for label, b, *more in rows:
        if b is None:
            lines.append(
                [label, None, "not published", *more] + [None] * (len(headings) - 3 - len(more))
            )
            continue
        f = b.figure
        metric = METRICS.get(f.metric)
        versus = {s.level: s for s in b.significance}
        groups = {g.level: _group_cell(g, versus.get(g.level)) for g in b.groups}
        lines.append(
            [
                label,
                f.period,
                f.display if f.value is not None else "no figure",
                *([_intervals_cell(b)] if judged else []),
                *more,
                *(groups.get(lv) for lv in levels),
                _median(f.metric, b.distribution),
                f"{b.percentile:.0f}" if b.percentile is not None else b.not_ranked,
                POLARITY[metric.polarity] if metric else None,
            ]
        )
    return table(headings, lines)


def _intervals_cell(b: Benchmark) -> str | None:
    if b.intervals:
        return "; ".join(i.display for i in b.intervals)
    return f"not compared: {b.not_compared}" if b.not_compared else None


def _group_cell(group: GroupValue, versus: Significance | None) -> str | None:
    if group.value is None:
        return None
    if versus is None or versus.at_95 == versus.at_99_8 == NOT_COMPARED:
        return group.display
    return f"{group.display} ({versus.at_95}/{versus.at_99_8})"


def series_table(
    periods: Sequence[str], columns: Sequence[tuple[str, Sequence[str | None]]]
) -> str:
    """A series as one row per period, one column per measure (values already written)."""
    return table(["Period", *(c for c, _ in columns)], (
        [period, *(values[i] for _, values in columns)] for i, period in enumerate(periods)
    ))  # fmt: skip


def metric_series(
    metric_ids: Sequence[str], months: Sequence[tuple[str, dict]], practice: str | None = None
) -> str:
    """Monthly values of several metrics: `months` are (period, {metric id: value}); a
    `practice`'s series note its mergers too."""
    columns = [
        (METRICS[m].label, [value(m, values.get(m)) for _, values in months]) for m in metric_ids
    ]
    periods = [p for p, _ in months]
    return sections(series_table(periods, columns), break_notes(metric_ids, periods, practice))


def shares_table(heading: str, shares: Iterable, count_heading: str = "Count") -> str:
    """A split of one total (label, count, percent)."""
    return table(
        [heading, count_heading, "Share"],
        (
            [
                s.label,
                f"{s.count:,.0f}" if s.count is not None else None,
                f"{s.percent:.1f}%" if s.percent is not None else None,
            ]
            for s in shares
        ),
    )


def footer(sources: Iterable[str], synthetic: bool, coverage: str | None = None) -> str:
    """Where the figures come from, and whether they are real."""
    text = "Source: " + "; ".join(dict.fromkeys(s for s in sources if s)) + "."
    if coverage:
        text += " " + coverage
    return text + (" " + SYNTHETIC_NOTE if synthetic else "")


def coverage(benchmarks: Iterable[Benchmark | None]) -> str | None:
    """How many practices the national figures rest on, and how many were left out; and, where
    the publication covers only part of England, that its England is those practices."""
    for b in benchmarks:
        d = b.distribution if b else None
        if d is not None and d.n:
            few = small_numbers.applies(METRICS[b.figure.metric])
            line = (
                f"Coverage: the national distribution ranks {d.n:,} open practices; "
                f"{d.excluded:,} excluded (closed, no valid denominator"
                f"{', or too few events to rank' if few else ''})."
            )
            return line + publication_coverage(b.figure.metric, b.figure.period)
    return None


def publication_coverage(metric_id: str, period: str) -> str:
    """' The publication covers ... (4,649 of 6,220 practices) ...', or '' when it covers all."""
    found = metric_coverage(metric_id, period)
    return " " + found.sentence if found is not None and found.partial else ""


def break_notes(
    metric_ids: Iterable[str], periods: Sequence[str], practice: str | None = None
) -> str | None:
    """A note line per series break inside the periods shown ('Series break 2026-06: ...');
    of a practice's series, its mergers too."""
    if len(periods) < 2:
        return None
    first, last = min(periods), max(periods)
    notes = dict.fromkeys(
        b.note for m in metric_ids for b in breaks_within(m, first, last, practice)
    )
    return "\n\n".join(notes) or None


def sections(*parts: str | None) -> str:
    """Join the parts that exist with a blank line, as markdown paragraphs."""
    return "\n\n".join(p for p in parts if p)


def metric_note(metric: Metric) -> str:
    return f"{metric.label} ({metric.unit}): {metric.definition} {POLARITY[metric.polarity]}."


SIGNIFICANCE_LEGEND = (
    "(a/b) after a group's value: the practice against that group at 95%/99.8% confidence, its "
    "interval against the group's value: better, similar or worse (higher, similar or lower "
    "where neither is better); 'not compared' when there are too few events."
)


def figures_answer(
    heading: str,
    rows: Sequence[Sequence],
    *more: str | None,
    sources: Iterable[str],
    synthetic: bool,
    extra: Sequence[str] = (),
) -> str:
    """The shape every figures tool answers in: heading, comparators, the benchmark table and
    its legend, any further sections (series, splits), then source, coverage and synthetic."""
    benchmarks = [row[1] for row in rows]
    return sections(
        heading,
        comparators(benchmarks),
        benchmark_table(rows, extra) if rows else None,
        ENGLAND_LEGEND if rows else None,
        SIGNIFICANCE_LEGEND if any(b and b.significance for b in benchmarks) else None,
        *more,
        footer(sources, synthetic, coverage(benchmarks)),
    )
