"""Curation in the admin, through the test client as a staff user."""

import json
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from archive.ingest.load import ingest_file
from archive.models import Speaker, SpeakerAlias, Topic, Transcript, Turn, TurnTopic
from archive.topics import tag_turns
from tests.support import (
    REPO_ROOT,
    SEED,
    make_speaker,
    make_staff_user,
    make_topic,
    make_transcript,
)

pytestmark = pytest.mark.django_db

FIXTURE_SEED = REPO_ROOT / "fixtures" / "transcripts" / "2021-12-03-blinken-reuters-next.txt"


@pytest.fixture
def staff(client):
    make_staff_user()
    client.login(username="curator", password="a-curator-password")
    return client


@pytest.fixture
def seed(tmp_path):
    target = tmp_path / FIXTURE_SEED.name
    shutil.copyfile(FIXTURE_SEED, target)
    shutil.copyfile(FIXTURE_SEED.with_suffix(".json"), target.with_suffix(".json"))
    return ingest_file(target).transcript


def change_form_data(response) -> dict:
    """The POST data of an admin change page as it stands (main form and inline formsets)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = management.initial.get(name, field.initial)
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if hasattr(value, "pk"):
                value = value.pk
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value if value is not True else "on"
    return data


def test_the_admin_is_for_staff_only(client, seed):
    response = client.get(reverse("admin:archive_transcript_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.get(reverse("admin:archive_transcript_add_from_text"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_changelist_and_the_transcript_page_open(staff, seed):
    for model in ("transcript", "speaker", "topic", "turn", "turntopic", "participant",
                  "labelrule", "organization", "post", "membership", "curatorchange"):  # fmt: skip
        assert staff.get(reverse(f"admin:archive_{model}_changelist")).status_code == 200, model
    changelist = staff.get(reverse("admin:archive_transcript_changelist")).content.decode()
    assert "Add transcript from text" in changelist

    page = staff.get(reverse("admin:archive_transcript_change", args=[seed.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reassign a label" in html and "Edit turns" in html and "Who speaks" in html
    assert seed.content_hash in html
    turns = staff.get(reverse("admin:archive_transcript_turns", args=[seed.pk])).content.decode()
    assert turns.index("Secretary Blinken, thank you") < turns.index("Well, I certainly hope not")


def test_editing_a_turns_speaker_marks_it_curated_and_edited_fields_are_recorded(staff, seed):
    url = reverse("admin:archive_transcript_change", args=[seed.pk])
    data = change_form_data(staff.get(url))
    data["title"] = "Blinken at Reuters NEXT"
    assert staff.post(url, data).status_code == 302
    seed.refresh_from_db()
    assert seed.title == "Blinken at Reuters NEXT"
    assert seed.curated_fields == ["title"]

    editor = reverse("admin:archive_transcript_turns", args=[seed.pk])
    data = formset_data(staff.get(editor))
    galloni = seed.participations.get(speaker__name="Alessandra Galloni")
    turn = seed.turns.get(position=2)  # Blinken's
    index = next(k for k, v in data.items() if k.endswith("-id") and v == turn.pk).split("-")[1]
    data[f"turns-{index}-participant"] = galloni.pk

    assert staff.post(editor, data).status_code == 302
    turn.refresh_from_db()
    assert turn.participant == galloni and turn.speaker == galloni.speaker and turn.speaker_curated
    assert seed.turns.filter(speaker_curated=True).count() == 1
    # Recorded: who changed what, when.
    assert Version.objects.get_for_object(turn).first().revision.user.username == "curator"


def test_a_participant_is_renamed_in_its_admin_and_a_person_chosen_in_who_speaks(staff, seed):
    from archive.caching import data_version

    galloni = seed.participations.get(speaker__name="Alessandra Galloni")
    url = reverse("admin:archive_participant_change", args=[galloni.pk])
    page = staff.get(url).content.decode()
    assert reverse("admin:archive_transcript_who", args=[seed.pk]) in page
    data = change_form_data(staff.get(url))
    assert "speaker" not in data  # chosen in Who speaks, where the turns follow
    data["labels"] = json.dumps(galloni.labels)  # a JSON field's text, as the browser sends it
    data["role"] = "Editor-in-Chief, Reuters"
    before = data_version()
    assert staff.post(url, data).status_code == 302
    galloni.refresh_from_db()
    assert galloni.role == "Editor-in-Chief, Reuters"
    assert data_version() > before  # shown with its statements: cached searches are left


def test_publish_and_unpublish_actions(staff, seed):
    url = reverse("admin:archive_transcript_changelist")

    staff.post(url, {"action": "unpublish", "_selected_action": [seed.pk]})
    seed.refresh_from_db()
    assert seed.published is False

    staff.post(url, {"action": "publish", "_selected_action": [seed.pk]})
    seed.refresh_from_db()
    assert seed.published is True


def formset_data(response) -> dict:
    """The POST data of the turn editor's page as it stands."""
    formset = response.context["formset"]
    data = {}
    management = formset.management_form
    for name, field in management.fields.items():
        data[management.add_prefix(name)] = management.initial.get(name, field.initial)
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if hasattr(value, "pk"):
                value = value.pk
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def paste_text():
    """The seed with a long unlabelled tail after its last turn, so that the preview has a
    warning to show."""
    tail = "\n\n".join(f"An unlabelled paragraph {n} that goes on and on. " * 3 for n in range(45))
    text = SEED.read_text(encoding="utf-8")
    footer = text.index("U.S. Department of State\n\nThe Lessons of 1989")
    return text[:footer] + tail + "\n\n" + text[footer:]


