"""A practice's figure with its confidence intervals and its significance against each group,
the Fingertips way (the practice's interval against the group's value), from the numerator and
denominator stored beside the figure. The catalogue says which method a metric uses."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import Metric, format_value
from portal.extensions import db
from portal.models import GppsQuestion
from portal.queries.types import ConfidenceInterval, GroupValue, Significance
from portal.statistics import intervals
from portal.statistics.significance import compare
from portal.statistics.small_numbers import MIN_EVENTS  # below it: "not compared", not ranked

LEVEL_NAMES = {0.95: "95%", 0.998: "99.8%"}


@dataclass(frozen=True)
class Judgement:
    intervals: list[ConfidenceInterval]
    significance: list[Significance]
    not_compared: str | None


def judge(
    metric: Metric,
    practice_code: str,
    period: str,
    numerator: float | None,
    denominator: float | None,
    groups: list[GroupValue],
) -> Judgement:
    """The figure's intervals at 95% and 99.8% and how it compares with each group."""
    if metric.interval is None:
        return Judgement([], [], None)
    found, reason = _intervals(metric, practice_code, period, numerator, denominator)
    by_level = {LEVEL_NAMES[i.level]: i for i in found}
    shown = [
        ConfidenceInterval(LEVEL_NAMES[i.level], i.lower, i.upper,
                           f"{format_value(metric, i.lower)} to {format_value(metric, i.upper)}")
        for i in found
    ]  # fmt: skip
    significance = [
        Significance(
            g.level,
            compare(by_level.get("95%"), g.value, metric.polarity),
            compare(by_level.get("99.8%"), g.value, metric.polarity),
        )
        for g in groups
    ]
    return Judgement(shown, significance, reason)


def _intervals(metric, practice_code, period, numerator, denominator):
    """The intervals that exist, and the plain reason when there are none."""
    if metric.interval == "published":
        bounds = _published_bounds(practice_code, period)
        found = intervals.published(*bounds) if bounds else None
        return ([found] if found else []), (None if found else "no published interval")
    if numerator is None or not denominator:
        return [], "no figure to put an interval round"
    if numerator < MIN_EVENTS:
        return [], f"too few events to compare (fewer than {MIN_EVENTS})"
    try:
        if metric.interval == "wilson":
            found = [intervals.wilson(numerator, denominator, lv, scale=metric.scale)
                     for lv in intervals.LEVELS]  # fmt: skip
        else:  # byar: a rate per `scale` people
            found = [intervals.poisson_rate(numerator, denominator, lv, per=metric.scale)
                     for lv in intervals.LEVELS]  # fmt: skip
    except ValueError:  # e.g. more answered calls than inbound in a file: no honest interval
        return [], "the published counts do not allow an interval"
    return [i for i in found if i is not None], None


def _published_bounds(practice_code: str, period: str) -> tuple[float, float] | None:
    q = GppsQuestion.__table__
    row = db.session.execute(
        sa.select(q.c.low_ci, q.c.high_ci).where(
            q.c.practice_code == practice_code, q.c.period == period, q.c.question == "overallexp"
        )
    ).first()
    return (row.low_ci, row.high_ci) if row and row.low_ci is not None else None
