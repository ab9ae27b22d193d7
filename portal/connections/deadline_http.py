"""An httpcore network backend with one deadline for a whole exchange (connect, TLS, every
write and read): httpcore's per-operation timeouts alone never end a server that trickles a
byte a second. Used by the client metadata document fetch (cimd.py)."""

from __future__ import annotations

import time

import httpcore


class DeadlineStream(httpcore.NetworkStream):
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

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> DeadlineStream:
        left = _remaining(self._deadline, httpcore.ConnectTimeout)
        return DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with one deadline for connect and all reads: per-read
    timeouts alone never end a server that trickles a byte a second."""

    def __init__(self, seconds: float):
        self._deadline = time.monotonic() + seconds
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = _remaining(self._deadline, httpcore.ConnectTimeout)
        stream = self._sockets.connect_tcp(host, port, left, local_address, socket_options)
        return DeadlineStream(stream, self._deadline)


def _remaining(deadline: float, timeout_error: type[Exception]) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise timeout_error("the deadline has passed")
    return left
