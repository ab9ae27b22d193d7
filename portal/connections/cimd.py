"""Client ID Metadata Documents: fetch a client's metadata from its client_id URL, safely.

SSRF rules: https only; the host must resolve only to public addresses (no loopback, private,
link-local, multicast, reserved or unspecified), and the connection goes to the address that
was checked (no second DNS lookup to rebind); no redirects. Against slow or hostile servers:
one deadline for the whole exchange (connect, TLS, every read), and reading stops past
MAX_BYTES. Every failure is a MetadataDocumentError whose message names the problem.
`allow_private=True` (tests only, via OAUTH_CIMD_ALLOW_PRIVATE) lifts the address rule and
allows http to loopback so a local fixture server can serve documents.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

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


def check_url(url: str, *, allow_private: bool = False) -> Target:
    """Validate the client_id URL and resolve it to one address that may be contacted."""
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
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise MetadataDocumentError("client_id host does not resolve") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise MetadataDocumentError("client_id host does not resolve")
    if not allow_private and not all(_public(a) for a in addresses):
        raise MetadataDocumentError("client_id host resolves to a non-public address")
    return Target(scheme, parts.hostname, port, addresses[0])


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by one shared deadline
    (httpcore's own per-operation timeouts are ignored)."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _remaining(self._deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _remaining(self._deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> _DeadlineStream:
        left = _remaining(self._deadline, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with one deadline for connect and all reads: per-read
    timeouts alone never end a server that trickles a byte a second."""

    def __init__(self, seconds: float):
        self._deadline = time.monotonic() + seconds
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = _remaining(self._deadline, httpcore.ConnectTimeout)
        stream = self._sockets.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)


def _remaining(deadline: float, timeout_error: type[Exception]) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise timeout_error("the deadline has passed")
    return left


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, allow_private: bool = False) -> dict:
    """GET the document at `url` within `timeout` seconds in all and at most MAX_BYTES, and
    return it parsed; checks it names itself as client_id."""
    target = check_url(url, allow_private=allow_private)
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
                network_backend=_DeadlineBackend(timeout),
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
