"""Series breaks as data: where a publication changed its method, or a practice merged (ODS
successor organisations), so values either side of the period are not like for like. Charts,
CSVs, the API and MCP text read them from here."""

from __future__ import annotations

from dataclasses import dataclass

from portal.catalogue import METRICS
from portal.queries.successors import mergers

SUCCESSORS = "ods-successors"  # the dataset a practice merger's break comes from


@dataclass(frozen=True)
class SeriesBreak:
    """A publication's change of method: values from `period` on are a new series."""

    dataset: str
    period: str  # the first period of the new series (YYYY-MM, or YYYY for the survey)
    metrics: tuple[str, ...]  # the metrics it affects; empty: every metric of the dataset
    reason: str  # one line, as notes show it

    def affects(self, metric_id: str) -> bool:
        metric = METRICS.get(metric_id)
        in_dataset = metric is not None and metric.dataset == self.dataset
        return in_dataset and (not self.metrics or metric_id in self.metrics)

    @property
    def note(self) -> str:
        """The one line a table or chart prints under a series that crosses the break."""
        return f"Series break {self.period}: {self.reason}"


BREAKS: tuple[SeriesBreak, ...] = (
    SeriesBreak(
        "workforce",
        "2022-02",
        (),
        "NHS England revised the workforce collection's method and estimates from February "
        "2022; earlier months are not directly comparable.",
    ),
    SeriesBreak(
        "gpps",
        "2024",
        (),
        "the GP Patient Survey's new questionnaire and sampling from 2024 start a new series; "
        "earlier years are not comparable.",
    ),
    SeriesBreak(
        "telephony",
        "2026-06",
        ("calls_answered_rate",),
        "Cloud Based Telephony measures answered calls' waits by a new method (Calls Answered "
        "Metric) from June 2026; wait bands and answered rates before are not like for like.",
    ),
)
WAIT_BANDS = "telephony_wait_bands"  # the answered-calls-by-wait table, not a catalogue metric
BAND_BREAKS = {WAIT_BANDS: ("telephony", "2026-06")}


def practice_breaks(practice: str, first: str, last: str) -> list[SeriesBreak]:
    """A practice's mergers that break its series from `first` to `last`: a practice merged
    into it inside the series starts a new one (its list and activity jump); its own merger
    into another after `first` ends its series (the merger's month is then after `last`)."""
    out = []
    for m in mergers(practice):
        if m.successor == practice and first < m.period <= last:
            reason = (
                f"practice merger: {m.predecessor} merged into this practice from {m.period} "
                f"(ODS successor); from then its list and activity include {m.predecessor}'s."
            )
        elif m.predecessor == practice and first < m.period:
            reason = (
                f"merged into {m.successor} from {m.period} (ODS successor): this practice's "
                f"series ends there; its patients and activity continue in {m.successor}'s."
            )
        else:
            continue
        out.append(SeriesBreak(SUCCESSORS, m.period, (), reason))
    return out


def breaks_within(
    subject: str, first: str, last: str, practice: str | None = None
) -> list[SeriesBreak]:
    """The breaks inside a series from `first` to `last`: a dataset's (any of its metrics),
    a metric's, or the telephony wait-band table's; of a `practice`'s series, also its mergers
    (practice_breaks). A break at `first` is not inside it: the whole series is then the new
    one."""
    if first > last:
        first, last = last, first
    own = practice_breaks(practice, first, last) if practice else []

    def matches(b: SeriesBreak) -> bool:
        if subject == b.dataset:
            return True
        if subject in BAND_BREAKS:
            return BAND_BREAKS[subject] == (b.dataset, b.period)
        return b.affects(subject)

    return [b for b in BREAKS if matches(b) and first < b.period <= last] + own
