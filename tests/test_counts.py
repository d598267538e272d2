"""Statements counted over the whole archive (archive.counts): the same numbers as counting them
row by row, counted once per data version, and never kept past a change, a rollback or a
version another database reached.

Tests with `transactional_db` run as a server does (autocommit: what is counted is kept until
the version moves); the others run inside a test's transaction, as most of the suite does.
"""

from __future__ import annotations

import re

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction
from django.urls import reverse

from archive.caching import per_version
from archive.counts import FEW, statement_counts
from archive.models import Speaker, Topic, Transcript, Turn, TurnTopic
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db
TOTALS = ("total", "by_speaker", "by_topic")


def counted_row_by_row() -> tuple[int, dict[int, int], dict[int, int]]:
    statements = [t for t in Turn.objects.select_related("transcript") if t.transcript.published]
    statements = [t for t in statements if t.kind == Turn.Kind.SPEECH]
    by_speaker: dict[int, int] = {}
    for turn in statements:
        if turn.speaker_id:
            by_speaker[turn.speaker_id] = by_speaker.get(turn.speaker_id, 0) + 1
    ids = {t.pk for t in statements}
    by_topic: dict[int, int] = {}
    for tag_ in TurnTopic.objects.filter(rejected=False, turn_id__in=ids):
        by_topic[tag_.topic_id] = by_topic.get(tag_.topic_id, 0) + 1
    return len(statements), by_speaker, by_topic


def small_archive():
    """Two people, a topic tagged visibly, rejected and on a narrative turn, and an unpublished
    transcript whose statements count nowhere."""
    ana, ben = make_speaker("Ana Ruiz"), make_speaker("Ben Cho")
    sanctions = make_topic("Sanctions")
    talk = make_transcript(
        "Talk",
        speakers={"RUIZ": ana, "CHO": ben},
        turns=[("RUIZ", "One."), ("CHO", "Two."), ("", "(Applause.)"), ("RUIZ", "Three.")],
    )
    turns = list(talk.turns.order_by("position"))
    tag(turns[0], sanctions)
    tag(turns[1], sanctions, rejected=True)
    tag(turns[2], sanctions)  # narrative: not a statement
    tag(turns[3], sanctions)
    hidden = make_transcript(
        "Hidden", speakers={"CHO": ben}, turns=[("CHO", "Four."), ("CHO", "Five.")]
    )
    tag(hidden.turns.first(), sanctions)
    Transcript.objects.filter(pk=hidden.pk).update(published=False)
    return ana, ben, sanctions, hidden


def test_the_counts_are_those_counted_row_by_row():
    ana, ben, sanctions, _hidden = small_archive()
    counts = {of: statement_counts(DEFAULT_DB_ALIAS, of) for of in TOTALS}
    assert (counts["total"], counts["by_speaker"], counts["by_topic"]) == counted_row_by_row()
    assert (counts["total"], counts["by_speaker"][ana.pk], counts["by_speaker"][ben.pk]) == (
        3,
        2,
        1,
    )
    assert counts["by_topic"][sanctions.pk] == 2


def test_lists_give_each_row_its_count_and_rank_by_it():
    ana, ben, sanctions, _hidden = small_archive()
    make_topic("Unused")
    assert {s.name: s.turn_count for s in Speaker.objects.public().with_turn_counts()} == {
        "Ana Ruiz": 2,
        "Ben Cho": 1,
    }
    ranked = Speaker.objects.public().by_turn_count()
    assert [s.name for s in ranked] == ["Ana Ruiz", "Ben Cho"]
    assert len(ranked) == 2 and ranked[1].turn_count == 1 and ranked[-1].name == "Ben Cho"
    assert {t.name: t.turn_count for t in Topic.objects.with_turn_counts()} == {
        "Sanctions": 2,
        "Unused": 0,
    }
    assert [t.name for t in Topic.objects.with_statements()] == ["Sanctions"]


@pytest.mark.django_db(transaction=True)
def test_a_few_rows_count_their_own_statements_and_many_take_the_archives(
    django_assert_num_queries,
):
    people = [make_speaker(f"Person {i}") for i in range(FEW + 2)]
    labels = {f"P{i}": person for i, person in enumerate(people)}
    make_transcript("Many", speakers=labels, turns=[(f"P{i}", "Yes.") for i in range(FEW + 2)])
    make_transcript("More", speakers=labels, turns=[("P0", "Again."), ("P1", "And again.")])
    with django_assert_num_queries(3):  # the speaker, the data version, their own statements
        one = Speaker.objects.with_turn_counts().get(pk=people[0].pk)
    assert one.turn_count == 2
    statement_counts(DEFAULT_DB_ALIAS, "by_speaker")  # the archive's, counted for this version
    with django_assert_num_queries(2):  # the speaker and the data version: the counts are kept
        assert Speaker.objects.with_turn_counts().get(pk=people[0].pk).turn_count == 2
    few = {s.pk: s.turn_count for s in Speaker.objects.with_turn_counts().order_by("pk")[:FEW]}
    many = {s.pk: s.turn_count for s in Speaker.objects.with_turn_counts()}
    assert len(few) == FEW < len(many) and all(many[pk] == n for pk, n in few.items())
    assert [many[p.pk] for p in people] == [2, 2] + [1] * FEW


def test_equal_counts_keep_the_order_by_name():
    """Speakers with as many statements stay in the order of the list by name (the database's
    collation, not Python's)."""
    names = ["Bo Diaz", "Émile de Brun", "Zoe Adams", "Ann Cole"]  # made in another order
    people = {f"P{i}": make_speaker(name) for i, name in enumerate(names)}
    make_transcript("Talk", speakers=people, turns=[(label, "Yes.") for label in people])
    by_name = [s.name for s in Speaker.objects.public().order_by("sort_name", "name", "pk")]
    assert [s.name for s in Speaker.objects.public().by_turn_count()] == by_name


