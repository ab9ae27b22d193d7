"""Nationwide practice search by name, ODS code, postcode or town: tolerant of case,
punctuation and typing slips, best match first, the same on every database."""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from portal.extensions import db
from portal.models import Icb, Pcn
from portal.queries.practice_index import (
    PracticeEntry,
    PracticeIndex,
    compact,
    normalise,
    practice_index,
)

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50
MAX_WORDS = 8
FUZZY_MIN_LENGTH = 4  # shorter text is a prefix being typed, not a misspelling
FUZZY_CUTOFF = 70  # rapidfuzz WRatio of the search and a name, 0-100
WORD_MIN_LENGTH = 3  # shorter words of a search do not pick names to compare
WORD_CUTOFF = 75  # rapidfuzz ratio of a word of the search and a word of a name
CLOSE_SCORES = (20, 39)  # a close spelling's score, from FUZZY_CUTOFF up to 100 similarity
ANY_WORD_SCORE = 10  # every word somewhere in the name, town, postcode or code
CODE_PREFIX = re.compile(r"[a-z]\d{1,5}")
POSTCODE_START = re.compile(r"[a-z]{1,2}\d[a-z\d]?")  # an outward code
SPACED_POSTCODE = re.compile(r"([a-z]{1,2}\d[a-z\d]?) (\d[a-z]{0,2})")  # "ls1 4", "ls1 4ap"


class SearchError(ValueError):
    """A search that cannot be run, with a message fit to show the person who typed it."""


@dataclass(frozen=True)
class PracticeHit:
    code: str
    name: str
    town: str | None
    postcode: str | None
    status: str
    score: int  # 100 exact code ... 40 town; 20-39 a close spelling of the name; 10 every word


def clean_query(text: str | None) -> str:
    """Trim and check a search; empty or over-long searches get a specific message."""
    text = (text or "").strip()
    if not text:
        raise SearchError("Enter a practice name, ODS code, postcode or town")
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(f"Search terms must be {MAX_QUERY_LENGTH} characters or fewer")
    return text


@dataclass(frozen=True)
class _Query:
    raw: str  # as typed, lower case
    text: str  # normalised
    words: list[str]
    joined: str  # without spaces or punctuation, for codes and postcodes
    spaced_outward: str | None  # "ls1" of "ls1 4": an outward code then the inward's start


