"""Per-caller rate limits (MCP connections, API keys, and Flask-Limiter's sign-in limits): the
seconds a caller must wait, if any.

Counters live where `RATELIMIT_STORAGE_URI` says (portal/config.py), shared by every worker and
app server by default: `database://` (the default without Redis) keeps fixed windows in the
`rate_limit_window` table, one atomic upsert per hit; a Redis URL keeps them in Redis through
limits. `memory://` (one process only) keeps them in this process: limits' memory storage would
start a timer thread for every 10 ms of traffic, which costs each request GIL switches.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import threading
import time

import sqlalchemy as sa
from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import RateLimitWindow

clock = time.time  # the one clock windows and Retry-After are read from (tests fix it)
SWEEP_EVERY = 1000  # hits in this process between deletions of ended windows
_hits = itertools.count(1)


def _key_hash(key: str) -> str:
    """Keys may hold an address or an email: the table keeps their hash, never the text."""
    return hashlib.sha256(key.encode()).hexdigest()


def count_hit(key: str, expiry: int, amount: int = 1) -> tuple[int, float]:
    """Count `amount` hits of `key` in the database, in one atomic upsert that starts a new
    window when the last one has ended: (hits in the window, when it ends in epoch seconds)."""
    moment = clock()
    table = RateLimitWindow.__table__
    insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert(table)
    ended = table.c.expires_at <= moment
    statement = (
        insert.values(key_hash=_key_hash(key), hits=amount, expires_at=moment + expiry)
        .on_conflict_do_update(
            index_elements=[table.c.key_hash],
            set_={
                "hits": sa.case((ended, amount), else_=table.c.hits + amount),
                "expires_at": sa.case(
                    (ended, insert.excluded.expires_at), else_=table.c.expires_at
                ),
            },
        )
        .returning(table.c.hits, table.c.expires_at)
    )
    with db.engine.begin() as connection:  # its own transaction: never held by the request's
        hits, end = connection.execute(statement).one()
        if next(_hits) % SWEEP_EVERY == 0:
            connection.execute(sa.delete(table).where(ended))
    return hits, end


class DatabaseStorage(Storage):
    """limits' storage over `count_hit`, so Flask-Limiter's counters are shared too."""

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def _window(self, key: str):
        table = RateLimitWindow.__table__
        return db.session.execute(
            sa.select(table.c.hits, table.c.expires_at).where(
                table.c.key_hash == _key_hash(key), table.c.expires_at > clock()
            )
        ).first()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return count_hit(key, expiry, amount)[0]

    def get(self, key: str) -> int:
        window = self._window(key)
        return window.hits if window else 0

    def get_expiry(self, key: str) -> float:
        window = self._window(key)
        return window.expires_at if window else clock()

    def check(self) -> bool:
        return db.session.execute(sa.text("SELECT 1")).scalar() == 1

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(sa.delete(RateLimitWindow.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimitWindow.__table__
        with db.engine.begin() as connection:
            connection.execute(sa.delete(table).where(table.c.key_hash == _key_hash(key)))


class ProcessWindows:
    """Fixed windows in this process, each starting at a key's first hit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, hits)

    def hit(self, item: RateLimitItem, key: str) -> float | None:
        """Count one hit; None when allowed, else when the window ends (epoch seconds)."""
        moment = clock()
        with self._lock:
            end, hits = self._windows.get(key, (0.0, 0))
            if end <= moment:
                end, hits = moment + item.get_expiry(), 0
            if hits >= item.amount:
                return end
            self._windows[key] = (end, hits + 1)
        return None


class DatabaseWindows:
    """Fixed windows in the database: one statement per hit."""

    def hit(self, item: RateLimitItem, key: str) -> float | None:
        hits, end = count_hit(key, item.get_expiry())
        return None if hits <= item.amount else end


class SharedWindows:
    """Fixed windows in a shared storage (Redis), through limits."""

    def __init__(self, uri: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri))

    def hit(self, item: RateLimitItem, key: str) -> float | None:
        if self._limiter.hit(item, "rate", key):
            return None
        return self._limiter.get_window_stats(item, "rate", key)[0]


def _windows() -> ProcessWindows | DatabaseWindows | SharedWindows:
    ext = current_app.extensions
    if "rate_windows" not in ext:
        uri = current_app.config["RATELIMIT_STORAGE_URI"]
        if uri == "memory://":
            ext["rate_windows"] = ProcessWindows()
        elif uri == "database://":
            ext["rate_windows"] = DatabaseWindows()
        else:
            ext["rate_windows"] = SharedWindows(uri)
    return ext["rate_windows"]


def retry_after(scope: str, key: str, limit: str) -> int | None:
    """Count one request of `key` within `scope` against `limit` (e.g. "120 per minute");
    None when allowed, else the whole seconds until its window ends."""
    reset = _windows().hit(parse(limit), f"{scope}:{key}")
    if reset is None:
        return None
    return max(1, math.ceil(reset - clock()))
