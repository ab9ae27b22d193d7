"""One refresh at a time, across processes: on PostgreSQL a session advisory lock (across
hosts too), on SQLite an flock on a file in the instance folder named for the database. Both
go with the process that holds them, so a killed refresh leaves no stale lock."""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db

ADVISORY_KEY = 0x4841_5245_5349_474E  # "HARESIGN" in ASCII: the refresh lock's id


class RefreshRunning(Exception):
    """Another refresh holds the lock."""


@contextmanager
def refresh_lock() -> Iterator[None]:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}):
                raise RefreshRunning("another refresh is running (PostgreSQL advisory lock)")
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
        return
    path = lock_file()
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshRunning(f"another refresh is running (lock file {path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_file() -> Path:
    """instance/data-refresh-<database>.lock: refreshes of different databases do not block."""
    url = str(db.engine.url)
    folder = Path(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"data-refresh-{hashlib.sha256(url.encode()).hexdigest()[:12]}.lock"
