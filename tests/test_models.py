"""The archive's read rules, each defined once on the models and used by every page, the API,
the feeds and the exports: who is a public speaker, a transcript's participants, turn counts,
visible tags, question or answer, and the name a turn is shown under."""

import datetime

import pytest

from archive.models import Speaker, Topic, Transcript, Turn
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    blinken = make_speaker("Antony Blinken", title="Secretary of State")
    galloni = make_speaker("Alessandra Galloni", kind=Speaker.Kind.JOURNALIST)
    narrator = make_speaker("Narrator")
    secret = make_speaker("Secret Person")
    interview = make_transcript(
        "Interview",
        speakers={"Q": galloni, "SECRETARY BLINKEN": blinken, "": None, "N": narrator},
        turns=[
            ("Q", "Is Russia going to invade Ukraine?"),
            ("SECRETARY BLINKEN", "We hope not. Ukraine must decide."),
            ("N", "(The transcript resumes.)", "narrative"),
            ("Q", "And the Minsk agreements?"),
            ("SECRETARY BLINKEN", "Implement them."),
        ],
    )
    hidden = make_transcript(
        "Hidden", published=False, speakers={"SECRET": secret}, turns=[("SECRET", "Ukraine.")]
    )
    ukraine = make_topic("Ukraine")
    first_question, first_answer = interview.turns.order_by("position")[:2]
    narrative = interview.turns.get(position=3)
    tag(first_question, ukraine)
    tag(first_answer, ukraine, rejected=True)
    tag(narrative, ukraine)
    tag(hidden.turns.get(), ukraine)
    return {
        "blinken": blinken,
        "galloni": galloni,
        "narrator": narrator,
        "interview": interview,
        "hidden": hidden,
        "ukraine": ukraine,
    }


def test_a_public_speaker_has_a_published_speech_turn(archive):
    public = set(Speaker.objects.public().values_list("name", flat=True))
    assert public == {"Antony Blinken", "Alessandra Galloni"}  # not the narrator, not the secret


def test_speaker_turn_counts_count_published_speech_turns(archive):
    counts = {s.name: s.turn_count for s in Speaker.objects.public().with_turn_counts()}
    assert counts == {"Antony Blinken": 2, "Alessandra Galloni": 2}


def test_participants_come_in_order_of_their_first_speech_turn_with_their_counts(archive):
    participants = Speaker.objects.participants_in(archive["interview"])
    assert [(s.name, s.turn_count) for s in participants] == [
        ("Alessandra Galloni", 2),
        ("Antony Blinken", 2),
    ]


def test_participants_of_many_transcripts_take_two_queries(archive, django_assert_num_queries):
    other = make_transcript(
        "Other", speakers={"BLINKEN": archive["blinken"]}, turns=[("BLINKEN", "Again.")]
    )
    transcripts = list(Transcript.objects.filter(pk__in=[archive["interview"].pk, other.pk]))
    with django_assert_num_queries(2):  # the people, and every participant with their roles
        Transcript.objects.with_participants(transcripts)
    by_title = {t.title: [s.name for s in t.participants] for t in transcripts}
    assert by_title == {
        "Interview": ["Alessandra Galloni", "Antony Blinken"],
        "Other": ["Antony Blinken"],
    }


def test_transcript_turn_counts_leave_out_stage_directions(archive):
    counted = Transcript.objects.with_turn_counts().get(pk=archive["interview"].pk)
    assert counted.turn_count == 4


def test_transcripts_featuring_a_speaker(archive):
    assert list(Transcript.objects.featuring("antony-blinken")) == [archive["interview"]]
    assert list(Transcript.objects.published().featuring("secret-person")) == []


def test_topic_counts_leave_out_rejected_unpublished_and_narrative_turns(archive):
    assert Topic.objects.with_turn_counts().get().turn_count == 1


def test_turns_on_a_topic_leave_out_rejected_tags(archive):
    on_topic = Turn.objects.published().speech().on_topic(archive["ukraine"])
    assert [t.position for t in on_topic] == [1]
    assert list(Turn.objects.published().speech().on_topic("ukraine")) == list(on_topic)


def test_visible_tags_are_prefetched_without_the_rejected_ones(archive, django_assert_num_queries):
    turns = list(archive["interview"].turns.with_visible_tags().order_by("position"))
    with django_assert_num_queries(0):
        tags = {t.position: [tag.topic.slug for tag in t.visible_tags] for t in turns}
    assert tags == {1: ["ukraine"], 2: [], 3: ["ukraine"], 4: [], 5: []}


@pytest.mark.parametrize(
    "label,expected",
    [("Q", True), ("QUESTION", True), ("MODERATOR", True), ("问", True), ("MR. PRICE", False)],
)
def test_a_turn_nobody_is_assigned_to_is_a_question_by_its_label(label, expected):
    transcript = make_transcript(
        "Unassigned", date=datetime.date(2022, 1, 1), speakers={label: None}, turns=[(label, "x")]
    )
    turn = transcript.turns.get()
    assert turn.is_question is expected
    assert turn.role == ("question" if expected else "answer")


def test_an_assigned_turn_is_a_question_by_its_speakers_kind(archive):
    question, answer = archive["interview"].turns.order_by("position")[:2]
    assert (question.is_question, answer.is_question) == (True, False)


def test_a_turn_is_shown_under_its_speakers_name_or_its_label():
    transcript = make_transcript(
        speakers={"MR. PRICE": None}, turns=[("MR. PRICE", "Good afternoon.")]
    )
    assert transcript.turns.get().speaker_name == "Mr. Price"
    named = make_transcript(turns=[("SECRETARY BLINKEN", "Thank you.")])
    assert named.turns.get().speaker_name == "Secretary Blinken"
