"""What a search's filters name, resolved through the database: speaker: values to people
(any of their names or offices), topic: values to topics, kind: and lang: values to codes, and
the languages the archive's statements are in (a query's words are stemmed for each).
Used by the search page (archive.search.page) and by the alerts' matching."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.db.models import Q
from django.utils.text import slugify

from archive.languages import code_for as language_code
from archive.models import Speaker, Topic, Transcript
from archive.search.analysis import analyse

# --- Resolving names to slugs --------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return analyse(text, exact=True)


REPORTERS = "reporters"  # the facet value that groups journalists ("Reporters")


def resolve_speakers(values: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """Speaker slugs for speaker: values, among public speakers (people): a slug, words of a
    person's name or other names, or words of an office they held ("speaker:spokesperson" is
    everyone who held a spokesperson's office; with after:/before: whoever held it then);
    "reporters" is every journalist. Notes for values that matched nobody."""
    slugs: list[str] = []
    notes: list[str] = []
    public = Speaker.objects.public()
    for value in values:
        words = _words(value)
        if not words:
            notes.append(f"“{value[:60]}” names no speaker.")
            continue
        slug = slugify(value)
        if slug == REPORTERS:
            slugs.extend(public.filter(kind=Speaker.Kind.JOURNALIST).values_list("slug", flat=True))
            continue
        by_name = Q(name__icontains=words[0]) | Q(aliases__label__icontains=words[0])
        by_office = (
            Q(memberships__post__label__icontains=words[0])
            | Q(memberships__post__role__icontains=words[0])
            | Q(memberships__post__other_labels__icontains=words[0])
        )
        candidates = (
            public.filter(Q(slug=slug) | by_name | by_office)
            .distinct()
            .order_by("sort_name", "pk")
            .prefetch_related("aliases", "memberships__post")[:200]
        )
        found = [
            speaker.slug
            for speaker in candidates
            if speaker.slug == slug or set(words) <= _speaker_words(speaker)
        ][:50]
        if found:
            slugs.extend(found)
        else:
            notes.append(f"No speaker matches “{value[:60]}”.")
    return tuple(dict.fromkeys(slugs)), notes


def _speaker_words(speaker: Speaker) -> set[str]:
    """Every word of a person's names and of the offices they held."""
    texts = [speaker.name, *(alias.label for alias in speaker.aliases.all())]
    for membership in speaker.memberships.all():
        post = membership.post
        texts += [post.label, post.role, *post.other_labels]
    return {word for text in texts for word in _words(text)}


def resolve_topics(values: Sequence[str]) -> tuple[list[tuple[str, ...]], list[str]]:
    """For each topic: value, the topic slugs it may mean (slug, or name); notes for unknowns."""
    groups: list[tuple[str, ...]] = []
    notes: list[str] = []
    for value in values:
        slug = slugify(value)
        words = _words(value)
        condition = Q(slug=slug) | Q(name__iexact=value.strip())
        if words:
            condition |= Q(name__icontains=words[0])
        found = [
            topic.slug
            for topic in Topic.objects.filter(condition)
            if topic.slug == slug or (words and _words(topic.name) == words)
        ]
        if not found and words:
            # Any word of the name, when that names exactly one topic (topic:nuclear).
            loose = [
                topic.slug
                for topic in Topic.objects.filter(condition)
                if set(words) <= set(_words(topic.name))
            ]
            found = loose
        if found:
            groups.append(tuple(found))
        else:
            notes.append(f"No topic matches “{value[:60]}”.")
    return groups, notes


def resolve_languages(values: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """Language codes for lang: values (a code, or a language's name in English or in itself)."""
    codes: list[str] = []
    notes: list[str] = []
    for value in values:
        code = language_code(value)
        if code:
            codes.append(code)
        else:
            notes.append(f"“{value[:40]}” names no language; use a code such as lang:zh.")
    return tuple(dict.fromkeys(codes)), notes


_languages: tuple[float, tuple[str, ...]] = (0.0, ())
LANGUAGES_FRESH_FOR = 30.0  # seconds


def archive_languages() -> tuple[str, ...]:
    """The languages the archive's statements are in (Transcript.objects.languages()), read at
    most every LANGUAGES_FRESH_FOR seconds: a query's words are stemmed for each of them."""
    global _languages
    read_at, languages = _languages
    if not read_at or time.monotonic() - read_at > LANGUAGES_FRESH_FOR:
        languages = tuple(Transcript.objects.languages())
        _languages = (time.monotonic(), languages)
    return languages


def resolve_kinds(values: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    kinds: list[str] = []
    notes: list[str] = []
    known = {value: value for value in Transcript.Kind.values}
    for value, label in Transcript.Kind.choices:
        known[slugify(label)] = value
        known[slugify(label).replace("press-", "")] = value
    known["conference"] = Transcript.Kind.PRESS_CONFERENCE
    for value in values:
        kind = known.get(slugify(value)) or known.get(slugify(value).rstrip("s"))
        if kind:
            kinds.append(kind)
        else:
            notes.append(
                f"“{value[:40]}” is not a kind of transcript; try one of "
                + ", ".join(Transcript.Kind.values)
                + "."
            )
    return tuple(dict.fromkeys(kinds)), notes
