"""Template helpers: formatting and the synthetic-data banner, shared by every page."""

import math
from pathlib import Path

from portal.links import public_base_url
from portal.queries.datasets import any_synthetic
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
