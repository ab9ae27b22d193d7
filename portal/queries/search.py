"""Nationwide practice search by name, ODS code, postcode or town, ranked."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Practice

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50


class SearchError(ValueError):
    """A search that cannot be run, with a message fit to show the person who typed it."""


@dataclass(frozen=True)
class PracticeHit:
    code: str
    name: str
    town: str | None
    postcode: str | None
    status: str
    score: int


def clean_query(text: str | None) -> str:
    """Trim and check a search; empty or over-long searches get a specific message."""
    text = (text or "").strip()
    if not text:
        raise SearchError("Enter a practice name, ODS code, postcode or town")
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(f"Search terms must be {MAX_QUERY_LENGTH} characters or fewer")
    return text


def search_practices(text: str, limit: int = 20) -> list[PracticeHit]:
    """Practices in England matching every word of `text`, best first (open before closed)."""
    query = clean_query(text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    tokens = [t for t in re.split(r"[\s,]+", query.lower()) if t][:8]
    compact = re.sub(r"\s+", "", query.lower())
    t = Practice.__table__
    name, town = sa.func.lower(t.c.name), sa.func.lower(sa.func.coalesce(t.c.town, ""))
    postcode = sa.func.replace(sa.func.lower(sa.func.coalesce(t.c.postcode, "")), " ", "")
    code = sa.func.lower(t.c.code)

    def like(token: str) -> str:
        return "%" + token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    word_matches = [
        sa.or_(
            name.like(like(token), escape="\\"),
            town.like(like(token), escape="\\"),
            postcode.like(like(token), escape="\\"),
            code == token,
        )
        for token in tokens
    ]
    condition = sa.or_(sa.and_(*word_matches), postcode.like(like(compact), escape="\\"))
    rows = db.session.execute(
        sa.select(t.c.code, t.c.name, t.c.town, t.c.postcode, t.c.status)
        .where(t.c.is_england, condition)
        .limit(500)
    ).all()
    hits = [PracticeHit(*row, score=_score(row, query.lower(), compact)) for row in rows]
    hits.sort(key=lambda h: (-h.score, h.status != "active", h.name))
    return hits[:limit]


def _score(row, query: str, compact: str) -> int:
    """Exact code, then postcode, then name start, word start, anywhere; then town."""
    code, name, town, postcode, _ = (str(v or "").lower() for v in row)
    postcode = postcode.replace(" ", "")
    if code == compact:
        return 100
    if postcode == compact:
        return 90
    if postcode.startswith(compact) and len(compact) >= 2:
        return 80
    if name.startswith(query):
        return 70
    if re.search(rf"\b{re.escape(query)}", name):
        return 60
    if query in name:
        return 50
    if town.startswith(query):
        return 40
    return 10
