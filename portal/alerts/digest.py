"""Each user's digest: for everything they follow, the new data, SPC special-cause signals and
threshold crossings not yet mailed to them, with figures from the query layer and links built
from PUBLIC_BASE_URL."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.alerts.watchlist import Target, resolve
from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.links import public_base_url, public_url
from portal.models import AlertSent, Watch
from portal.queries.areas import AREAS
from portal.queries.benchmarks import group_values, make_figure, practice_figure
from portal.queries.practices import get_practice
from portal.queries.saved_groups import latest_group_period, value_over
from portal.queries.trend import group_trend_chart, monthly_metrics, practice_trend_chart

TREND_MONTHS = 24


@dataclass(frozen=True)
class DigestItem:
    key: str  # what alert_sent records, so it is never mailed twice
    alert: str  # new_data | spc | threshold
    target_kind: str
    target_code: str
    target_name: str
    metric: str
    label: str
    period: str
    value: float | None
    display: str
    note: str
    url: str
    source: str


def headline_metrics() -> dict[str, Metric]:
    """The first catalogue metric of each dataset: what a new-data alert shows."""
    first: dict[str, Metric] = {}
    for metric in METRICS.values():
        first.setdefault(metric.dataset, metric)
    return first


def target_value(target: Target, metric: Metric, period: str) -> float | None:
    """The followed thing's value: the practice's stored figure, the PCN's or ICB's stored group
    value, or the saved group's ratio of sums, as every page shows them."""
    if target.kind == "practice":
        figure = practice_figure(target.code, metric.id, period)
        return figure.value if figure else None
    if target.kind in ("pcn", "icb"):
        found = group_values(metric, period, {target.kind: target.code})
        return found[0].value if found else None
    return value_over(metric, period, target.practices, target.code, target.name).value


def figure_url(target: Target, metric: Metric) -> str:
    if target.kind == "practice":
        area = next((a.slug for a in AREAS.values() if metric.dataset in a.datasets), None)
        if area:
            return public_url("practices.area", code=target.code, area=area)
        return public_url("practices.overview", code=target.code)
    if target.kind == "group":
        return public_url("saved_groups.detail", group_id=int(target.code), metric=metric.id)
    return f"{public_base_url()}/{target.kind}s/{target.code}"


def _item(alert, key, target, metric, period, value, note) -> DigestItem:
    return DigestItem(
        key=key, alert=alert, target_kind=target.kind, target_code=target.code,
        target_name=target.name, metric=metric.id, label=metric.label, period=period,
        value=value, display=format_value(metric, value), note=note,
        url=figure_url(target, metric), source=make_figure(metric, value, period).source,
    )  # fmt: skip


def items_for(watch: Watch) -> list[DigestItem]:
    """Everything this watch would alert about now (sent or not)."""
    target = resolve(watch.user_id, watch.kind, watch.code)
    if target is None or not target.practices:
        return []
    prefix = f"{watch.kind}:{target.code}"
    items: list[DigestItem] = []
    chosen = METRICS.get(watch.metric or "")
    if watch.new_data:
        for dataset, metric in headline_metrics().items():
            if chosen is not None and chosen.dataset == dataset:
                metric = chosen
            period = latest_group_period(metric.id, target.practices)
            value = target_value(target, metric, period) if period else None
            if value is not None:
                items.append(_item("new_data", f"new:{prefix}:{dataset}:{period}", target,
                                   metric, period, value, "New data"))  # fmt: skip
    if chosen is None:
        return items
    if watch.spc and chosen.id in monthly_metrics() and watch.kind != "group":
        if watch.kind == "practice":
            chart = practice_trend_chart(get_practice(target.code), chosen.id, TREND_MONTHS)
        else:
            chart = group_trend_chart(watch.kind, target.code, chosen.id, TREND_MONTHS)
        last = chart.points[-1] if chart and chart.points else None
        if last is not None and last.signals and last.value is not None:
            items.append(_item("spc", f"spc:{prefix}:{chosen.id}:{last.period}", target, chosen,
                               last.period, last.value,
                               f"SPC: {last.variation} ({', '.join(last.signals)})"))  # fmt: skip
    if watch.threshold is not None and watch.direction:
        period = latest_group_period(chosen.id, target.practices)
        value = target_value(target, chosen, period) if period else None
        crossed = value is not None and (
            value > watch.threshold if watch.direction == "above" else value < watch.threshold
        )
        if crossed:
            limit = format_value(chosen, watch.threshold)
            items.append(_item("threshold", f"threshold:{prefix}:{chosen.id}:{period}:"
                               f"{watch.direction}:{watch.threshold:g}", target, chosen, period,
                               value, f"Threshold: {watch.direction} {limit}"))  # fmt: skip
    return items


def sent_keys(user_id: int) -> set[str]:
    t = AlertSent.__table__
    return set(db.session.scalars(sa.select(t.c.key).where(t.c.user_id == user_id)))


def digest(user_id: int) -> list[DigestItem]:
    """The user's items not mailed before, each once, in the order of their watches."""
    done = sent_keys(user_id)
    out: dict[str, DigestItem] = {}
    for watch in db.session.scalars(
        sa.select(Watch).where(Watch.user_id == user_id).order_by(Watch.id)
    ):
        for item in items_for(watch):
            if item.key not in done and len(item.key) <= 200:
                out.setdefault(item.key, item)
    return list(out.values())
