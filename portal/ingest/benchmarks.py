"""Recompute a metric's practice ranks, group values and national distribution for one period.

Called inside each load's transaction, so reads are index lookups and always match the facts.
A practice is in the national distribution (in_distribution) when it is open, in England and has
a valid figure; it is ranked (a percentile, and counted in the distribution's statistics) only
when its figure also passes the small-numbers rule (portal/statistics/small_numbers.py).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.catalogue import METRICS
from portal.ingest.base import bulk_insert
from portal.models import GroupMetric, Icb, MetricDistribution, Practice, PracticeMetric, SubIcb
from portal.models.organisations import ENGLAND, LEVELS
from portal.statistics import small_numbers


def practice_hierarchy(conn: Connection) -> pd.DataFrame:
    """Each practice with its open status and its PCN, sub-ICB, ICB and region codes."""
    p, s, i = Practice.__table__, SubIcb.__table__, Icb.__table__
    query = (
        sa.select(
            p.c.code.label("practice_code"),
            p.c.status,
            p.c.is_england,
            p.c.pcn_code.label("pcn"),
            p.c.sub_icb_code.label("sub_icb"),
            s.c.icb_code.label("icb"),
            i.c.region_code.label("region"),
        )
        .select_from(p)
        .outerjoin(s, s.c.code == p.c.sub_icb_code)
        .outerjoin(i, i.c.code == s.c.icb_code)
    )
    rows = [tuple(row) for row in conn.execute(query)]  # plain tuples: much faster to frame
    return pd.DataFrame.from_records(rows, columns=list(query.selected_columns.keys()))


def recompute(
    conn: Connection,
    metric_id: str,
    period: str,
    values: pd.DataFrame,
    hierarchy: pd.DataFrame | None = None,
    shared: pd.DataFrame | None = None,
) -> None:
    """Store practice values, ranks, group values and the distribution for one metric-period.

    `values` has practice_code and either value (sum metrics) or numerator and denominator.
    `shared`: figures counted at group levels only (telephony's shared phone accounts), with
    pcn, sub_icb, icb and region codes (None where not filled) and the same value columns.
    """
    metric = METRICS[metric_id]
    if metric.aggregation == "sum":
        numerator = _floats(values["value"])
        denominator = np.full(len(values), np.nan)
        valid = ~np.isnan(numerator)
        value = numerator
    else:
        numerator, denominator = _floats(values["numerator"]), _floats(values["denominator"])
        valid = ~np.isnan(numerator) & (np.nan_to_num(denominator) > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(valid, numerator / denominator * metric.scale, np.nan)

    if hierarchy is None:  # loads recomputing many metrics pass it in, read once
        hierarchy = practice_hierarchy(conn)
    frame = hierarchy.set_index("practice_code").reindex(values["practice_code"]).reset_index()
    is_england = frame["is_england"].fillna(True).to_numpy(dtype=bool)
    in_dist = valid & (frame["status"] == "active").to_numpy() & is_england
    ranked = in_dist & ~small_numbers.too_few(metric, numerator, denominator)
    percentile = np.full(len(frame), np.nan)
    percentile[ranked] = pd.Series(value[ranked]).rank(method="average", pct=True) * 100
    frame = frame.assign(value=value, numerator=numerator, denominator=denominator)

    _replace(conn, PracticeMetric.__table__, metric_id, period)
    bulk_insert(
        conn,
        PracticeMetric.__table__,
        frame[["practice_code", "value", "numerator", "denominator"]].assign(
            metric=metric_id,
            period=period,
            percentile=percentile,
            in_distribution=in_dist.astype(int),
        ),
    )

    _replace(conn, GroupMetric.__table__, metric_id, period)
    groups = _groups(frame[valid & is_england], metric, period)
    if shared is not None and len(shared):
        groups = _add_shared(groups, shared, metric, period)
    bulk_insert(conn, GroupMetric.__table__, groups)

    _replace(conn, MetricDistribution.__table__, metric_id, period)
    included = pd.Series(value[ranked])
    deciles = included.quantile([i / 10 for i in range(1, 10)]).tolist() if len(included) else []
    distribution = pd.DataFrame(
        [
            {
                "metric": metric_id,
                "period": period,
                "n": int(len(included)),
                "excluded": int(len(frame) - len(included)),
                "median": float(included.median()) if len(included) else None,
                "q1": float(included.quantile(0.25)) if len(included) else None,
                "q3": float(included.quantile(0.75)) if len(included) else None,
                "deciles": json.dumps(deciles),
                "minimum": float(included.min()) if len(included) else None,
                "maximum": float(included.max()) if len(included) else None,
            }
        ]
    )
    bulk_insert(conn, MetricDistribution.__table__, distribution)


def _floats(column: pd.Series) -> np.ndarray:
    """A column of numbers as floats, missing as NaN."""
    return column.to_numpy(dtype=float, na_value=np.nan)


def _groups(frame: pd.DataFrame, metric, period: str) -> pd.DataFrame:
    """Ratio of sums (or plain sums) for every organisation level, with practice count and median."""
    numbers = {column: _floats(frame[column]) for column in ("numerator", "denominator", "value")}
    parts = []
    for level in LEVELS:
        if level == "england":
            keys = np.full(len(frame), ENGLAND, dtype=object)
        else:
            keys = frame[level].to_numpy(dtype=object, na_value=None)
        groups, codes = pd.factorize(keys, sort=True)  # no code: -1, left out
        present = groups >= 0
        summary = _group_stats(groups[present], len(codes), numbers, present)
        summary["code"] = codes
        summary["level"] = level
        parts.append(summary)
    result = pd.concat(parts, ignore_index=True)
    if metric.aggregation == "sum":
        result["value"] = result["numerator"]
        result["denominator"] = None
    else:
        den = result["denominator"]
        result["value"] = (result["numerator"] / den * metric.scale).where(den > 0)
    result["metric"] = metric.id
    result["period"] = period
    return result[
        [
            "metric",
            "period",
            "level",
            "code",
            "value",
            "numerator",
            "denominator",
            "practices",
            "mean_per_practice",
            "median",
        ]
    ]


def _add_shared(groups: pd.DataFrame, shared: pd.DataFrame, metric, period: str) -> pd.DataFrame:
    """Group rows with the shared figures added to their sums at every level their codes fill
    (a group with only shared figures gets a row with no practices); values recomputed. The
    shared rows are few, so plain Python over them is quicker than a groupby."""
    sum_metric = metric.aggregation == "sum"
    numerator = _floats(shared["value" if sum_metric else "numerator"])
    denominator = np.zeros(len(shared)) if sum_metric else _floats(shared["denominator"])
    valid = ~np.isnan(numerator) & (sum_metric | (np.nan_to_num(denominator) > 0))
    extra: dict[tuple[str, str], list[float]] = {}
    for level in LEVELS:
        codes = [ENGLAND] * len(shared) if level == "england" else shared[level].tolist()
        for code, num, den, ok in zip(codes, numerator, denominator, valid, strict=True):
            if ok and isinstance(code, str):
                sums = extra.setdefault((level, code), [0.0, 0.0])
                sums[0] += num
                sums[1] += den
    if not extra:
        return groups
    groups = groups.reset_index(drop=True)
    where = {key: i for i, key in enumerate(zip(groups["level"], groups["code"], strict=True))}
    new = [key for key in extra if key not in where]
    if new:
        rows = pd.DataFrame({"level": [k[0] for k in new], "code": [k[1] for k in new]})
        rows = rows.assign(metric=metric.id, period=period, practices=0, numerator=0.0)
        groups = pd.concat([groups, rows.assign(denominator=0.0)], ignore_index=True)
        where.update({key: len(groups) - len(new) + i for i, key in enumerate(new)})
    numerators = groups["numerator"].to_numpy(dtype=float, na_value=0.0).copy()
    denominators = groups["denominator"].to_numpy(dtype=float, na_value=0.0).copy()
    for key, (num, den) in extra.items():
        numerators[where[key]] += num
        denominators[where[key]] += den
    groups["numerator"] = numerators
    if sum_metric:
        groups["value"], groups["denominator"] = numerators, None
    else:
        groups["denominator"] = denominators
        with np.errstate(invalid="ignore", divide="ignore"):
            value = numerators / denominators * metric.scale
        groups["value"] = np.where(denominators > 0, value, np.nan)
    groups["practices"] = groups["practices"].astype(int)
    return groups


def _group_stats(groups: np.ndarray, size: int, numbers: dict, present: np.ndarray) -> pd.DataFrame:
    """Per group (0..size-1): sums of numerator and denominator (missing adds nothing), rows,
    and the mean and median of the practices' values, with numpy rather than a groupby."""
    numerator, denominator, value = (
        numbers[c][present] for c in ("numerator", "denominator", "value")
    )
    shown = ~np.isnan(value)
    counts = np.bincount(groups[shown], minlength=size)
    totals = np.bincount(groups[shown], weights=value[shown], minlength=size)
    ordered = value[shown][np.lexsort((value[shown], groups[shown]))]
    starts = np.cumsum(counts) - counts
    middle = np.clip(
        [starts + (counts - 1) // 2, starts + counts // 2], 0, max(len(ordered) - 1, 0)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        median = (ordered[middle[0]] + ordered[middle[1]]) / 2 if len(ordered) else np.nan
        return pd.DataFrame(
            {
                "numerator": np.bincount(groups, weights=np.nan_to_num(numerator), minlength=size),
                "denominator": np.bincount(
                    groups, weights=np.nan_to_num(denominator), minlength=size
                ),
                "practices": np.bincount(groups, minlength=size),
                "median": np.where(counts > 0, median, np.nan),
                "mean_per_practice": np.where(counts > 0, totals / counts, np.nan),
            }
        )


def _replace(conn: Connection, table: sa.Table, metric_id: str, period: str) -> None:
    conn.execute(table.delete().where(table.c.metric == metric_id, table.c.period == period))


def refresh_all(conn: Connection) -> None:
    """Recompute every stored metric-period from its stored numerators, after the hierarchy changes."""
    table = PracticeMetric.__table__
    pairs = conn.execute(sa.select(table.c.metric, table.c.period).distinct()).all()
    for metric_id, period in pairs:
        if metric_id not in METRICS:
            continue
        if METRICS[metric_id].dataset == "telephony":  # its group sums add shared accounts
            from portal.ingest import telephony  # imports this module

            telephony.recompute_metric(conn, metric_id, period)
            continue
        rows = conn.execute(
            sa.select(
                table.c.practice_code, table.c.value, table.c.numerator, table.c.denominator
            ).where(table.c.metric == metric_id, table.c.period == period)
        ).all()
        values = pd.DataFrame(rows, columns=["practice_code", "value", "numerator", "denominator"])
        recompute(conn, metric_id, period, values)