def test_the_speaker_list_ranks_by_count_a_page_at_a_time(client):
    people = [make_speaker(f"Person {letter}") for letter in "ABCDEFG"]
    labels = {f"P{i}": person for i, person in enumerate(people)}
    # Person A says one thing, Person B two, ... Person G seven.
    turns = [(f"P{i}", f"Statement {n}.") for i in range(7) for n in range(i + 1)]
    make_transcript("Many", speakers=labels, turns=turns)
    html = client.get(reverse("archive:speaker_list"), {"sort": "count"}).content.decode()
    order = [html.index(f"Person {letter}<") for letter in "GFEDCBA"]
    assert order == sorted(order)


@pytest.mark.django_db(transaction=True)
def test_counted_once_per_version_and_again_after_a_change(django_assert_num_queries):
    ana, ben, sanctions, hidden = small_archive()
    first = {of: statement_counts(DEFAULT_DB_ALIAS, of) for of in TOTALS}
    with django_assert_num_queries(3):  # the data version, for each; nothing counted again
        again = {of: statement_counts(DEFAULT_DB_ALIAS, of) for of in TOTALS}
    assert all(again[of] is first[of] for of in ("by_speaker", "by_topic"))

    hidden.published = True
    hidden.save()  # a change of published data: a new version
    counts = {of: statement_counts(DEFAULT_DB_ALIAS, of) for of in TOTALS}
    assert (counts["total"], counts["by_speaker"][ben.pk], counts["by_topic"][sanctions.pk]) == (
        5,
        3,
        3,
    )
    ana.turns.first().delete()
    assert statement_counts(DEFAULT_DB_ALIAS, "by_speaker")[ana.pk] == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_made_in_the_admin_is_counted_on_the_next_home_page(admin_client, client):
    _ana, _ben, _sanctions, hidden = small_archive()
    assert _home_statements(client) == 3
    response = admin_client.post(
        reverse("admin:archive_transcript_changelist"),
        {"action": "publish", "_selected_action": [hidden.pk]},
    )
    assert response.status_code == 302
    assert Transcript.objects.get(pk=hidden.pk).published
    assert _home_statements(client) == 5


def _home_statements(client) -> int:
    html = client.get(reverse("archive:home")).content.decode()
    return int(re.search(r"<strong>([\d,]+)</strong> statements?", html)[1].replace(",", ""))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_version_is_never_served_again():
    """A version rolled back is reached again by other changes (here a function under @atomic
    that runs twice, the second time with other data): nothing counted inside a transaction is
    kept, and what is kept outside one was counted from committed data."""
    calls = []

    def count_afters():
        calls.append(1)
        return Transcript.objects.filter(title="After").count()

    @transaction.atomic
    def add_and_count(title: str, fail: bool) -> int:
        make_transcript(title, turns=[("A", "Two.")])
        counted = per_version("afters", count_afters, DEFAULT_DB_ALIAS)
        if fail:
            raise RuntimeError
        return counted

    make_transcript("Before", turns=[("A", "One.")])
    with pytest.raises(RuntimeError):
        add_and_count("Rolled back", fail=True)  # counts 0 under version v + n, rolled back
    assert add_and_count("After", fail=False) == 1  # as many changes: v + n again
    assert per_version("afters", count_afters, DEFAULT_DB_ALIAS) == 1
    assert per_version("afters", count_afters, DEFAULT_DB_ALIAS) == 1
    assert len(calls) == 3  # counted in each transaction, then once outside and kept


@pytest.mark.django_db(transaction=True)
def test_a_topic_page_counts_once_per_version_and_again_after_a_change(client):
    ana, ben, sanctions, hidden = small_archive()
    url = sanctions.get_absolute_url()

    def statements(response) -> int:
        return int(re.search(r"<p>(\d+) statements?", response.content.decode())[1])

    other = make_topic("Elections")
    tag(ana.turns.first(), other)
    assert statements(client.get(url)) == 2
    assert statements(client.get(url)) == 2  # from what was counted for this version
    assert statements(client.get(other.get_absolute_url())) == 1  # each topic its own
    assert statements(client.get(url, {"speaker": ana.slug})) == 2  # counted as asked
    hidden.published = True
    hidden.save()
    assert statements(client.get(url)) == 3
    assert statements(client.get(url, {"speaker": ben.slug})) == 1


@pytest.mark.django_db(transaction=True)
def test_a_persons_page_counts_once_per_version_and_shows_a_new_office(client):
    """A person's page keeps what it counts per version; an office given to them (people data,
    not a statement) is a new version too, so their page and speaker: searches see it."""
    from archive.people.models import Membership, Organization, Post

    ana, _ben, _sanctions, _hidden = small_archive()
    url = ana.get_absolute_url()
    assert "Special Envoy for the Talks" not in client.get(url).content.decode()
    department = Organization.objects.create(identifier="dept", name="Department of Talks")
    envoy = Post.objects.create(
        identifier="envoy", label="Special Envoy for the Talks", organization=department
    )
    Membership.objects.create(person=ana, post=envoy, start_date="2020")
    assert "Special Envoy for the Talks" in client.get(url).content.decode()
    make_transcript("Later", speakers={"RUIZ": ana}, turns=[("RUIZ", "Four.")])
    assert "— 3 statements in 2 transcripts" in client.get(url).content.decode()
