"""Chart.js, inlined into each view: the default MCP Apps CSP allows inline scripts only."""

from __future__ import annotations

import re
from pathlib import Path

import mcp_types as types  # the wire types alone, without the SDK's client and server

from portal.mcp.methods import RpcError

ROOT = Path(__file__).resolve().parents[3]
CHART_JS = ROOT / "node_modules" / "chart.js" / "dist" / "chart.umd.js"


class ChartJsMissing(RpcError):
    """The Chart.js bundle is not built (`make assets`): the view cannot be served."""

    def __init__(self, path: Path) -> None:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        super().__init__(
            types.INTERNAL_ERROR,
            f"ChartJsMissing: {shown} is not there; run `make assets`",
            outcome="error",
        )


def chart_js(path: Path | None = None) -> str:
    """The UMD bundle, safe inside <script>: no source-map fetch, no early `</script>`."""
    path = path or CHART_JS
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChartJsMissing(path) from None
    source = re.sub(r"^//# sourceMappingURL=.*$", "", source, flags=re.MULTILINE)
    return inline_script(source)


def inline_script(source: str) -> str:
    """JavaScript that cannot close its <script> element early."""
    return re.sub(r"</(script)", "<\\\\/\\1", source, flags=re.IGNORECASE)
