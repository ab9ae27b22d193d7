"""The audit trail shared by the MCP endpoint and the developer API (DESIGN.md §3): one row per
request, never argument free text (a search is kept as its length), never patient-level data."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from portal.clock import now
from portal.extensions import db
from portal.models import AuditEvent

log = logging.getLogger(__name__)
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_INSERT = AuditEvent.__table__.insert()  # a plain INSERT: no ORM unit of work per request


def known_name(value: str | None, known, category: str) -> str:
    """`value` when it is a name we define (a method, tool, route), else the category: text the
    caller chose is never stored."""
    return value if value in known else category


def write_event(
    *,
    surface: str,
    method: str,
    outcome: str,
    status: int,
    latency_ms: float,
    tool: str | None = None,
    user_id: int | None = None,
    connection_id: int | None = None,
    key_id: int | None = None,
    client_id: str | None = None,
    ods_codes: list[str] | None = None,
    query_length: int | None = None,
) -> None:
    """Write one row; a failure is logged and never changes the answer."""
    row = {
        "at": now(),
        "surface": surface,
        "user_id": user_id,
        "connection_id": connection_id,
        "key_id": key_id,
        "client_id": client_id[:300] if client_id else None,
        "method": method[:60],
        "tool": tool[:80] if tool else None,
        "ods_codes": ",".join(ods_codes or [])[:200] or None,
        "query_length": query_length,
        "outcome": outcome,
        "status": status,
        "latency_ms": round(latency_ms, 2),
    }
    try:
        _insert(row)
    except Exception:  # the audit must never turn an answer into a 500
        log.exception("could not write the %s audit row", surface)
        db.session.rollback()


def _insert(row: dict) -> None:
    """Commit the row with the request's transaction, which by now holds only reads, so it costs
    no extra round trip; pending ORM changes are dropped first and a failed transaction replaced,
    so nothing but the audit row is ever committed here."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.rollback()
    try:
        session.execute(_INSERT, row)
    except SQLAlchemyError:  # the request's transaction had failed: write in a fresh one
        session.rollback()
        session.execute(_INSERT, row)
    session.commit()
