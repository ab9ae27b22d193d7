"""Template helpers: formatting and the synthetic-data banner, shared by every page."""

from pathlib import Path

from portal.queries.datasets import any_synthetic
from portal.sources import period_label

VENDOR_CSS = "vendor/nhsuk-frontend/nhsuk-frontend.min.css"


def init_app(app) -> None:
    vendor_css = VENDOR_CSS if (Path(app.static_folder) / VENDOR_CSS).exists() else None

    @app.context_processor
    def page_context():
        return {
            "synthetic_data": app.config.get("DEMO_DATA") or any_synthetic(),
            "vendor_css": vendor_css,
        }

    @app.template_filter("number")
    def number(value, decimals: int = 0):
        if value is None:
            return "not available"
        return f"{value:,.{decimals}f}"

    @app.template_filter("period")
    def period(value: str, cadence: str = "monthly"):
        return period_label(value, cadence)

    @app.template_filter("ordinal")
    def ordinal(value):
        if value is None:
            return "not ranked"
        n = int(round(value))
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
