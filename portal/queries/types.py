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
class Figure:
    metric: str
    label: str
    unit: str
    value: float | None
    display: str
    period: str
    source: str
    synthetic: bool


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
class Benchmark:
    """A practice's figure beside its groups and where it sits nationally."""

    figure: Figure
    percentile: float | None
    in_distribution: bool
    distribution: Distribution | None
    groups: list[GroupValue] = field(default_factory=list)


@dataclass(frozen=True)
class TrendPoint:
    period: str
    value: float | None