def search_practices(text: str, limit: int = 20) -> list[PracticeHit]:
    """Practices in England matching `text`, best first: code (exact, start), postcode
    (exact, outward code, start), name (exact, start, every word starting a word, anywhere),
    town; then names spelt nearly so; then every word found anywhere. Open practices come
    before closed ones within each kind of match."""
    raw = clean_query(text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    normalised = normalise(raw)
    if not normalised:
        return []
    spaced = SPACED_POSTCODE.fullmatch(normalised)
    query = _Query(
        raw=raw.casefold(),
        text=normalised,
        words=normalised.split()[:MAX_WORDS],
        joined=compact(raw),
        spaced_outward=spaced.group(1) if spaced else None,
    )
    index = practice_index()
    remaining = index.entries
    for word in query.words:
        remaining = [e for e in remaining if word in e.haystack]
    hits: list[PracticeHit] = []
    for score, matches, order in _tiers(query):
        if len(hits) >= limit or not remaining:
            break
        found = [e for e in remaining if matches(e)]
        if found:
            hits += _best(found, score, order, limit - len(hits))
            taken = {id(e) for e in found}
            remaining = [e for e in remaining if id(e) not in taken]
    if len(hits) < limit and len(query.joined) >= FUZZY_MIN_LENGTH:
        hits += _close_spellings(index, query, {h.code for h in hits}, limit - len(hits))
    if len(hits) < limit and remaining:
        shown = {h.code for h in hits}
        rest = [e for e in remaining if e.code not in shown]
        hits += _best(rest, ANY_WORD_SCORE, _by_name(query), limit - len(hits))
    return hits[:limit]


Order = Callable[[PracticeEntry], tuple]


def _tiers(query: _Query) -> Iterator[tuple[int, Callable[[PracticeEntry], bool], Order]]:
    """(score, test, order within) from the best kind of match down; each entry takes the
    first it passes. Every entry tested already holds every word of the search somewhere."""
    joined, text, words = query.joined, query.text, query.words
    by_name = _by_name(query)
    yield 100, lambda e: e.code_key == joined, by_name
    if CODE_PREFIX.fullmatch(joined):
        yield 95, lambda e: e.code_key.startswith(joined), _by_code
    if POSTCODE_START.match(joined):
        yield 90, lambda e: e.postcode_key == joined, by_name
        if query.spaced_outward:
            outward = query.spaced_outward
            yield (
                85,
                lambda e: e.outward == outward and e.postcode_key.startswith(joined),
                _by_postcode,
            )
        elif POSTCODE_START.fullmatch(joined):
            yield 85, lambda e: e.outward == joined, _by_postcode
        yield 80, lambda e: e.postcode_key.startswith(joined), _by_postcode
    yield 75, lambda e: e.name_key == text, by_name
    yield 70, lambda e: e.name_key.startswith(text), by_name
    starts = [" " + word for word in words]
    yield 60, lambda e: all(start in e.name_words for start in starts), by_name
    yield 50, lambda e: text in e.name_key, by_name
    yield 40, lambda e: e.town_key.startswith(text), by_name


def _by_name(query: _Query) -> Order:
    """Closeness of the name to the search (normalised, then as typed), then name and code."""
    return lambda e: (
        -fuzz.ratio(query.text, e.name_key),
        -fuzz.ratio(query.raw, e.name_folded),
        e.name,
        e.code,
    )


def _by_code(entry: PracticeEntry) -> tuple:
    return (entry.code,)


def _by_postcode(entry: PracticeEntry) -> tuple:
    return (entry.postcode_key, entry.code)


def _close_spellings(
    index: PracticeIndex, query: _Query, found: set[str], wanted: int
) -> list[PracticeHit]:
    """Practices whose name or town is spelt nearly as the search (rapidfuzz WRatio), scored
    between the town and any-word matches. Only practices sharing the most words with the
    search (each spelt nearly so, or begun) are compared: a handful rather than every one."""
    shared: Counter[int] = Counter()
    for word in set(query.words):
        if len(word) < WORD_MIN_LENGTH:
            continue
        close = process.extract(
            word, index.words, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None
        )
        near = {w for w, _, _ in close} | {w for w in index.words if w.startswith(word)}
        shared.update({position for w in near for position in index.postings[w]})
    most = max(shared.values(), default=0)
    chosen = [p for p, n in shared.items() if n == most]
    best: dict[int, float] = {}
    for field in (index.names, index.towns):
        for _, similarity, position in process.extract(
            query.text,
            {p: field[p] for p in chosen},
            scorer=fuzz.WRatio,
            score_cutoff=FUZZY_CUTOFF,
            limit=None,
        ):
            best[position] = max(similarity, best.get(position, 0))
    by_score: dict[int, list[PracticeEntry]] = {}
    for position, similarity in best.items():
        entry = index.entries[position]
        if entry.code not in found:
            score = CLOSE_SCORES[0] + int(similarity - FUZZY_CUTOFF) * (
                CLOSE_SCORES[1] - CLOSE_SCORES[0]
            ) // (100 - FUZZY_CUTOFF)
            by_score.setdefault(score, []).append(entry)
    hits: list[PracticeHit] = []
    for score in sorted(by_score, reverse=True):
        hits += _best(by_score[score], score, _by_name(query), wanted - len(hits))
    return hits


def _best(entries: list[PracticeEntry], score: int, order: Order, wanted: int) -> list[PracticeHit]:
    """The first `wanted` hits of one score: open before closed, then in `order`."""
    entries = heapq.nsmallest(wanted, entries, key=lambda e: (e.status != "active", *order(e)))
    return [PracticeHit(e.code, e.name, e.town, e.postcode, e.status, score) for e in entries]


# --- PCNs and ICBs by name and code (the search page lists them above the practices) ----------

GROUP_LEVELS = ("pcn", "icb")  # what search finds besides practices
MAX_GROUP_HITS = 10


@dataclass(frozen=True)
class GroupHit:
    level: str  # pcn | icb
    code: str
    name: str
    score: int  # 100 exact code, 95 code start, 75 exact name, 70 name start, 60 words, 50 within


def search_groups(text: str, limit: int = MAX_GROUP_HITS) -> list[GroupHit]:
    """PCNs and ICBs whose code or name matches `text` (as practice search words it), best
    first, then by name; SearchError for an empty or over-long search."""
    raw = clean_query(text)
    text_key, joined = normalise(raw), compact(raw)
    if not text_key:
        return []
    starts = [" " + word for word in text_key.split()[:MAX_WORDS]]
    hits = []
    for level, model in zip(GROUP_LEVELS, (Pcn, Icb), strict=True):
        t = model.__table__
        for code, name in db.session.execute(sa.select(t.c.code, t.c.name)):
            name_key = normalise(name)
            if code.casefold() == joined:
                score = 100
            elif len(joined) >= 2 and code.casefold().startswith(joined):
                score = 95
            elif name_key == text_key:
                score = 75
            elif name_key.startswith(text_key):
                score = 70
            elif all(start in " " + name_key for start in starts):
                score = 60
            elif text_key in name_key:
                score = 50
            else:
                continue
            hits.append(GroupHit(level, code, name, score))
    hits.sort(key=lambda h: (-h.score, h.name, h.code))
    return hits[: max(1, min(int(limit), MAX_GROUP_HITS))]
