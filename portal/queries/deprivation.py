"""A practice's deprivation: its latest IMD score and national decile (1 least deprived)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.queries.benchmarks import latest_period, national_distribution, practice_figure
from portal.queries.types import Figure

METRIC = "deprivation_score"


@dataclass(frozen=True)
class Deprivation:
    score: Figure
    decile: int | None  # 1 least deprived ... 10 most deprived, among practices in England


def deprivation(practice_code: str) -> Deprivation | None:
    """The latest score, and which tenth of England's practices it falls in (by the national
    distribution's decile cut points)."""
    period = latest_period(METRIC, practice_code)
    if period is None:
        return None
    figure = practice_figure(practice_code, METRIC, period)
    spread = national_distribution(METRIC, period)
    decile = None
    if figure.value is not None and spread is not None and spread.deciles:
        decile = 1 + sum(cut < figure.value for cut in spread.deciles)
    return Deprivation(figure, decile)