def test_pasting_a_transcript_previews_without_saving_then_saves_on_confirm(staff):
    url = reverse("admin:archive_transcript_add_from_text")
    make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
    assert staff.get(url).status_code == 200

    preview = staff.post(
        url,
        {
            "text": paste_text(),
            "title": "Blinken at Reuters NEXT",
            "date": "2021-12-03",
            "kind": "interview",
            "outlet": "Reuters NEXT",
            "preview": "Preview",
        },
    )

    assert preview.status_code == 200
    assert Transcript.objects.count() == 0
    outcome = preview.context["outcome"]
    assert len(outcome.turns) == 37
    assert any(w.startswith("no labels found after line") for w in outcome.warnings)
    html = preview.content.decode()
    assert "Save this transcript" in html
    assert "Antony Blinken" in html and "Questioner" in html
    assert "no labels found after line" in html

    carried = {field.html_name: field.value() for field in preview.context["carried"]}
    carried = {k: v for k, v in carried.items() if v not in (None, "", False)}
    carried["confirm"] = "Save this transcript"
    saved = staff.post(url, carried)

    transcript = Transcript.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:archive_transcript_change", args=[transcript.pk])
    assert transcript.title == "Blinken at Reuters NEXT"
    assert transcript.outlet == "Reuters NEXT"
    assert transcript.turns.count() == 37
    assert transcript.turns.get(position=2).speaker.name == "Antony Blinken"
    assert transcript.source_key.startswith("pasted-")


def test_confirming_the_same_paste_again_changes_nothing(staff):
    url = reverse("admin:archive_transcript_add_from_text")
    data = {"text": SEED.read_text(encoding="utf-8"), "filename": "blinken.txt", "confirm": "1"}
    staff.post(url, data)
    counts = (Transcript.objects.count(), Turn.objects.count(), Speaker.objects.count())

    response = staff.post(url, data)

    assert response.status_code == 302
    assert (Transcript.objects.count(), Turn.objects.count(), Speaker.objects.count()) == counts


def test_uploading_a_file_goes_through_the_same_reader(staff):
    url = reverse("admin:archive_transcript_add_from_text")
    upload = SimpleUploadedFile("2021-12-03-blinken.txt", SEED.read_bytes(), "text/plain")

    preview = staff.post(url, {"upload": upload, "preview": "Preview"})

    assert preview.status_code == 200
    assert preview.context["outcome"].metadata.date.isoformat() == "2021-12-03"
    carried = {f.html_name: f.value() for f in preview.context["carried"]}
    assert carried["filename"] == "2021-12-03-blinken.txt"
    assert Transcript.objects.count() == 0


