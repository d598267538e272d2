"""Loading parsed transcripts into the database (archive/ingest/load.py, speakers.py, metadata.py)."""

import datetime
import hashlib
import json
import shutil

import pytest

from archive.ingest import load
from archive.ingest.load import ingest_file, ingest_text
from archive.models import Participant, Speaker, SpeakerAlias, Topic, Transcript, Turn, TurnTopic
from archive.people.curation import merge_speakers, reassign_label
from tests.support import DATA_DIR, REPO_ROOT, SEED, make_speaker, make_topic, tag

pytestmark = pytest.mark.django_db

FIXTURE_SEED = REPO_ROOT / "fixtures" / "transcripts" / "2021-12-03-blinken-reuters-next.txt"
SEED_URL = "https://www.state.gov/secretary-antony-j-blinken-at-the-reuters-next-conference/"
QUESTION_POSITIONS = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20, 22, 24, 26, 28, 30, 32, 34, 36]


@pytest.fixture
def seed_file(tmp_path):
    """The seed transcript with its sidecar, in a folder of this test's own."""
    target = tmp_path / FIXTURE_SEED.name
    shutil.copyfile(FIXTURE_SEED, target)
    shutil.copyfile(FIXTURE_SEED.with_suffix(".json"), target.with_suffix(".json"))
    return target


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Speaker, SpeakerAlias, Transcript, Participant, Turn, TurnTopic)
    }


