"""Briefing HTML to PDF with headless Chromium (`chromium --headless --print-to-pdf`).

Why Chromium rather than WeasyPrint: the site is already checked in Debian Chromium (the browser
tests), so the PDF is the page exactly as that browser prints it with the same A4 print
stylesheet (@page size A4, the NHS.UK frontend CSS, inline SVG charts); it needs no new Python
package in production and no extra system libraries beyond the one `chromium` package CI
already installs. We call the binary directly, not through Playwright: Playwright is a dev
dependency and would add its Node driver to every gunicorn worker.

Production: each request starts one Chromium in its own temporary profile and process group
(about 1.5 s and 150-250 MB, freed when it exits, outside the gunicorn worker's memory), with
background networking off; the page is written to a temporary file whose stylesheets point at
the static folder on disk, so Chromium never calls back into this server (a sync worker cannot
answer itself). `PDF_RENDER_TIMEOUT` bounds it: on timeout the whole process group is killed.
At most `CONCURRENT_RENDERS` run at once per worker process. A missing Chromium
(`CHROMIUM_PATH`), a timeout, a crash or a busy worker raise PdfUnavailable, which the route
turns into a 503 that names the problem, never a 500.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

CONCURRENT_RENDERS = 2  # per process: each Chromium takes a CPU and ~200 MB while it runs
_slots = threading.BoundedSemaphore(CONCURRENT_RENDERS)
FLAGS = [
    "--headless",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--mute-audio",
    "--no-pdf-header-footer",
]


class PdfUnavailable(RuntimeError):
    """The PDF cannot be made now; `reason` says why in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def chromium_command(chromium: str, page: Path, pdf: Path, profile: Path) -> list[str]:
    """The command line: root (containers) cannot use Chromium's sandbox, anyone else keeps it."""
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
    return [
        chromium,
        *FLAGS,
        *sandbox,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]


def render_pdf(html: str, *, chromium: str, timeout: float) -> bytes:
    """The PDF Chromium prints of `html` (a whole document with its CSS inline)."""
    if not chromium or not Path(chromium).is_file() or not os.access(chromium, os.X_OK):
        log.error("briefing PDF: no Chromium at CHROMIUM_PATH=%r", chromium)
        raise PdfUnavailable("the PDF renderer (Chromium) is not installed on this server")
    if not _slots.acquire(timeout=timeout):
        raise PdfUnavailable("the server is busy making other PDFs; try again in a minute")
    try:
        with tempfile.TemporaryDirectory(prefix="haresign-pdf-") as tmp:
            folder = Path(tmp)
            page, pdf = folder / "briefing.html", folder / "briefing.pdf"
            page.write_text(html, encoding="utf-8")
            _run(chromium_command(chromium, page, pdf, folder / "profile"), timeout)
            if not pdf.is_file() or pdf.stat().st_size == 0:
                raise PdfUnavailable("the PDF renderer (Chromium) produced no PDF")
            return pdf.read_bytes()
    finally:
        _slots.release()


def _run(command: list[str], timeout: float) -> None:
    """Run Chromium in its own process group, killing the whole group on a timeout."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        log.error("briefing PDF: Chromium took longer than %s s", timeout)
        raise PdfUnavailable("the PDF took too long to make; try again later") from None
    if process.returncode != 0:
        log.error(
            "briefing PDF: Chromium exited %s: %s",
            process.returncode,
            stderr.decode(errors="replace")[-500:],
        )
        raise PdfUnavailable("the PDF renderer (Chromium) failed")
