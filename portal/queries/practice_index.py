"""Every practice in England's search fields, normalised once per process and database, and
rebuilt when the practice list changes (a new ODS load, or practices added or removed)."""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import DatasetLoad, Practice

_APOSTROPHES = re.compile(r"['’‘`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"\bsaint\b")


def normalise(text: str | None) -> str:
    """Lower case, accents, apostrophes and punctuation gone, "&" as "and", "saint" as "st",
    "the" dropped (unless alone), single spaces: "The St. George's & Riverside" -> "st georges
    and riverside"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = _APOSTROPHES.sub("", text.casefold()).replace("&", " and ")
    words = _SAINT.sub("st", _SEPARATORS.sub(" ", text)).split()
    return " ".join([w for w in words if w != "the"] or words)


def compact(text: str | None) -> str:
    """A code or postcode without spaces or punctuation: "ls1 4ap" -> "ls14ap"."""
    return _SEPARATORS.sub("", (text or "").casefold())


@dataclass(frozen=True)
class PracticeEntry:
    code: str
    name: str
    town: str | None
    postcode: str | None
    status: str
    code_key: str  # compact code
    name_folded: str  # the name in lower case, as typed
    name_key: str  # normalised name
    name_words: str  # " " + normalised name, so " word" finds a word start
    town_key: str  # normalised town
    postcode_key: str  # compact postcode
    outward: str  # the postcode's outward code ("ls1" of "LS1 4AP")
    haystack: str  # every field above, space-separated: a word of a search is found in it


@dataclass(frozen=True)
class PracticeIndex:
    version: tuple
    entries: list[PracticeEntry]
    names: list[str]  # entries' name_key, in the same order (the fuzzy matcher's choices)
    towns: list[str]  # entries' town_key, in the same order
    words: list[str]  # every distinct word of the names and towns
    postings: dict[str, list[int]]  # a word -> positions of the entries whose name or town has it


_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> PracticeIndex
_building = threading.Lock()


def practice_index() -> PracticeIndex:
    """The current database's index, rebuilt when its version key has moved on."""
    version = _version()
    index = _indexes.get(db.engine)
    if index is not None and index.version == version:
        return index
    with _building:
        index = _indexes.get(db.engine)
        if index is None or index.version != version:
            index = _build(version)
            _indexes[db.engine] = index
    return index


def _version() -> tuple:
    """A cheap key that moves whenever the practice list may have: when the latest file was
    loaded (a reload replaces its provenance row, so not its id), and the number and highest
    code of practices."""
    t = Practice.__table__
    latest_load = sa.select(sa.func.max(DatasetLoad.loaded_at)).scalar_subquery()
    row = db.session.execute(
        sa.select(latest_load, sa.func.count(), sa.func.max(t.c.code)).select_from(t)
    ).one()
    return tuple(row)


def _build(version: tuple) -> PracticeIndex:
    t = Practice.__table__
    rows = db.session.execute(
        sa.select(t.c.code, t.c.name, t.c.town, t.c.postcode, t.c.status)
        .where(t.c.is_england)
        .order_by(t.c.code)
    ).all()
    entries = []
    for code, name, town, postcode, status in rows:
        name_key, town_key = normalise(name), normalise(town)
        code_key, postcode_key = compact(code), compact(postcode)
        entries.append(
            PracticeEntry(
                code=code,
                name=name,
                town=town,
                postcode=postcode,
                status=status,
                code_key=code_key,
                name_folded=name.casefold(),
                name_key=name_key,
                name_words=" " + name_key,
                town_key=town_key,
                postcode_key=postcode_key,
                outward=postcode_key[:-3] if len(postcode_key) >= 5 else postcode_key,
                haystack=" ".join([name_key, town_key, postcode_key, code_key]),
            )
        )
    postings: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        for word in set(entry.name_key.split()) | set(entry.town_key.split()):
            postings.setdefault(word, []).append(position)
    return PracticeIndex(
        version,
        entries,
        names=[e.name_key for e in entries],
        towns=[e.town_key for e in entries],
        words=list(postings),
        postings=postings,
    )
