"""Automatic topic tagging: a turn that contains one of a topic's phrases is tagged with it.

Matching is word for word, by the search's own analysis of the turn's language
(archive.search.analysis.phrase_terms): case, apostrophe, quote and dash styles are ignored, only
whole words match, and a word's inflections match alike ("Minsk agreement" also finds "Minsk
agreements", "Минские соглашения" finds "Минских соглашений"; Chinese by its characters).
A topic may list its phrases in several languages. Automatic tags
(origin=auto) follow the text: they are added when a phrase matches and removed when none does
any more. A curator's tags (origin=curator), including the ones a curator rejected, are never
touched here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db import transaction
from django.db.models import QuerySet

from archive.models import Topic, Turn, TurnTopic
from archive.search.analysis import phrase_terms, stemmer, word_spans
from archive.search.indexing import reindex_turns


@dataclass(frozen=True)
class TopicMatcher:
    """A topic's phrases, matched word for word against a turn's words as the search analyses
    them (archive.search.analysis.phrase_terms): case, quote and dash styles, a plural or
    another inflection do not matter; whole words only; each phrase is analysed in the language
    of the turn it is matched against."""

    phrases: tuple[str, ...]

    @classmethod
    def for_topic(cls, topic: Topic) -> TopicMatcher | None:
        """None when the topic has no phrases."""
        phrases = tuple(p for p in topic.phrase_list if phrase_terms(p))
        return cls(phrases) if phrases else None

    def terms(self, language: str) -> list[tuple[str, ...]]:
        return _phrase_terms(self.phrases, language)

    def matches(self, text: str, language: str = "en") -> bool:
        """Does the text (in `language`) hold one of the phrases, word for word?"""
        return self.matches_terms(phrase_terms(text, language), language)

    def match_spans(self, text: str, language: str = "en") -> list[tuple[int, int]]:
        """Where in `text` the phrases occur, word for word as matches() finds them: the
        (start, end) character intervals of each occurrence, in order (for a snippet that
        shows the phrase that caused the tag)."""
        stem_word = stemmer(language)
        spans = []
        for start, end, word in word_spans(text):
            if word.endswith("'s"):
                word = word[:-2]
            if word:
                spans.append((start, end, stem_word(word)))
        terms = [term for _, _, term in spans]
        found = []
        for phrase in self.terms(language):
            size = len(phrase)
            for i, term in enumerate(terms):
                if term == phrase[0] and tuple(terms[i : i + size]) == phrase:
                    found.append((spans[i][0], spans[i + size - 1][1]))
        return sorted(found)

    def matches_terms(self, terms: list[str], language: str) -> bool:
        for phrase in self.terms(language):
            size = len(phrase)
            first = phrase[0]
            for start, term in enumerate(terms):
                if term == first and tuple(terms[start : start + size]) == phrase:
                    return True
        return False


@cache
def _phrase_terms(phrases: tuple[str, ...], language: str) -> list[tuple[str, ...]]:
    return [tuple(terms) for phrase in phrases if (terms := phrase_terms(phrase, language))]


class TopicIndex:
    """Every topic's phrases by their first term, per language, so that a turn's words are read
    once for all topics (rather than once per topic)."""

    def __init__(self, matchers: dict[int, TopicMatcher]) -> None:
        self.matchers = matchers
        self._starts: dict[str, dict[str, list[tuple[int, tuple[str, ...]]]]] = {}

    def __bool__(self) -> bool:
        return bool(self.matchers)

    def _phrases_by_start(self, language: str) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
        starts = self._starts.get(language)
        if starts is None:
            starts = {}
            for topic_id, matcher in self.matchers.items():
                for phrase in matcher.terms(language):
                    starts.setdefault(phrase[0], []).append((topic_id, phrase))
            self._starts[language] = starts
        return starts

    def topic_ids(self, text: str, language: str) -> set[int]:
        """The topics one of whose phrases the text holds (as TopicMatcher.matches finds)."""
        starts = self._phrases_by_start(language)
        terms = phrase_terms(text, language)
        found: set[int] = set()
        for position, term in enumerate(terms):
            for topic_id, phrase in starts.get(term, ()):
                if (
                    topic_id not in found
                    and tuple(terms[position : position + len(phrase)]) == phrase
                ):
                    found.add(topic_id)
        return found


@dataclass
class TaggingResult:
    added: int = 0
    removed: int = 0
    turns_checked: int = 0

    def __str__(self) -> str:
        return (
            f"{self.turns_checked} turns checked: {self.added} tags added, {self.removed} removed"
        )


def _topic_index(topics: Iterable[Topic]) -> TopicIndex:
    matchers = {}
    for topic in topics:
        matcher = TopicMatcher.for_topic(topic)
        if matcher is not None:
            matchers[topic.pk] = matcher
    return TopicIndex(matchers)


def tag_new_turns(turns: Iterable[Turn]) -> int:
    """Tag turns just created (saved, with no tags yet) from their text in memory, before their
    transcript is indexed: no read of the turns again, no index work of its own. Returns the
    number of tags added."""
    index = _topic_index(Topic.objects.all())
    if not index:
        return 0
    tags = [
        TurnTopic(turn_id=turn.pk, topic_id=topic_id)
        for turn in turns
        for topic_id in sorted(index.topic_ids(turn.text, turn.text_language))
    ]
    TurnTopic.objects.bulk_create(tags)
    return len(tags)


def tag_turns(
    turns: QuerySet[Turn] | Iterable[Turn] | None = None,
    topics: QuerySet[Topic] | Iterable[Topic] | None = None,
) -> TaggingResult:
    """Bring the automatic tags of `turns` (default: all) for `topics` (default: all) in line
    with their phrases. Curator tags are left alone."""
    topic_list = list(Topic.objects.all() if topics is None else topics)
    if not topic_list:
        return TaggingResult()
    index = _topic_index(topic_list)
    topic_ids = [topic.pk for topic in topic_list]

    if turns is None:
        turn_rows = Turn.objects.all()
    elif isinstance(turns, QuerySet):
        turn_rows = turns
    else:
        turn_rows = Turn.objects.filter(pk__in=[turn.pk for turn in turns])

    result = TaggingResult()
    changed_turn_ids: set[int] = set()
    with transaction.atomic():
        # Existing tags, fetched per batch of turns so that memory stays flat on a big archive.
        rows = turn_rows.order_by().values_list("pk", "text", "language", "transcript__language")
        batch: list[tuple[int, str, str, str]] = []
        for row in rows.iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) >= 2000:
                _tag_batch(batch, topic_ids, index, result, changed_turn_ids)
                batch = []
        if batch:
            _tag_batch(batch, topic_ids, index, result, changed_turn_ids)
        if changed_turn_ids:
            reindex_turns(changed_turn_ids)
    return result


def _tag_batch(batch, topic_ids, index: TopicIndex, result, changed_turn_ids) -> None:
    turn_ids = [pk for pk, *_ in batch]
    existing: dict[tuple[int, int], tuple[int, str]] = {
        (turn_id, topic_id): (pk, origin)
        for pk, turn_id, topic_id, origin in TurnTopic.objects.filter(
            turn_id__in=turn_ids, topic_id__in=topic_ids
        ).values_list("pk", "turn_id", "topic_id", "origin")
    }
    to_add: list[TurnTopic] = []
    to_remove: list[int] = []
    for turn_id, text, own_language, transcript_language in batch:
        result.turns_checked += 1
        matched = index.topic_ids(text, own_language or transcript_language)
        for topic_id in topic_ids:
            tag = existing.get((turn_id, topic_id))
            if topic_id in matched and tag is None:
                to_add.append(TurnTopic(turn_id=turn_id, topic_id=topic_id))
                changed_turn_ids.add(turn_id)
            elif topic_id not in matched and tag is not None and tag[1] == TurnTopic.Origin.AUTO:
                to_remove.append(tag[0])
                changed_turn_ids.add(turn_id)
    if to_add:
        TurnTopic.objects.bulk_create(to_add)
        result.added += len(to_add)
    if to_remove:
        TurnTopic.objects.filter(pk__in=to_remove).delete()
        result.removed += len(to_remove)


def load_topics(entries: Iterable[dict]) -> int:
    """Add the topics (``fixtures/topics.json``) missing by name; existing ones keep their
    curated phrases. Returns how many were created."""
    created = 0
    for entry in entries:
        if not Topic.objects.filter(name__iexact=entry["name"]).exists():
            Topic.objects.create(
                name=entry["name"],
                description=entry.get("description", ""),
                phrases="\n".join(entry.get("phrases", [])),
            )
            created += 1
    return created