def test_a_paste_without_labels_shows_the_error_and_saves_nothing(staff):
    url = reverse("admin:archive_transcript_add_from_text")

    response = staff.post(url, {"text": "Just a statement.\n\nNo one speaks.", "confirm": "1"})

    assert response.status_code == 200
    assert "Cannot add this transcript: no speaker labels found" in response.content.decode()
    assert Transcript.objects.count() == 0


def test_an_empty_form_asks_for_text(staff):
    response = staff.post(reverse("admin:archive_transcript_add_from_text"), {"preview": "1"})

    assert "Paste a transcript or upload a file." in response.content.decode()


def test_merging_speakers_asks_which_to_keep_then_moves_turns_and_can_be_undone(staff, seed):
    blinken = Speaker.objects.get(name="Antony Blinken")
    duplicate = make_speaker("A. Blinken", aliases=["SECRETARY OF STATE BLINKEN"])
    own = seed.participations.get(speaker=blinken)
    from archive.people.curation import set_participant_person

    set_participant_person(own, duplicate)  # a curator had said these turns were "A. Blinken"
    url = reverse("admin:archive_speaker_changelist")
    selected = {"action": "merge_selected", "_selected_action": [blinken.pk, duplicate.pk]}

    confirm = staff.post(url, selected)

    assert confirm.status_code == 200
    assert "Choose the speaker to keep" in confirm.content.decode()

    done = staff.post(url, {**selected, "post": "yes", "keep": blinken.pk}, follow=True)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == blinken
    assert seed.turns.filter(speaker=blinken).count() == 18
    assert SpeakerAlias.objects.get(label="SECRETARY OF STATE BLINKEN").speaker == blinken
    assert staff.get(duplicate.get_absolute_url().replace("a-blinken", duplicate.slug)).status_code
    undo = reverse("admin:archive_speaker_undo_merge", args=[duplicate.pk])
    assert undo in done.content.decode()
    changes = staff.get(reverse("admin:archive_curatorchange_changelist")).content.decode()
    assert "Merged" in changes and "Undo this merge" in changes

    assert "Undo this merge" in staff.get(undo).content.decode()
    staff.post(undo)

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert seed.turns.filter(speaker=duplicate).count() == 18
    assert SpeakerAlias.objects.get(label="SECRETARY OF STATE BLINKEN").speaker == duplicate
    assert "not merged into another" in staff.get(undo).content.decode()


