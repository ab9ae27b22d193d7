"""The metric catalogue: every metric once, described as data; pages, tools and API read it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    unit: str  # patients | % | per 1,000 patients | appointments | £ | FTE | ...
    dataset: str
    definition: str
    polarity: str  # higher-is-better | lower-is-better | neutral
    aggregation: str = "ratio"  # ratio: group = sum(num)/sum(den)*scale; sum: group = sum(value)
    scale: float = 100.0
    decimals: int = 1
    caveats: tuple[str, ...] = ()


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            id="list_size",
            label="Registered patients",
            unit="patients",
            dataset="patients-registered",
            definition="NUMBER_OF_PATIENTS with SEX=ALL and AGE=ALL: patients registered at the "
            "practice on the 1st of the month.",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "Registered lists include patients who have moved away but not yet been removed "
                "(list inflation).",
            ),
        ),
        # --- appointments (GPAD), online consultations, cloud telephony
        # --- workforce, GP Patient Survey, QOF, payments
    )
}


def get_metric(metric_id: str) -> Metric | None:
    return METRICS.get(metric_id)


def format_value(metric: Metric, value: float | None) -> str:
    """The one way a metric's value is written for people: thousands separators, fixed decimals."""
    if value is None:
        return "not available"
    text = f"{value:,.{metric.decimals}f}"
    return f"{text}%" if metric.unit == "%" else text
