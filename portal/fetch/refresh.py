"""`flask data refresh`: every fetchable dataset's editions newer than what is loaded (and a
check of the newest loaded one for a republication), in dependency order, each load its own
transaction, under the refresh lock."""

from __future__ import annotations

from collections.abc import Callable

from portal.fetch.download import FetchError, client
from portal.fetch.editions import CURRENT, REFERENCE, listed_periods
from portal.fetch.loading import FAILED, Outcome, fetch, latest_loaded
from portal.ingest.base import Progress

# ODS first (the practices every figure hangs on; mergers name two of them), then list sizes
# (rates per 1,000), the rest
ORDER = ("ods-practices", "ods-pcns", "ods-successors", "patients-registered", "gpad",
         "online-consultations", "telephony", "workforce", "payments", "qof-prevalence",
         "qof-achievement", "gpps")  # fmt: skip


def plan(dataset: str) -> list[str]:
    """The periods to fetch: ODS's current list; for a series, the newest loaded period (a
    republication check) and every listed one after it, or the newest alone if none is."""
    if dataset in REFERENCE:
        return [CURRENT]
    with client() as http:
        listed = listed_periods(http, dataset)
    latest = latest_loaded(dataset)
    if latest is None:
        return listed[-1:]
    return [period for period in listed if period >= latest]


def refresh(
    *,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    announce: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Every dataset in ORDER; a failing one does not stop the others."""
    outcomes = []
    for dataset in ORDER:
        try:
            periods = plan(dataset)
        except FetchError as exc:
            outcomes.append(Outcome(dataset, "latest", FAILED, str(exc)))
            announce(outcomes[-1])
            continue
        for period in periods:
            outcomes.append(fetch(dataset, period, force=force, dry_run=dry_run, progress=progress))
            announce(outcomes[-1])
    return outcomes
