"""Automatic topic tagging (archive/topics.py) and the tag_topics / load_sample commands."""

import io
import json

import pytest
from django.core.management import call_command

from archive.models import Topic, Turn, TurnTopic
from archive.search.indexing import bulk_indexing
from archive.topics import TopicMatcher, load_topics, tag_turns
from tests.support import REPO_ROOT, make_topic, make_transcript, tag


def matches(phrases, text, language="en") -> bool:
    matcher = TopicMatcher.for_topic(Topic(name="t", phrases="\n".join(phrases)))
    return matcher.matches(text, language)


@pytest.mark.parametrize(
    ("phrases", "text"),
    [
        (["Minsk agreement"], "they signed the so-called Minsk agreements"),
        (["Minsk agreement"], "the MINSK AGREEMENT of 2015"),
        (["Minsk agreement"], "the Minsk\nagreement"),
        (["Iran's nuclear program"], "on Iran’s nuclear program today"),
        (["COVID-19 vaccine"], "a COVID–19 vaccine"),
        (["JCPOA"], "the JCPOA’s limits"),
        (["NATO"], "(NATO)"),
        (["Taiwan", "Taiwan Strait"], "across the Taiwan Strait."),
        (["NATO"], "Renato asked about NATO"),
        (["NATO"], "NATO at the start"),
    ],
)
def test_a_phrase_matches_whatever_the_case_quotes_dashes_and_plural(phrases, text):
    assert matches(phrases, text)


@pytest.mark.parametrize(
    ("phrases", "text"),
    [
        (["NATO"], "Renato said so"),
        (["NATO"], "natonal"),
        (["climate"], "acclimatement"),
        (["Minsk agreement"], "Minsk and the agreement"),
        (["Iran deal"], "Iran dealt with it"),
        (["NATO"], "RENATO and NATOfication"),
    ],
)
def test_a_phrase_only_matches_whole_words(phrases, text):
    assert not matches(phrases, text)


@pytest.mark.parametrize(
    ("phrases", "text", "language"),
    [
        (["Минские соглашения"], "Выполнение Минских соглашений — главное.", "ru"),
        (["Минские соглашения"], "МИНСКИЕ СОГЛАШЕНИЯ были подписаны", "ru"),
        (["明斯克协议"], "各方应当落实新明斯克协议。", "zh"),
        (["Minsk agreements", "明斯克协议"], "我们讨论了明斯克协议", "zh"),
        (["accords de Minsk"], "le respect de l’accord de Minsk", "fr"),
    ],
)
def test_a_phrase_matches_in_its_own_language_whatever_the_inflection(phrases, text, language):
    assert matches(phrases, text, language)


@pytest.mark.parametrize(
    ("phrases", "text", "language"),
    [
        (["Минские соглашения"], "соглашения в Минске", "ru"),
        (["明斯克协议"], "明斯克的协议", "zh"),
    ],
)
def test_a_phrase_in_another_language_still_needs_its_words_in_order(phrases, text, language):
    assert not matches(phrases, text, language)


@pytest.mark.django_db
def test_tagging_adds_auto_tags_and_removes_the_ones_that_no_longer_match():
    transcript = make_transcript(
        turns=[("QUESTION", "What about NATO?"), ("MR. SULLIVAN", "Nothing on that.")]
    )
    nato = make_topic("NATO", phrases=["NATO", "North Atlantic alliance"])
    first, second = transcript.turns.order_by("position")

    result = tag_turns()

    assert (result.added, result.removed) == (1, 0)
    assert list(Turn.objects.on_topic(nato)) == [first]
    first.text = "What about the weather?"
    first.save()
    second.text = "The North Atlantic Alliance is strong."
    second.save()

    result = tag_turns()

    assert (result.added, result.removed) == (1, 1)
    assert list(Turn.objects.on_topic(nato)) == [second]
    assert TurnTopic.objects.get().origin == "auto"


