"""Plain result types shared by the query modules."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provenance:
    """Where a figure comes from: the publication and period, and whether it is synthetic."""

    dataset: str
    period: str
    source: str
    synthetic: bool


@dataclass(frozen=True)
class Coverage:
    """How much of England a figure's period covers, so an "England" over part of it says so:
    practices included of open practices, from the publication's own coverage table
    (`published`) or, without one, the practices loaded when clearly fewer than England's."""

    practices_included: int
    practices_open: int
    published: bool  # the publication's coverage table; False: the practices loaded
    partial: bool  # fewer practices included than open
    sentence: str  # as MCP text says it; the pages word the same counts around their table

    @property
    def words(self) -> str:
        """As figures are labelled: '4,649 of 6,220 practices'."""
        return f"{self.practices_included:,} of {self.practices_open:,} practices"


@dataclass(frozen=True)
class Figure:
    metric: str
    label: str
    unit: str
    value: float | None
    display: str
    period: str
    source: str
    synthetic: bool
    coverage: Coverage | None = None  # None: no coverage table, and the files loaded are England


@dataclass(frozen=True)
class GroupValue:
    level: str  # pcn | sub_icb | icb | region | england
    code: str
    name: str
    value: float | None
    display: str
    practices: int
    mean_per_practice: float | None
    median: float | None


@dataclass(frozen=True)
class Distribution:
    n: int
    excluded: int
    median: float | None
    q1: float | None
    q3: float | None
    deciles: list[float]
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class ConfidenceInterval:
    level: str  # "95%" | "99.8%"
    lower: float
    upper: float
    display: str  # e.g. "2.0% to 2.5%", in the metric's own format


@dataclass(frozen=True)
class Significance:
    """How the practice compares with one group: its interval against the group's value."""

    level: str  # pcn | sub_icb | icb | region | england
    at_95: str  # better | similar | worse (higher | lower when neutral) | not compared
    at_99_8: str


@dataclass(frozen=True)
class Benchmark:
    """A practice's figure beside its groups and where it sits nationally."""

    figure: Figure
    percentile: float | None
    in_distribution: bool
    distribution: Distribution | None
    groups: list[GroupValue] = field(default_factory=list)
    intervals: list[ConfidenceInterval] = field(default_factory=list)  # 95%, then 99.8%
    significance: list[Significance] = field(default_factory=list)  # per group, in order
    not_compared: str | None = None  # why there are no intervals, said plainly
    not_ranked: str | None = None  # why there is no percentile ("not ranked: ..."), said plainly


@dataclass(frozen=True)
class TrendPoint:
    period: str
    value: float | None