def test_reassigning_a_label_moves_every_turn_of_it_to_a_new_speaker(staff, seed):
    url = reverse("admin:archive_transcript_reassign_label", args=[seed.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert "QUESTION (19 turns)" in page.content.decode()

    response = staff.post(
        url,
        {
            "label": "QUESTION",
            "new_speaker_name": "Reuters moderator",
            "new_speaker_kind": "moderator",
        },
    )

    assert response.status_code == 302
    moderator = Speaker.objects.get(name="Reuters moderator")
    questions = seed.turns.filter(label="QUESTION")
    assert set(questions.values_list("speaker", flat=True)) == {moderator.pk}
    assert all(questions.values_list("speaker_curated", flat=True))
    assert moderator.kind == "moderator"


def test_reassigning_a_label_to_an_existing_speaker(staff, seed):
    galloni = Speaker.objects.get(name="Alessandra Galloni")
    url = reverse("admin:archive_transcript_reassign_label", args=[seed.pk])

    staff.post(url, {"label": "SECRETARY BLINKEN", "speaker": galloni.pk})

    assert seed.turns.filter(speaker=galloni).count() == 37


def test_reassigning_needs_exactly_one_speaker(staff, seed):
    url = reverse("admin:archive_transcript_reassign_label", args=[seed.pk])

    response = staff.post(url, {"label": "QUESTION"})

    assert "Choose a speaker or type a new speaker" in response.content.decode()


def test_saving_a_topic_tags_turns_and_the_retag_action_follows_phrase_changes(staff, seed):
    response = staff.post(
        reverse("admin:archive_topic_add"),
        {"name": "Minsk agreements", "slug": "minsk-agreements", "phrases": "Minsk agreement"},
    )
    assert response.status_code == 302
    minsk = Topic.objects.get()
    assert set(Turn.objects.on_topic(minsk).values_list("position", flat=True)) == {2, 4}

    Topic.objects.filter(pk=minsk.pk).update(phrases="Minsk process")
    staff.post(
        reverse("admin:archive_topic_changelist"),
        {"action": "retag", "_selected_action": [minsk.pk]},
    )
    assert set(Turn.objects.on_topic(minsk).values_list("position", flat=True)) == {4}


def test_removing_an_automatic_tag_keeps_it_removed_after_retagging(staff, seed):
    minsk = make_topic("Minsk agreements", phrases=["Minsk agreement"])
    tag_turns()
    auto = TurnTopic.objects.get(topic=minsk, turn__position=2)

    response = staff.post(
        reverse("admin:archive_turntopic_delete", args=[auto.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    tag_turns()
    staff.post(
        reverse("admin:archive_topic_changelist"),
        {"action": "retag", "_selected_action": [minsk.pk]},
    )

    auto.refresh_from_db()
    assert (auto.rejected, auto.origin) == (True, "curator")
    assert list(Turn.objects.on_topic(minsk).values_list("position", flat=True)) == [4]


def test_the_remove_and_restore_actions(staff, seed):
    minsk = make_topic("Minsk agreements", phrases=["Minsk agreement"])
    tag_turns()
    tags = list(TurnTopic.objects.values_list("pk", flat=True))
    url = reverse("admin:archive_turntopic_changelist")

    staff.post(url, {"action": "reject_selected", "_selected_action": tags})
    assert Turn.objects.on_topic(minsk).count() == 0
    staff.post(url, {"action": "restore_selected", "_selected_action": tags})
    assert Turn.objects.on_topic(minsk).count() == 2
    assert set(TurnTopic.objects.values_list("origin", flat=True)) == {"curator"}


def test_a_curator_adds_a_tag_and_retagging_keeps_it(staff, seed):
    democracy = make_topic("Democracy", phrases=["democracy"])
    turn = seed.turns.get(position=1)

    response = staff.post(
        reverse("admin:archive_turntopic_add"), {"turn": turn.pk, "topic": democracy.pk}
    )

    assert response.status_code == 302
    tag = TurnTopic.objects.get(turn=turn)
    assert (tag.origin, tag.rejected) == ("curator", False)
    tag_turns()
    assert TurnTopic.objects.filter(pk=tag.pk).exists()


def test_removing_a_tag_in_the_turn_page_rejects_it(staff):
    transcript = make_transcript(turns=[("Q", "What about NATO?")])
    nato = make_topic("NATO")
    tag_turns()
    turn = transcript.turns.get()
    url = reverse("admin:archive_turn_change", args=[turn.pk])
    data = change_form_data(staff.get(url))
    data["topic_tags-0-DELETE"] = "on"

    response = staff.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    tag = TurnTopic.objects.get(turn=turn, topic=nato)
    assert tag.rejected and tag.origin == "curator"


def test_curator_changes_are_recorded_with_who_and_when(staff, seed):
    from reversion.models import Revision

    url = reverse("admin:archive_transcript_changelist")
    staff.post(url, {"action": "unpublish", "_selected_action": [seed.pk]})
    staff.post(
        reverse("admin:archive_transcript_reassign_label", args=[seed.pk]),
        {"label": "QUESTION", "role": "Moderator"},
    )
    topic = make_topic("Ukraine")
    staff.post(
        reverse("admin:archive_turntopic_add"),
        {"turn": seed.turns.get(position=2).pk, "topic": topic.pk},
    )

    comments = list(Revision.objects.order_by("pk").values_list("comment", "user__username"))
    assert comments[0] == ("Unpublished from the transcript list", "curator")
    assert comments[1][0].startswith("Reassigned “QUESTION”")
    assert comments[2][1] == "curator"  # the tag, through the admin's own form
    history = staff.get(reverse("admin:archive_transcript_history", args=[seed.pk]))
    assert "Unpublished from the transcript list" in history.content.decode()
    changes = staff.get(reverse("admin:archive_curatorchange_changelist")).content.decode()
    assert "Reassigned" in changes and "curator" in changes
