"""One row per MCP or API request: who, through what, which method or tool, which practices,
the outcome and how long it took. Never argument free text (a search is stored as its length)
and never patient-level data."""

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

SURFACES = ("mcp", "api")
OUTCOMES = (
    "ok",  # answered
    "tool_error",  # a tool result with isError (bad argument, no data)
    "not_found",  # missing or forbidden practice: the generic answer
    "invalid",  # protocol error (bad JSON-RPC, unknown method, bad params)
    "unauthorised",  # no, expired, revoked or wrong-audience token / key
    "rate_limited",
    "error",  # our fault
)


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    surface: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    connection_id: Mapped[int | None] = mapped_column(Integer, index=True)  # MCP: OAuth connection
    key_id: Mapped[int | None] = mapped_column(Integer, index=True)  # API: bearer key
    client_id: Mapped[str | None] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(60))  # JSON-RPC method, or "GET /route/{x}"
    tool: Mapped[str | None] = mapped_column(String(80))  # tool, resource, prompt or "unknown_…"
    ods_codes: Mapped[str | None] = mapped_column(String(200))  # comma-separated, as touched
    query_length: Mapped[int | None] = mapped_column(Integer)  # free text: its length only
    outcome: Mapped[str] = mapped_column(String(20))
    status: Mapped[int] = mapped_column(Integer)  # HTTP status
    latency_ms: Mapped[float] = mapped_column(Float)
