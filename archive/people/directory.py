"""The resolver's Directory read from the database: every person (not merged into another) with
their other names, every office, organisation, term and curator's rule.

Reading it takes six queries; ``current_directory()`` keeps the last one read and reads again only
when any of those tables changed (a fingerprint of counts and latest changes, one query), so a
folder of a thousand transcripts reads it once, plus again after each file that added people.
"""

from __future__ import annotations

from django.db import connections

from archive.models import Speaker, SpeakerAlias
from archive.people.models import LabelRule, Membership, Organization, Post
from archive.people.names import fold
from archive.people.resolve import Directory, Office, Org, Person, Rule, Term

_cache: dict[str, tuple[tuple, Directory]] = {}


def _fingerprint(using: str) -> tuple:
    """Counts, latest changes and sums of keys of the tables the Directory is read from, in one
    query (one round trip per file loaded)."""
    parts = []
    for model, stamp in (
        (Speaker, "updated_at"),
        (SpeakerAlias, "id"),
        (Membership, "id"),
        (Post, "id"),
        (Organization, "id"),
        (LabelRule, "updated_at"),
    ):
        table = connections[using].ops.quote_name(model._meta.db_table)
        column = connections[using].ops.quote_name(model._meta.get_field(stamp).column)
        parts.append(f"(SELECT count(*) FROM {table})")
        parts.append(f"(SELECT max({column}) FROM {table})")
        parts.append(f"(SELECT sum(id) FROM {table})")
    alias_table = connections[using].ops.quote_name(SpeakerAlias._meta.db_table)
    parts.append(f"(SELECT sum(speaker_id) FROM {alias_table})")
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def read_directory(using: str = "default") -> Directory:
    others: dict[int, list[str]] = {}
    for speaker_id, label in SpeakerAlias.objects.using(using).values_list("speaker_id", "label"):
        others.setdefault(speaker_id, []).append(label)
    persons = [
        Person(pk, name, family, tuple(others.get(pk, ())), gender)
        for pk, name, family, gender in Speaker.objects.using(using)
        .filter(merged_into=None)
        .exclude(kind=Speaker.Kind.UNIDENTIFIED)
        .values_list("pk", "name", "family_name", "gender")
    ]
    offices = [
        Office(pk, label, role, org, tuple(other or ()))
        for pk, label, role, org, other in Post.objects.using(using).values_list(
            "pk", "label", "role", "organization_id", "other_labels"
        )
    ]
    orgs = [
        Org(pk, name, parent, tuple(other or ()), tuple(links or ()))
        for pk, name, parent, other, links in Organization.objects.using(using).values_list(
            "pk", "name", "parent_id", "other_names", "links"
        )
    ]
    terms = [
        Term(person, post, start, end)
        for person, post, start, end in Membership.objects.using(using).values_list(
            "person_id", "post_id", "start_date", "end_date"
        )
    ]
    rules = [
        Rule(key, fold(source), speaker, role, start, end, pk)
        for pk, key, source, speaker, role, start, end in LabelRule.objects.using(
            using
        ).values_list("pk", "key", "source", "speaker_id", "role", "start_date", "end_date")
    ]
    return Directory(persons, offices, orgs, terms, rules)


def forget_directory() -> None:
    """Drop the cached Directory (tests that roll the database back call this)."""
    _cache.clear()


def current_directory(using: str = "default") -> Directory:
    """The Directory as the database holds it now (read again only when it changed)."""
    fingerprint = _fingerprint(using)
    cached = _cache.get(using)
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, read_directory(using))
        _cache[using] = cached
    return cached[1]
