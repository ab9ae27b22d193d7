"""Template helpers: formatting and the synthetic-data banner, shared by every page."""

import math
from pathlib import Path

from portal.links import public_base_url
from portal.queries.coverage import metric_coverage
from portal.queries.datasets import any_synthetic
from portal.series_breaks import breaks_within
from portal.sources import SOURCES, period_label

# Built by `make assets` (scripts/build_assets.py) from npm nhsuk-frontend and chart.js.
VENDOR = {
    "vendor_css": "vendor/nhsuk-frontend/nhsuk-frontend.min.css",
    "vendor_js": "vendor/nhsuk-frontend/nhsuk-frontend.min.js",
    "chart_js": "vendor/chart.js/chart.umd.min.js",
}


def init_app(app) -> None:
    static = Path(app.static_folder)
    vendor = {key: path if (static / path).exists() else None for key, path in VENDOR.items()}

    @app.context_processor
    def page_context():
        return {
            "synthetic_data": app.config.get("DEMO_DATA") or any_synthetic(),
            "public_base_url": public_base_url(),
            **vendor,
        }

    @app.template_global()
    def period_cadence(metric) -> str:
        """monthly | annual: how a metric's periods are written."""
        source = SOURCES.get(metric.dataset)
        return source.cadence if source else "monthly"

    @app.template_global()
    def series_breaks(metric_id: str, series, practice: str | None = None) -> list:
        """The series breaks inside a charted series (points with a period), for a note; of a
        practice's series, its mergers too."""
        periods = [p.period for p in series]
        if not periods:
            return []
        return breaks_within(metric_id, min(periods), max(periods), practice)

    @app.template_global()
    def publication_coverage(metric_id: str, period: str):
        """A figure's publication coverage where it is only part of England, else None."""
        found = metric_coverage(metric_id, period)
        return found if found is not None and found.partial else None

    @app.template_filter("number")
    def number(value, decimals: int = 0):
        if value is None:
            return "not available"
        return f"{value:,.{decimals}f}"

    @app.template_filter("period")
    def period(value: str, cadence: str = "monthly"):
        return period_label(value, cadence)

    @app.template_filter("enumerate_deciles")
    def enumerate_deciles(cuts):
        """The nine decile cut points as (label, value) rows."""
        return [(f"{(i + 1) * 10}th percentile", v) for i, v in enumerate(cuts)]

    @app.template_filter("log10")
    def log10(value: float) -> float:
        """For log-scaled chart axes (funnel plots' denominators)."""
        return math.log10(value)

    @app.template_filter("ordinal")
    def ordinal(value):
        if value is None:
            return "not ranked"
        n = int(round(value))
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
