"""Curators decide who speaks (in the preview, or on a loaded transcript), and long transcripts
are curated without hitting a limit (issue 12, item 6)."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Revision

from archive.ingest.load import ingest_text
from archive.ingest.reading import MAX_BYTES
from archive.models import LabelRule, Participant, Speaker, Transcript, Turn
from tests.support import make_speaker, make_staff_user

pytestmark = pytest.mark.django_db

WHITE_HOUSE = {"source_name": "The White House", "date": "2022-03-08", "kind": "briefing"}


@pytest.fixture
def staff(client):
    make_staff_user()
    client.login(username="curator", password="a-curator-password")
    return client


def long_briefing(turns: int = 210, padding: int = 0) -> str:
    lines = ["Press Briefing on the Long Day", "March 8, 2022", ""]
    for n in range(turns):
        label = "MS. PSAKI" if n % 2 else "Q"
        lines.append(f"{label}:  Statement number {n} about the talks. " + "x" * padding)
        lines.append("")
    return "\n".join(lines)


# --- Issue 12, item 6: large curation is not refused --------------------------------------------


def test_a_210_turn_transcript_is_edited_a_page_at_a_time_under_the_field_limit(staff):
    transcript = ingest_text(long_briefing(), filename="long.txt", metadata=WHITE_HOUSE).transcript
    assert transcript.turns.count() >= 210

    change = staff.get(reverse("admin:archive_transcript_change", args=[transcript.pk]))
    form_fields = change.content.decode().count(' name="')
    assert form_fields < 100  # no turn inline: the metadata only

    editor = reverse("admin:archive_transcript_turns", args=[transcript.pk])
    page = staff.get(editor, {"page": 3})
    data = {}
    formset = page.context["formset"]
    for name, field in formset.management_form.fields.items():
        data[formset.management_form.add_prefix(name)] = formset.management_form.initial.get(
            name, field.initial
        )
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = getattr(value, "pk", value) if value is not None else ""
    assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    first = formset.forms[0]
    data[first.add_prefix("text")] = "Edited on page three."

    saved = staff.post(f"{editor}?page=3", data)

    assert saved.status_code == 302
    assert Turn.objects.get(pk=first.instance.pk).text == "Edited on page three."


def test_the_change_page_of_a_long_transcript_is_light_and_quick(staff):
    text = long_briefing(400, padding=2000)  # about 1 MB of text
    transcript = ingest_text(text, filename="long.txt", metadata=WHITE_HOUSE).transcript
    url = reverse("admin:archive_transcript_change", args=[transcript.pk])
    staff.get(url)  # warm up

    started = time.perf_counter()
    response = staff.get(url)
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert len(response.content) < 100_000  # neither the turns nor the original text
    assert elapsed < 0.5


def test_the_form_takes_what_it_promises(staff):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= MAX_BYTES
    url = reverse("admin:archive_transcript_add_from_text")
    assert "20 MB" in staff.get(url).content.decode()


def test_a_3_mb_upload_is_previewed_then_saved(staff):
    text = long_briefing(600, padding=4800)
    assert 2.8e6 < len(text.encode()) < MAX_BYTES
    url = reverse("admin:archive_transcript_add_from_text")
    upload = SimpleUploadedFile("long.txt", text.encode(), content_type="text/plain")

    preview = staff.post(url, {"upload": upload, "preview": "1", **WHITE_HOUSE})

    assert preview.status_code == 200 and Transcript.objects.count() == 0
    carried = {f.html_name: f.value() for f in preview.context["carried"]}
    carried = {k: v for k, v in carried.items() if v not in (None, "", False)}
    assert "text" not in carried and carried["draft"]  # the text waits on the server
    saved = staff.post(url, {**carried, "confirm": "1"})

    assert saved.status_code == 302
    assert Transcript.objects.get().original_text == text


def test_a_3_mb_paste_is_accepted(staff):
    text = long_briefing(600, padding=4800)
    url = reverse("admin:archive_transcript_add_from_text")
    response = staff.post(url, {"text": text, "confirm": "1", "filename": "pasted.txt"})
    assert response.status_code == 302
    assert Transcript.objects.get().turns.count() >= 600


# --- Who speaks: the preview's choices and the transcript's page --------------------------------


def test_the_preview_shows_who_and_why_and_a_choice_becomes_the_rule_for_the_source(staff):
    url = reverse("admin:archive_transcript_add_from_text")
    text = "MR. DOE:  Good morning.\n\nQ:  A question.\n\nMR. DOE:  An answer.\n"
    fields = {"text": text, "filename": "one.txt", **WHITE_HOUSE}

    preview = staff.post(url, {**fields, "preview": "1"})

    html = preview.content.decode()
    assert "Mr. Doe" in html and "new" in html  # nobody known: a new person, and why
    outcome = preview.context["outcome"]
    assert [s["resolved_by"] for s in outcome.speakers] == ["new", "role"]
    pruitt = make_speaker("Jane Pruitt", title="Deputy Press Secretary")
    carried = {f.html_name: f.value() for f in preview.context["carried"]}
    carried = {k: v for k, v in carried.items() if v not in (None, "", False)}
    choices = {"label": ["MR. DOE", "Q"], "who-0": "person", "person-0": pruitt.pk, "rule-0": "on"}

    saved = staff.post(url, {**carried, **choices, "confirm": "1"})

    assert saved.status_code == 302
    transcript = Transcript.objects.get()
    assert set(transcript.turns.filter(label="MR. DOE").values_list("speaker", flat=True)) == {
        pruitt.pk
    }
    rule = LabelRule.objects.get()
    assert (rule.label, rule.source, rule.speaker) == ("MR. DOE", "The White House", pruitt)
    # The next transcript from that source resolves without asking.
    later = ingest_text(text + "\n", filename="two.txt", metadata=WHITE_HOUSE)
    described = {s["label"]: s for s in later.speakers}["MR. DOE"]
    assert (described["person"], described["resolved_by"]) == ("Jane Pruitt", "curator")
    assert Revision.objects.filter(comment="Added from text").exists()


def test_who_speaks_on_a_loaded_transcript_makes_a_label_a_role(staff):
    text = "THE NARRATOR:  Once upon a time.\n\nQ:  And then?\n"
    transcript = ingest_text(text, filename="tale.txt", metadata=WHITE_HOUSE).transcript
    url = reverse("admin:archive_transcript_who", args=[transcript.pk])
    page = staff.get(url)
    assert page.status_code == 200
    keys = page.context["form"].keys
    narrator = Participant.objects.get(transcript=transcript, labels__icontains="THE NARRATOR")
    n = keys.index(str(narrator.pk))

    staff.post(url, {f"who-{n}": "role", f"role-{n}": "Storyteller", f"rule-{n}": "on"})

    narrator = Participant.objects.get(transcript=transcript, labels__icontains="THE NARRATOR")
    assert (narrator.speaker, narrator.name, narrator.curated) == (None, "Storyteller", True)
    assert not Speaker.objects.filter(name="The Narrator", turns__isnull=False).exists()
    assert LabelRule.objects.get(label="THE NARRATOR").role == "Storyteller"
