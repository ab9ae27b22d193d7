"""HTTP for fetches: one client with a browser-like User-Agent, pages read whole, files streamed
to disk with a progress bar, their size checked against Content-Length and their sha256 taken."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from portal.fetch.publishers import user_agent

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
BLOCK = 1 << 20


class FetchError(Exception):
    """A page or file that could not be fetched; the message says where and why (`status`:
    the HTTP status, when the publisher answered)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Download:
    url: str
    path: Path
    sha256: str
    size: int

    def provenance(self) -> dict:
        """The columns of DatasetLoad that name where a load came from."""
        return {"source_url": self.url, "download_sha256": self.sha256, "download_bytes": self.size}


def client() -> httpx.Client:
    """Identity encoding, so the bytes counted are the bytes Content-Length declares."""
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    return httpx.Client(headers=headers, timeout=TIMEOUT, follow_redirects=True)


def get_page(http: httpx.Client, url: str) -> str:
    """An HTML page's text; a refusal, a missing page or an unreachable host is a FetchError."""
    try:
        response = http.get(url)
    except httpx.HTTPError as exc:
        raise failure(url, exc) from None
    refuse(response, url)
    return response.text


def download(http: httpx.Client, url: str, folder: Path, name: str) -> Download:
    """Stream `url` to `folder/name`: a cut-off or short body is an error and leaves no file."""
    target, part = folder / name, folder / f"{name}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with http.stream("GET", url) as response:
            refuse(response, url)
            if "text/html" in response.headers.get("content-type", ""):
                raise FetchError(
                    f"{url}: the publisher answered with a web page, not a data file "
                    "(a block page, or the file has moved)"
                )
            declared = response.headers.get("content-length")
            expected = int(declared) if declared and declared.isdigit() else None
            with open(part, "wb") as sink, _bar(name, expected) as advance:
                for block in response.iter_bytes(BLOCK):
                    sink.write(block)
                    digest.update(block)
                    size += len(block)
                    advance(len(block))
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise failure(url, exc) from None
    except FetchError:
        part.unlink(missing_ok=True)
        raise
    if expected is not None and size != expected:
        part.unlink(missing_ok=True)
        raise FetchError(f"{url}: the download is truncated: {size:,} of {expected:,} bytes")
    part.rename(target)
    return Download(url, target, digest.hexdigest(), size)


def refuse(response: httpx.Response, url: str) -> None:
    """An HTTP error status as a FetchError that says what it means for an operator."""
    status = response.status_code
    if status < 400:
        return
    if status == 403:
        raise FetchError(
            f"{url}: 403 Forbidden: the publisher refused the request (its firewall turns away "
            "some user agents and data-centre addresses; FETCH_USER_AGENT sets ours). Download "
            "the file in a browser and use `flask data load`",
            status,
        )
    reason = response.reason_phrase or "error"
    raise FetchError(f"{url}: HTTP {status} {reason}", status)


def failure(url: str, exc: httpx.HTTPError) -> FetchError:
    """A transport error (no connection, timeout, a body cut off) as a FetchError."""
    host = urlsplit(url).netloc
    if isinstance(exc, httpx.ConnectError):
        return FetchError(f"could not reach {host} ({exc}): is the host right and reachable?")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(f"{url}: timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(f"{url}: the download is truncated: the connection closed early ({exc})")
    return FetchError(f"{url}: {type(exc).__name__}: {exc}")


@contextmanager
def _bar(name: str, expected: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr for one file (`expected` bytes, when declared)."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(name, total=expected)
        yield lambda n: progress.advance(task, n)