@pytest.mark.django_db
def test_tagging_never_touches_curator_tags_or_rejections():
    transcript = make_transcript(
        turns=[("QUESTION", "What about NATO?"), ("MR. SULLIVAN", "No comment."), ("Q", "NATO?")]
    )
    nato = make_topic("NATO", phrases=["NATO"])
    first, second, third = transcript.turns.order_by("position")
    added = tag(second, nato)  # a curator's tag on a turn without the phrase
    rejected = tag(first, nato, rejected=True)  # a curator removed the automatic tag

    tag_turns()
    tag_turns()

    assert TurnTopic.objects.get(pk=added.pk).rejected is False
    assert TurnTopic.objects.get(pk=rejected.pk).rejected is True
    assert set(Turn.objects.on_topic(nato)) == {second, third}
    assert TurnTopic.objects.count() == 3


@pytest.mark.django_db
def test_tagging_is_limited_to_the_turns_and_topics_given():
    transcript = make_transcript(turns=[("Q", "NATO and Taiwan"), ("A", "Taiwan and NATO")])
    nato, taiwan = make_topic("NATO"), make_topic("Taiwan")
    first = transcript.turns.get(position=1)

    tag_turns(turns=[first], topics=[taiwan])

    assert list(TurnTopic.objects.values_list("turn", "topic")) == [(first.pk, taiwan.pk)]
    tag_turns(topics=Topic.objects.filter(pk=nato.pk))
    assert TurnTopic.objects.filter(topic=nato).count() == 2


@pytest.mark.django_db
def test_a_topic_without_phrases_tags_nothing():
    make_transcript(turns=[("Q", "Anything at all")])
    Topic.objects.create(name="Empty", phrases="  \n ")

    assert tag_turns().added == 0


@pytest.mark.django_db
def test_loading_topics_twice_adds_them_once_and_keeps_curated_phrases():
    entries = json.loads((REPO_ROOT / "fixtures" / "topics.json").read_text())

    assert load_topics(entries) == len(entries) >= 10
    nato = Topic.objects.get(name="NATO")
    nato.phrases = "NATO\nthe Alliance"
    nato.save()

    assert load_topics(entries) == 0
    assert Topic.objects.get(name="NATO").phrases == "NATO\nthe Alliance"
    jcpoa = Topic.objects.get(name="Iran nuclear deal").phrase_list
    assert {"Iran nuclear deal", "JCPOA", "Joint Comprehensive Plan of Action"} <= set(jcpoa)


@pytest.mark.django_db
def test_the_sample_archive_loads_twice_without_change_and_retags_the_same():
    out = io.StringIO()
    call_command("load_sample", stdout=out)
    assert "16 loaded" in out.getvalue()
    counts = [m.objects.count() for m in (Topic, Turn, TurnTopic)]
    assert counts[2] > 100

    out = io.StringIO()
    call_command("load_sample", stdout=out)
    assert "0 loaded, 16 already there" in out.getvalue()
    assert [m.objects.count() for m in (Topic, Turn, TurnTopic)] == counts

    TurnTopic.objects.all().delete()
    with bulk_indexing():  # one index update at the end, not one per tag
        result = tag_turns()
    assert result.added == counts[2]
    minsk = Topic.objects.get(name="Minsk agreements")
    assert Turn.objects.on_topic(minsk).filter(transcript__outlet="Reuters NEXT").exists()


@pytest.mark.django_db
def test_tag_topics_command_retags_one_topic_or_all():
    make_transcript(turns=[("Q", "The JCPOA and Taiwan")])
    make_topic("Iran nuclear deal", phrases=["JCPOA"])
    make_topic("Taiwan")

    out = io.StringIO()
    call_command("tag_topics", "iran-nuclear-deal", stdout=out)
    assert "1 tags added" in out.getvalue()
    assert TurnTopic.objects.count() == 1

    call_command("tag_topics", stdout=io.StringIO())
    assert TurnTopic.objects.count() == 2
