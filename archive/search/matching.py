"""Which of some given turns a search finds: for alerts, which asks it of the few statements
added since its last run rather than of the whole index.

The answer is the search's own: the query language parsed and the form's filters merged as
run_search() does (archive.search.page), names resolved by its resolvers, the words and phrases
matched by archive.search.snippets.text_matches in each turn's language (exactly as the engines
match them), and the filters through the models' read rules. tests/test_alerts.py checks it
against run_search() over the sample archive.
"""

from __future__ import annotations

from django.db.models import QuerySet

from archive.models import Turn
from archive.search.page import SearchRequest
from archive.search.query import merge_filters, parse_query
from archive.search.resolve import (
    resolve_kinds,
    resolve_languages,
    resolve_speakers,
    resolve_topics,
)
from archive.search.snippets import text_matches


def is_search(request: SearchRequest) -> bool:
    """Whether the request asks for anything (words or a filter): what can be followed."""
    parsed = _parsed(request)
    return bool(parsed.positive_clauses or parsed.has_filters)


def _parsed(request: SearchRequest):
    return merge_filters(
        parse_query(request.q),
        speakers=[request.speaker] if request.speaker else [],
        topics=[request.topic] if request.topic else [],
        kinds=[request.kind] if request.kind else [],
        languages=[request.lang] if request.lang else [],
        after=request.after,
        before=request.before,
    )


def search_matches(request: SearchRequest, turns: QuerySet[Turn]) -> list[Turn]:
    """The turns of `turns` (published speech turns) the search finds, in their order."""
    parsed = _parsed(request)
    if not parsed.positive_clauses and not parsed.has_filters:
        return []
    if parsed.speakers:
        slugs, _ = resolve_speakers(parsed.speakers)
        if not slugs:
            return []
        turns = turns.filter(speaker__slug__in=slugs)
    topic_groups, _ = resolve_topics(parsed.topics)
    if len(topic_groups) < len(parsed.topics):
        return []
    for group in topic_groups:
        turns = turns.on_topic(group[0])  # as run_search: the first topic a value names
    if parsed.kinds:
        kinds, _ = resolve_kinds(parsed.kinds)
        if not kinds:
            return []
        turns = turns.filter(transcript__kind__in=kinds)
    languages: tuple[str, ...] = ()
    if parsed.languages:
        languages, _ = resolve_languages(parsed.languages)
        if not languages:
            return []
    if parsed.after:
        turns = turns.filter(transcript__date__gte=parsed.after)
    if parsed.before:
        turns = turns.filter(transcript__date__lte=parsed.before)
    return [
        turn
        for turn in turns.select_related("transcript", "speaker")
        if (not languages or turn.text_language in languages)
        and text_matches(turn.text, parsed.clauses, turn.text_language)
    ]