def edit_turn_text(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_start(text: str, phrase: str) -> int:
    """Where the line holding `phrase` starts (labels are followed by no-break spaces)."""
    return text.rindex("\n", 0, text.index(phrase)) + 1


def test_fixture_seed_is_the_shared_seed_byte_for_byte():
    assert FIXTURE_SEED.read_bytes() == SEED.read_bytes()


def test_seed_loads_the_parsed_turns_with_sidecar_metadata_and_speakers(seed_file):
    outcome = ingest_file(seed_file)

    assert outcome.status == "loaded", outcome.reason
    transcript = outcome.transcript
    assert transcript.title == "Secretary Antony J. Blinken at the Reuters NEXT Conference"
    assert transcript.date == datetime.date(2021, 12, 3)
    assert transcript.kind == "interview"
    assert transcript.outlet == "Reuters NEXT"
    assert transcript.source_name == "U.S. Department of State"
    assert transcript.source_key == transcript.source_url == SEED_URL
    text = SEED.read_text(encoding="utf-8")
    assert transcript.original_text == text
    assert transcript.content_hash == hashlib.sha256(text.encode()).hexdigest()

    turns = list(transcript.turns.select_related("speaker"))
    assert [t.position for t in turns] == list(range(1, 38))
    assert [t.position for t in turns if t.label == "QUESTION"] == QUESTION_POSITIONS
    assert {t.label for t in turns if t.position not in QUESTION_POSITIONS} == {"SECRETARY BLINKEN"}
    assert {t.speaker.name for t in turns if t.label == "QUESTION"} == {"Alessandra Galloni"}
    assert {t.speaker.name for t in turns if t.label != "QUESTION"} == {"Antony Blinken"}
    assert all(t.kind == "speech" and not t.speaker_curated for t in turns)
    assert turns[0].text.startswith("Secretary Blinken, thank you so much for joining us")


def test_sidecar_speakers_are_people_with_their_details_and_no_global_alias(seed_file):
    ingest_file(seed_file)

    blinken = Speaker.objects.get(name="Antony Blinken")
    galloni = Speaker.objects.get(name="Alessandra Galloni")
    assert blinken.identifier == "antony-blinken"  # the dataset's, not a twin
    assert (galloni.title, galloni.organisation, galloni.kind) == (
        "Editor-in-Chief",
        "Reuters",
        "journalist",
    )
    participant = Participant.objects.get(speaker=blinken)
    assert (participant.role, participant.resolved_by) == ("Secretary of State", "curator")
    # A label never becomes a global alias, even when a sidecar names it.
    assert not SpeakerAlias.objects.filter(key__in=["question", "secretary blinken"]).exists()


def test_the_same_text_twice_is_unchanged_and_creates_nothing(seed_file):
    ingest_file(seed_file)
    before = row_counts()

    outcome = ingest_file(seed_file)

    assert outcome.status == "unchanged"
    assert row_counts() == before


def test_the_same_text_under_another_file_name_is_unchanged(tmp_path):
    ingest_file(FIXTURE_SEED)
    copy = tmp_path / "copy.txt"
    shutil.copyfile(SEED, copy)

    outcome = ingest_file(copy)

    assert outcome.status == "unchanged"
    assert "already loaded" in outcome.reason
    assert Transcript.objects.count() == 1


def test_a_changed_text_is_skipped_without_update(seed_file):
    ingest_file(seed_file)
    edit_turn_text(seed_file, "Well, I certainly hope not.", "Well, I certainly hope not at all.")

    outcome = ingest_file(seed_file)

    assert outcome.status == "skipped"
    assert outcome.reason == "changed since it was loaded; use --update"
    transcript = Transcript.objects.get()
    assert "hope not at all" not in transcript.original_text


def test_update_keeps_the_permalinks_of_unchanged_and_lightly_edited_turns(seed_file):
    transcript = ingest_file(seed_file).transcript
    keys = dict(transcript.turns.values_list("position", "key"))
    edit_turn_text(seed_file, "Well, I certainly hope not.", "Well, I very much hope not.")

    outcome = ingest_file(seed_file, update=True)

    assert outcome.status == "updated"
    turns = {t.position: t for t in outcome.transcript.turns.all()}
    assert {p: t.key for p, t in turns.items()} == keys
    assert turns[2].text.startswith("Well, I very much hope not.")
    assert Transcript.objects.count() == 1


def test_update_gives_new_turns_new_keys_and_shifts_the_others(seed_file):
    transcript = ingest_file(seed_file).transcript
    old = dict(transcript.turns.values_list("key", "text"))
    text = seed_file.read_text(encoding="utf-8")
    insert_at = line_start(text, "So let’s talk a little bit")
    seed_file.write_text(
        text[:insert_at]
        + "QUESTION:  A brand new question about the Beijing Olympics?\n\n"
        + "SECRETARY BLINKEN:  A brand new answer.\n\n"
        + text[insert_at:],
        encoding="utf-8",
    )

    outcome = ingest_file(seed_file, update=True)

    turns = list(outcome.transcript.turns.order_by("position"))
    assert len(turns) == 39
    assert turns[2].text.startswith("A brand new question") and turns[2].key not in old
    assert turns[3].text == "A brand new answer." and turns[3].key not in old
    kept = [t for t in turns if t.key in old]
    assert len(kept) == 37
    assert all(old[t.key] == t.text for t in kept)
    assert turns[2].speaker.name == "Alessandra Galloni"


def test_update_keeps_a_curators_speaker_and_gives_it_to_new_turns_of_that_label(seed_file):
    transcript = ingest_file(seed_file).transcript
    reporter, _ = reassign_label(transcript, "QUESTION", new_name="Reuters panel")
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_text(text + "\nQUESTION:  One last question?\n", encoding="utf-8")

    ingest_file(seed_file, update=True)

    questions = Turn.objects.filter(transcript=transcript, label="QUESTION")
    assert questions.count() == 20
    assert set(questions.values_list("speaker__name", flat=True)) == {"Reuters panel"}
    assert all(questions.values_list("speaker_curated", flat=True))
    answers = Turn.objects.filter(transcript=transcript, label="SECRETARY BLINKEN")
    assert set(answers.values_list("speaker__name", flat=True)) == {"Antony Blinken"}
    assert not any(answers.values_list("speaker_curated", flat=True))


def test_update_keeps_curator_tags_and_rejections_on_matched_turns(seed_file):
    transcript = ingest_file(seed_file).transcript
    democracy = make_topic("Democracy", phrases=["democracy"])
    minsk = make_topic("Minsk agreements", phrases=["Minsk agreement"])
    load.tag_turns(transcript.turns.all())
    second = transcript.turns.get(position=2)
    curator_tag = tag(second, democracy)
    rejected = TurnTopic.objects.get(turn=second, topic=minsk)
    rejected.origin, rejected.rejected = "curator", True
    rejected.save()
    edit_turn_text(seed_file, "Well, I certainly hope not.", "Well, I very much hope not.")

    ingest_file(seed_file, update=True)

    second.refresh_from_db()
    assert second.text.startswith("Well, I very much hope not.")
    tags = {t.topic.name: t for t in second.topic_tags.select_related("topic")}
    assert tags["Democracy"].pk == curator_tag.pk and tags["Democracy"].origin == "curator"
    assert tags["Minsk agreements"].rejected is True
    assert Turn.objects.on_topic(minsk).filter(pk=second.pk).count() == 0


def test_update_keeps_metadata_a_curator_edited_and_refreshes_the_rest(seed_file):
    transcript = ingest_file(seed_file).transcript
    transcript.title = "Blinken at Reuters NEXT (curated)"
    transcript.curated_fields = ["title"]
    transcript.save()
    sidecar = json.loads(seed_file.with_suffix(".json").read_text())
    sidecar["title"] = "A new title from the sidecar"
    sidecar["location"] = "Washington, D.C."
    seed_file.with_suffix(".json").write_text(json.dumps(sidecar))
    edit_turn_text(seed_file, "Well, I certainly hope not.", "Well, I very much hope not.")

    ingest_file(seed_file, update=True)

    transcript.refresh_from_db()
    assert transcript.title == "Blinken at Reuters NEXT (curated)"
    assert transcript.location == "Washington, D.C."
    assert "I very much hope not" in transcript.original_text


def test_update_removes_turns_that_are_gone_and_says_so(seed_file):
    transcript = ingest_file(seed_file).transcript
    text = seed_file.read_text(encoding="utf-8")
    start = line_start(text, "So let’s talk a little bit")
    end = line_start(text, "Let’s go a little deeper.")
    seed_file.write_text(text[:start] + text[end:], encoding="utf-8")

    outcome = ingest_file(seed_file, update=True)

    assert transcript.turns.count() == 35
    assert list(transcript.turns.values_list("position", flat=True)) == list(range(1, 36))
    assert any("2 turn(s) no longer in the text" in w for w in outcome.warnings)


def test_a_failure_midway_leaves_no_rows(seed_file, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("index server on fire")

    monkeypatch.setattr(load, "tag_new_turns", explode)  # after the turns are saved
    before = row_counts()

    outcome = ingest_file(seed_file)

    assert outcome.status == "failed"
    assert outcome.reason == "could not save: RuntimeError: index server on fire"
    assert row_counts() == before


def test_a_failed_update_leaves_the_transcript_as_it_was(seed_file, monkeypatch):
    transcript = ingest_file(seed_file).transcript
    before = list(transcript.turns.values_list("key", "position", "text"))
    edit_turn_text(seed_file, "Well, I certainly hope not.", "Well, I very much hope not.")
    monkeypatch.setattr(load, "tag_turns", lambda *a, **k: 1 / 0)

    outcome = ingest_file(seed_file, update=True)

    assert outcome.status == "failed"
    transcript.refresh_from_db()
    assert list(transcript.turns.values_list("key", "position", "text")) == before
    assert "I very much hope not" not in transcript.original_text


def test_anonymous_labels_are_one_reporter_participant_per_transcript_and_nobody(tmp_path):
    for name in ("2022-03-08-briefing.txt", "2022-03-09-briefing.txt"):
        text = (DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt").read_text()
        (tmp_path / name).write_text(text + f"\n\nQ  One more from {name}?\n")
    first = ingest_file(tmp_path / "2022-03-08-briefing.txt").transcript
    second = ingest_file(tmp_path / "2022-03-09-briefing.txt").transcript

    first_q = {t.participant for t in first.turns.filter(label="Q")}
    second_q = {t.participant for t in second.turns.filter(label="Q")}
    assert len(first_q) == len(second_q) == 1
    assert first_q != second_q
    questioner = first_q.pop()
    assert (questioner.name, questioner.kind, questioner.speaker) == (
        "Reporter",
        "journalist",
        None,
    )
    assert not first.turns.filter(label="Q").exclude(speaker=None).exists()
    assert not SpeakerAlias.objects.filter(key="q").exists()


def test_update_keeps_a_participant_a_curator_decided(seed_file, tmp_path):
    from archive.people.curation import set_participant_person

    path = tmp_path / "briefing.txt"
    text = (DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt").read_text()
    path.write_text(text)
    transcript = ingest_file(path).transcript
    questioner = transcript.turns.filter(label="Q").first().participant
    set_participant_person(questioner, None, role="White House press corps")
    path.write_text(text + "\n\nQ  And one more?\n")

    ingest_file(path, update=True)

    assert {t.participant for t in transcript.turns.filter(label="Q")} == {questioner}
    questioner.refresh_from_db()
    assert (questioner.name, questioner.curated) == ("White House press corps", True)


def test_known_aliases_resolve_to_existing_speakers(tmp_path):
    hale = make_speaker("Tom Hale", aliases=["MR. HALE"], title="National Security Advisor")

    outcome = ingest_file(DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt")

    assert {t.speaker for t in outcome.transcript.turns.filter(label="MR. HALE")} == {hale}
    assert Speaker.objects.filter(name__icontains="Hale", identifier=None).count() == 1


def test_roles_are_participants_and_an_unknown_name_a_new_person_each_time(tmp_path):
    text = "MODERATOR:  Welcome.\n\nMS. RIVERA:  Thank you.\n\nINTERPRETER:  (Inaudible.)\n"
    people = Speaker.objects.count()
    one = ingest_text(text, filename="one.txt").transcript
    two = ingest_text(text + "\nMS. RIVERA:  Again.\n", filename="two.txt").transcript

    riveras = Speaker.objects.filter(name="Ms. Rivera")
    # "Ms. Rivera" names nobody known: a new person, flagged, and never taken for another one.
    assert riveras.count() == 2 and all(r.needs_review for r in riveras)
    assert Speaker.objects.count() == people + 2
    for transcript in (one, two):
        roles = {p.name: p.kind for p in transcript.participations.filter(speaker=None)}
        assert roles == {"Moderator": "moderator", "Interpreter": "interpreter"}
    assert not SpeakerAlias.objects.filter(key__in=["ms rivera", "moderator"]).exists()


def test_labels_that_shorten_within_a_transcript_are_one_speaker():
    outcome = ingest_text(
        (DATA_DIR / "kremlin_putin_scholz_2021-12-02.txt").read_text(), filename="kremlin.txt"
    )

    putin = {
        t.speaker
        for t in outcome.transcript.turns.all()
        if t.label in ("President of Russia Vladimir Putin", "Vladimir Putin")
    }
    assert len(putin) == 1
    assert putin.pop().identifier == "vladimir-putin"


def test_a_sidecar_can_name_the_answer_placeholder(tmp_path):
    path = tmp_path / "qa.txt"
    shutil.copyfile(DATA_DIR / "qa_interview_minister_2022-03-15.txt", path)
    path.with_suffix(".json").write_text(
        json.dumps({"speakers": {"A": {"name": "Elena Marsh", "title": "Foreign Minister"}}})
    )

    transcript = ingest_file(path).transcript

    assert {t.speaker.name for t in transcript.turns.filter(label="A")} == {"Elena Marsh"}
    assert not SpeakerAlias.objects.filter(key="a").exists()


def test_metadata_options_beat_the_sidecar_which_beats_the_header_and_the_file_name(tmp_path):
    path = tmp_path / "2020-01-02-hale-briefing.txt"
    shutil.copyfile(DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt", path)

    header = ingest_file(path, dry_run=True).metadata
    assert header.title.startswith("Press Briefing by Press Secretary Dana Rivera")
    assert header.date == datetime.date(2022, 3, 8)

    path.with_suffix(".json").write_text(json.dumps({"title": "Sidecar title", "kind": "call"}))
    sidecar = ingest_file(path, dry_run=True).metadata
    assert (sidecar.title, sidecar.kind, sidecar.date) == (
        "Sidecar title",
        "call",
        datetime.date(2022, 3, 8),
    )

    options = ingest_file(
        path, dry_run=True, metadata_overrides={"title": "Option title", "date": "2022-03-09"}
    ).metadata
    assert (options.title, options.date, options.kind) == (
        "Option title",
        datetime.date(2022, 3, 9),
        "call",
    )


def test_the_file_name_gives_a_date_and_title_when_the_text_has_none(tmp_path):
    path = tmp_path / "2021-12-03-blinken-at-reuters.txt"
    path.write_text("SECRETARY BLINKEN:  Good morning.\n\nQUESTION:  Thank you.\n")

    metadata = ingest_file(path, dry_run=True).metadata

    assert metadata.date == datetime.date(2021, 12, 3)
    assert metadata.title == "Blinken at reuters"


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        ('{"date": "3 December 2021"}', "bad date in sidecar"),
        ('{"title": "unterminated', "is not valid JSON (line 1"),
        ('["a list"]', "must be a JSON object"),
        ('{"kind": "podcast"}', "unknown kind 'podcast'"),
        ('{"colour": "blue"}', "unknown key(s) colour"),
    ],
)
def test_a_bad_sidecar_fails_the_file_with_one_line(seed_file, sidecar, message):
    seed_file.with_suffix(".json").write_text(sidecar)

    outcome = ingest_file(seed_file)

    assert outcome.status == "failed"
    assert message in outcome.reason
    assert "\n" not in outcome.reason
    assert Transcript.objects.count() == 0


def test_a_dry_run_writes_nothing_but_names_the_speakers(seed_file):
    make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
    before = row_counts()

    outcome = ingest_file(seed_file, dry_run=True)

    assert row_counts() == before
    assert outcome.status == "loaded" and outcome.dry_run
    assert [(s["label"], s["name"], s["new"]) for s in outcome.speakers] == [
        ("QUESTION", "Alessandra Galloni", True),
        ("SECRETARY BLINKEN", "Antony Blinken", False),
    ]
    assert len(outcome.turns) == 37


def test_merging_speakers_moves_turns_and_other_names_and_keeps_the_record(seed_file):
    transcript = ingest_file(seed_file).transcript
    blinken = Speaker.objects.get(name="Antony Blinken")
    duplicate = make_speaker("Tony J. Blinken", aliases=["A. J. BLINKEN"], title="")
    Turn.objects.filter(transcript=transcript, position=2).update(
        speaker=duplicate, participant=None
    )

    merge_speakers(blinken, [blinken, duplicate])

    duplicate.refresh_from_db()
    assert duplicate.merged_into == blinken
    assert transcript.turns.filter(speaker=blinken).count() == 18
    assert "A. J. BLINKEN" in set(blinken.aliases.values_list("label", flat=True))


def test_ingest_tags_the_new_turns_with_topics(seed_file):
    minsk = make_topic("Minsk agreements", phrases=["Minsk agreement", "Minsk process"])

    transcript = ingest_file(seed_file).transcript

    tagged = Turn.objects.on_topic(minsk).filter(transcript=transcript)
    assert list(tagged.values_list("position", flat=True)) == [2, 4]
    assert set(TurnTopic.objects.values_list("origin", flat=True)) == {"auto"}


def test_topics_are_not_required(seed_file):
    assert Topic.objects.count() == 0
    assert ingest_file(seed_file).status == "loaded"


def test_an_unexpected_parser_error_fails_the_file_in_one_line(seed_file, monkeypatch):
    def broken_parser(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(load, "parse_text", broken_parser)

    outcome = ingest_file(seed_file)

    assert outcome.status == "failed"
    assert outcome.reason == "could not parse: IndexError: list index out of range"


def test_a_speaker_created_by_a_concurrent_ingest_is_reused_not_duplicated(monkeypatch, tmp_path):
    """Two ingests at once may both plan to create "Mr. Price": the second finds the first's."""
    from archive.ingest import load
    from archive.models import Speaker, SpeakerAlias

    path = tmp_path / "briefing.txt"
    path.write_text(
        "MR. PRICE: Good afternoon.\n\nQUESTION: On Iran?\n\nMR. PRICE: No comment.\n",
        encoding="utf-8",
    )
    real_plan = load._plan

    def plan_then_race(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        if not SpeakerAlias.objects.filter(label="MR. PRICE").exists():  # the other ingest commits
            other = Speaker.objects.create(name="Ned Price", slug="mr-price")
            SpeakerAlias.objects.create(speaker=other, label="MR. PRICE")
        return plan

    monkeypatch.setattr(load, "_plan", plan_then_race)
    outcome = load.ingest_file(path)

    assert outcome.status == "loaded", outcome.reason
    assert Speaker.objects.filter(aliases__label="MR. PRICE").get().name == "Ned Price"
    assert not Speaker.objects.filter(name="Mr. Price").exists()
    assert {turn.speaker.name for turn in outcome.transcript.turns.filter(label="MR. PRICE")} == {
        "Ned Price"
    }
