"""The audit row joins the request's transaction, yet is written after a failed query and never
commits anything else the request left pending."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from portal.audit import write_event
from portal.clock import now
from portal.extensions import db
from portal.models import AuditEvent, User


def _write(method: str) -> None:
    write_event(surface="mcp", method=method, outcome="ok", status=200, latency_ms=1.5)


def _rows() -> list[tuple]:
    return db.session.execute(
        sa.select(AuditEvent.surface, AuditEvent.method, AuditEvent.status, AuditEvent.latency_ms)
    ).all()


def test_the_row_is_written_after_a_failed_query(app):
    with app.app_context():
        # a handler that swallowed a database error (PostgreSQL aborts the transaction)
        with contextlib.suppress(sa.exc.DBAPIError):
            db.session.execute(sa.text("SELECT no_such_column FROM no_such_table"))
        _write("tools/call")
        db.session.remove()
        assert _rows() == [("mcp", "tools/call", 200, 1.5)]


def test_pending_changes_are_not_committed_with_the_row(app):
    with app.app_context():
        db.session.add(User(email="stray@example.org", password_hash="x", created_at=now()))
        _write("ping")
        db.session.remove()
        assert _rows() == [("mcp", "ping", 200, 1.5)]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
