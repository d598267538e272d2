"""An archive from before people and participants migrates: role speakers split into
per-transcript participants, offices resolved to who held them, label-named speakers linked to
their people, and nothing a curator did lost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("archive", "0006_search_languages")]
# The latest migration: the code run after migrating (load_people, link_archive) is today's.

pytestmark = pytest.mark.django_db(transaction=True)


def old_archive(apps) -> dict:
    Speaker = apps.get_model("archive", "Speaker")
    SpeakerAlias = apps.get_model("archive", "SpeakerAlias")
    Transcript = apps.get_model("archive", "Transcript")
    Turn = apps.get_model("archive", "Turn")

    def speaker(name, slug, kind="official", aliases=()):
        made = Speaker.objects.create(name=name, slug=slug, kind=kind)
        for label in aliases:
            SpeakerAlias.objects.create(speaker=made, label=label, key=label.lower().strip("."))
        return made

    president = speaker("The President", "the-president", aliases=["THE PRESIDENT"])
    blinken = speaker("Secretary Blinken", "secretary-blinken", aliases=["SECRETARY BLINKEN"])
    nhk = speaker("Nhk", "nhk", aliases=["NHK"])
    galloni = speaker("Alessandra Galloni", "alessandra-galloni", kind="journalist")
    made = {}
    for n, (day, source, labels) in enumerate(
        [
            ("2020-03-24", "The White House", ["THE PRESIDENT", "Q", "THE PRESIDENT"]),
            ("2023-05-01", "The White House", ["THE PRESIDENT", "NHK", "Q"]),
            ("2021-12-03", "U.S. Department of State", ["SECRETARY BLINKEN", "QUESTION"]),
        ]
    ):
        transcript = Transcript.objects.create(
            title=f"Transcript {n}",
            slug=f"transcript-{n}",
            date=datetime.date.fromisoformat(day),
            kind="briefing",
            source_name=source,
            source_key=f"t{n}.txt",
            original_text="…",
            content_hash=str(n) * 64,
        )
        questioner = speaker(f"Questioner, briefing ({day})", f"questioner-{n}", "unidentified")
        by_label = {
            "THE PRESIDENT": president,
            "SECRETARY BLINKEN": blinken,
            "NHK": nhk,
            "Q": questioner,
            "QUESTION": galloni,  # a curator said who asked
        }
        for position, label in enumerate(labels, start=1):
            Turn.objects.create(
                transcript=transcript,
                position=position,
                key=f"k{n}{position}",
                label=label,
                text=f"{label} speaks.",
                speaker=by_label[label],
                speaker_curated=label == "QUESTION",
            )
        made[day] = transcript.pk
    return made


def test_an_archive_from_before_people_migrates_whole():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    made = old_archive(executor.loader.project_state(BEFORE).apps)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("archive"))
    from archive.people.linking import link_archive
    from archive.people.popolo import load_people

    load_people()  # what migrate does after migrating (post_migrate)
    link_archive()

    from archive.models import Participant, Speaker, Transcript, Turn

    def speakers(day):
        turns = Turn.objects.filter(transcript_id=made[day]).select_related("speaker")
        return {t.label: (t.speaker.name if t.speaker else None) for t in turns}

    assert speakers("2020-03-24") == {"THE PRESIDENT": "Donald Trump", "Q": None}
    assert speakers("2023-05-01") == {"THE PRESIDENT": "Joe Biden", "NHK": None, "Q": None}
    assert speakers("2021-12-03") == {
        "SECRETARY BLINKEN": "Antony Blinken",
        "QUESTION": "Alessandra Galloni",
    }
    # Roles are participants of one transcript each, never people.
    assert not Speaker.objects.filter(name__in=["The President", "Nhk"]).exists()
    assert not Speaker.objects.filter(kind="unidentified").exists()
    reporters = Participant.objects.filter(name="Reporter", transcript_id__in=made.values())
    assert reporters.count() == 2
    assert Participant.objects.get(transcript_id=made["2023-05-01"], labels=["NHK"]).name == (
        "Reporter, NHK"
    )
    # The label-named speaker met the dataset's person (a merge a curator can undo).
    old_blinken = Speaker.objects.get(name="Secretary Blinken")
    assert old_blinken.merged_into.identifier == "antony-blinken"
    # The curator's choice stays.
    question = Turn.objects.get(transcript_id=made["2021-12-03"], label="QUESTION")
    assert question.speaker_curated and question.participant.curated
    assert Transcript.objects.count() == 3
