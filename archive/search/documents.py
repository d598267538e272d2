"""What a search can find, defined once: which turns are searchable, and a turn's search document.

Every engine works from this module: the Whoosh and other haystack indexes store
`turn_document()` (archive/search_indexes.py), the PostgreSQL engine builds its hits with
`hit_for_turn()` from the same document, and `check_index` compares digests of it. The
PostgreSQL engine's copy of a turn's facts in `TurnSearchDocument` (kept by database triggers,
migration 0004) holds the same values: tests/test_search_document.py compares the two.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from archive.models import Turn
from archive.search.analysis import ANALYSIS_VERSION
from archive.search.engine import Hit
from archive.search.query import Clause
from archive.search.snippets import build_snippet

_EPOCH = date(1899, 12, 31).toordinal()

# Fields of a document that are not facts about the turn (and so stay out of its digest).
NOT_DIGESTED = ("digest",)


def searchable():
    """The turns a search may find: speech turns of published transcripts, with what their
    documents need (speaker, transcript, visible topic tags) fetched alongside."""
    return Turn.objects.published().speech().for_listing().with_visible_tags()


def order_key(day: date | None, position: int = 0) -> int:
    """A turn's place in time as one 32-bit integer (days since 1900, then position), so that
    every haystack backend, stock Whoosh included, can sort on it. Undated turns sort first."""
    if day is None:
        return min(position, 9999)
    return (day.toordinal() - _EPOCH) * 10000 + min(position, 9999)


def month_of_order(order: int) -> str:
    """The month ("2021-12") of an order_key(), "" for an undated turn."""
    days = order // 10000
    if days <= 0:
        return ""
    day = date.fromordinal(days + _EPOCH)
    return f"{day.year:04d}-{day.month:02d}"


def turn_document(turn: Turn) -> dict:
    """A turn's search document: its text, and every fact a result shows or a filter, a facet or
    a sort needs. `turn` comes from searchable() (visible_tags prefetched)."""
    transcript = turn.transcript
    day = transcript.date
    document = {
        "text": turn.text,
        "speaker_name": turn.speaker_name,
        "speaker_slug": turn.speaker.slug if turn.speaker_id else "",
        "role": turn.role,
        "label": turn.label or "",
        "key": turn.key,
        "position": turn.position,
        "transcript_title": transcript.title,
        "transcript_slug": transcript.slug,
        "transcript_date": day.isoformat() if day else "",
        "date": int(day.strftime("%Y%m%d")) if day else 0,  # for after:/before:
        "order": order_key(day, turn.position),  # for newest/oldest
        "year": str(day.year) if day else "",
        "kind": transcript.kind,
        "language": turn.text_language,  # its text is analysed in it
        "topics": sorted(tag.topic.slug for tag in turn.visible_tags),
        "published": bool(transcript.published),
    }
    document["digest"] = document_digest(document)
    return document


def document_digest(document: dict) -> str:
    """A fingerprint of a document's facts (sorted fields) and of the analysis that indexes its
    text, so that check_index can find a stale index entry by comparing 16 characters."""
    parts = [f"analysis={ANALYSIS_VERSION}"] + [
        f"{name}={document[name]!r}" for name in sorted(document) if name not in NOT_DIGESTED
    ]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


def hit_from_document(
    turn_id: int, document: dict, clauses: Sequence[Clause], score: float = 0.0
) -> Hit:
    """A Hit from a search document (as stored by an index: values may come back as strings)."""
    raw_date = document.get("transcript_date") or ""
    try:
        transcript_date = date.fromisoformat(str(raw_date)[:10]) if raw_date else None
    except ValueError:
        transcript_date = None
    return Hit(
        turn_id=turn_id,
        key=document.get("key") or "",
        position=int(document.get("position") or 0),
        label=document.get("label") or "",
        speaker_name=document.get("speaker_name") or "",
        speaker_slug=document.get("speaker_slug") or "",
        role=document.get("role") or "answer",
        transcript_title=document.get("transcript_title") or "",
        transcript_slug=document.get("transcript_slug") or "",
        transcript_date=transcript_date,
        transcript_kind=document.get("kind") or "",
        snippet=build_snippet(
            document.get("text") or "", clauses, language=document.get("language") or "en"
        ),
        score=score,
        language=document.get("language") or "en",
    )


def hit_for_turn(turn: Turn, clauses: Sequence[Clause], score: float = 0.0) -> Hit:
    """A Hit for a turn read from the database (searchable())."""
    return hit_from_document(turn.pk, turn_document(turn), clauses, score)
