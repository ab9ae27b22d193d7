"""Client ID Metadata Documents: fetch a client's metadata from its client_id URL, safely.

SSRF rules: https only; the host must resolve only to public addresses (no loopback, private,
link-local, multicast, reserved or unspecified), and the connection goes to the address that
was checked (no second DNS lookup to rebind); no redirects. Against slow or hostile servers:
one deadline for the whole exchange (DNS lookup, connect, TLS, every read), and reading stops past
MAX_BYTES. Every failure is a MetadataDocumentError whose message names the problem.
`allow_private=True` (tests only, via OAUTH_CIMD_ALLOW_PRIVATE) lifts the address rule and
allows http to loopback so a local fixture server can serve documents.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_BYTES = 64 * 1024
TIMEOUT_SECONDS = 5.0  # the default of CIMD_FETCH_TIMEOUT


class MetadataDocumentError(ValueError):
    """The client_id URL or its document cannot be used; the message is safe to show."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str


def is_metadata_client_id(client_id: str) -> bool:
    """An https URL with a path is a Client ID Metadata Document client id."""
    parts = urlsplit(client_id)
    return parts.scheme == "https" and bool(parts.netloc) and parts.path not in ("", "/")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool = False, timeout: float | None = None) -> Target:
    """Validate the client_id URL and resolve it (within `timeout` seconds) to one address that
    may be contacted."""
    if len(url) > 2048:
        raise MetadataDocumentError("client_id URL is too long")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise MetadataDocumentError("client_id is not a valid URL") from exc
    scheme = parts.scheme
    if scheme != "https" and not (allow_private and scheme == "http"):
        raise MetadataDocumentError("client_id URL must use https")
    if not parts.hostname or parts.path in ("", "/") or parts.fragment:
        raise MetadataDocumentError("client_id URL must have a host and a path and no fragment")
    if parts.username or parts.password:
        raise MetadataDocumentError("client_id URL must not carry credentials")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = _resolve(parts.hostname, port, timeout)
    except (socket.gaierror, UnicodeError) as exc:
        raise MetadataDocumentError("client_id host does not resolve") from exc
    except TimeoutError as exc:
        raise MetadataDocumentError(f"client_id host did not resolve within {timeout:g} s") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise MetadataDocumentError("client_id host does not resolve")
    if not allow_private and not all(_public(a) for a in addresses):
        raise MetadataDocumentError("client_id host resolves to a non-public address")
    return Target(scheme, parts.hostname, port, addresses[0])


def _resolve(host: str, port: int, timeout: float | None) -> list:
    """getaddrinfo under a deadline: the system resolver's own timeouts may hold a worker far
    longer. A lookup past the deadline is left to finish in its thread, unused."""
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        lookup = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        return lookup.result(timeout)
    finally:
        pool.shutdown(wait=False)


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, allow_private: bool = False) -> dict:
    """GET the document at `url` within `timeout` seconds in all and at most MAX_BYTES, and
    return it parsed; checks it names itself as client_id."""
    import httpcore  # loaded on the first fetch, not at every start-up
    import httpx

    from portal.connections.deadline_http import DeadlineBackend

    began = time.monotonic()
    target = check_url(url, allow_private=allow_private, timeout=timeout)
    parts = urlsplit(url)
    address = f"[{target.address}]" if ":" in target.address else target.address
    direct = f"{target.scheme}://{address}:{target.port}{parts.path}"
    if parts.query:
        direct += "?" + parts.query
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    try:
        with (
            httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(),
                network_backend=DeadlineBackend(timeout - (time.monotonic() - began)),
            ) as pool,
            pool.stream(
                "GET",
                direct,
                headers={"Host": host_header, "Accept": "application/json"},
                extensions={"sni_hostname": target.host},
            ) as response,
        ):
            if response.status != 200:
                raise MetadataDocumentError(
                    f"client metadata document answered HTTP {response.status}"
                )
            body = bytearray()
            for chunk in response.iter_stream():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise MetadataDocumentError(
                        f"client metadata document is larger than {MAX_BYTES} bytes"
                    )
    except httpcore.TimeoutException as exc:
        raise MetadataDocumentError(
            f"client metadata document did not arrive within {timeout:g} s"
        ) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
        raise MetadataDocumentError("client metadata document could not be fetched") from exc
    try:
        document = json.loads(body)
    except RecursionError as exc:
        raise MetadataDocumentError("client metadata document is nested too deeply") from exc
    except ValueError as exc:
        raise MetadataDocumentError("client metadata document is not JSON") from exc
    if not isinstance(document, dict):
        raise MetadataDocumentError("client metadata document is not a JSON object")
    if document.get("client_id") != url:
        raise MetadataDocumentError("client metadata document names a different client_id")
    method = document.get("token_endpoint_auth_method", "none")
    if method != "none" or "client_secret" in document:
        raise MetadataDocumentError("metadata-document clients must be public (auth method none)")
    return document
