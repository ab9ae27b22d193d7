"""The API's dataset, metric and benchmark routes: what is loaded and its figures, the metric
catalogue, and a practice's figure beside its groups."""

from __future__ import annotations

from dataclasses import replace

from portal.access import public_practice
from portal.api.common_params import (
    DATASET_PATH,
    METRIC_FILTER,
    METRIC_PATH,
    ORGANISATION_FILTERS,
    PERIOD,
    PRACTICE_FILTER,
)
from portal.api.errors import ApiError
from portal.api.responses import page_of
from portal.api.routes import Route
from portal.catalogue import METRICS, Metric
from portal.queries.benchmarks import benchmark_or_national, practice_benchmark
from portal.queries.datasets import LoadedDataset, loaded_datasets
from portal.queries.figures import PracticeFigure, metrics_of, practice_figures
from portal.queries.organisations import LEVELS
from portal.queries.types import Benchmark

FIGURE_FILTERS = (PRACTICE_FILTER, *ORGANISATION_FILTERS, PERIOD)


def datasets(user, offset: int, limit: int) -> tuple[int, list[LoadedDataset]]:
    return page_of(loaded_datasets(), offset, limit)


def dataset_figures(user, dataset: str, offset: int, limit: int, **filters):
    metric = filters.pop("metric", None)
    metric_ids = metrics_of(dataset)
    if metric is not None:
        if metric not in metric_ids:
            raise ApiError(400, f"metric: {metric} is not a metric of {dataset}", "metric")
        metric_ids = [metric]
    practice = filters.pop("practice", None)
    if practice is not None:
        practice = public_practice(user, practice, "api").code
    period = filters.pop("period", None)
    return practice_figures(
        metric_ids, filters, practice=practice, period=period, offset=offset, limit=limit
    )


def metrics(user, offset: int, limit: int) -> tuple[int, list[Metric]]:
    return page_of(list(METRICS.values()), offset, limit)


def metric_detail(user, metric: str) -> Metric:
    return METRICS[metric]


def benchmark(user, metric: str, practice: str, period: str | None = None) -> Benchmark | None:
    """As `get_benchmark` on MCP: without a period, a practice with no figure still gets the
    metric's latest national distribution and group values."""
    found = public_practice(user, practice, "api")
    return (
        practice_benchmark(found, metric, period)
        if period
        else benchmark_or_national(found, metric)
    )


ROUTES = [
    Route(
        "/datasets",
        "list_datasets",
        "Figures",
        "The datasets loaded: how many periods, the latest, and whether synthetic",
        datasets,
        LoadedDataset,
        paginated=True,
    ),
    Route(
        "/datasets/{dataset}/figures",
        "get_dataset_figures",
        "Figures",
        "Practice figures of one dataset's metrics, filtered",
        dataset_figures,
        PracticeFigure,
        (DATASET_PATH, METRIC_FILTER, *FIGURE_FILTERS),
        paginated=True,
        may_not_find=True,
        one_of_required=("practice", *LEVELS, "period"),
        description="One row per practice, metric and period, ordered that way; every figure "
        "names its period, its source publication and whether it is synthetic.",
    ),
    Route(
        "/metrics",
        "list_metrics",
        "Metrics",
        "The metric catalogue: every metric's definition, unit, polarity and caveats",
        metrics,
        Metric,
        paginated=True,
    ),
    Route(
        "/metrics/{metric}",
        "get_metric",
        "Metrics",
        "One metric's definition",
        metric_detail,
        Metric,
        (METRIC_PATH,),
        may_not_find=True,
    ),
    Route(
        "/benchmarks/{metric}",
        "get_benchmark",
        "Figures",
        "A practice's figure beside its PCN, sub-ICB, ICB, region and England, and its national "
        "percentile",
        benchmark,
        Benchmark,
        (METRIC_PATH, replace(PRACTICE_FILTER, required=True), PERIOD),
        may_not_find=True,
        description="The practice's latest period unless `period` is given.",
    ),
]
