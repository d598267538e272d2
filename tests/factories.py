"""Small helpers that create speakers, transcripts, turns and topics for tests.

    blinken = make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
    transcript = make_transcript(
        "Blinken at Reuters NEXT",
        turns=[("QUESTION", "Is Russia going to invade?"), ("SECRETARY BLINKEN", "I hope not.")],
    )
    make_topic("Ukraine", phrases=["Ukraine"])

Turns get their speaker through the labels' aliases (a speaker is created for an unknown label),
or pass `speakers={"QUESTION": galloni}`. Everything is saved with ordinary ORM saves.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from archive.models import Speaker, SpeakerAlias, Topic, Transcript, Turn, TurnTopic

_counter = itertools.count(1)


def make_speaker(name: str = "", *, aliases=(), **fields) -> Speaker:
    name = name or f"Speaker {next(_counter)}"
    speaker = Speaker.objects.create(name=name, **fields)
    for label in aliases:
        SpeakerAlias.objects.create(speaker=speaker, label=label)
    return speaker


def speaker_for_label(label: str) -> Speaker:
    """The speaker an alias names, or a new one (with that alias) named after the label."""
    from archive.ingest.labels import label_key

    alias = SpeakerAlias.objects.filter(key=label_key(label)).select_related("speaker").first()
    if alias:
        return alias.speaker
    return make_speaker(label.title(), aliases=[label])


def make_transcript(
    title: str = "",
    *,
    turns=(),
    speakers: dict[str, Speaker] | None = None,
    date: datetime.date | None = datetime.date(2021, 12, 3),
    **fields,
) -> Transcript:
    """A transcript with `turns`: (label, text) pairs, or (label, text, kind) triples; label ""
    makes a narrative turn."""
    n = next(_counter)
    title = title or f"Transcript {n}"
    text = "\n\n".join(f"{t[0]}:  {t[1]}" if t[0] else t[1] for t in turns) or title
    fields.setdefault("source_key", f"test-{n}-{slugify(title)}.txt")
    fields.setdefault("original_text", text)
    fields.setdefault("content_hash", hashlib.sha256(f"{n}\n{text}".encode()).hexdigest())
    transcript = Transcript.objects.create(title=title, date=date, **fields)
    speakers = dict(speakers or {})
    for position, spec in enumerate(turns, start=1):
        label, text = spec[0], spec[1]
        kind = spec[2] if len(spec) > 2 else ("speech" if label else "narrative")
        speaker = None
        if label:
            if label not in speakers:
                speakers[label] = speaker_for_label(label)
            speaker = speakers[label]
        Turn.objects.create(
            transcript=transcript,
            position=position,
            label=label,
            text=text,
            kind=kind,
            speaker=speaker,
        )
    return transcript


def make_topic(name: str = "", *, phrases=(), **fields) -> Topic:
    name = name or f"Topic {next(_counter)}"
    return Topic.objects.create(name=name, phrases="\n".join(phrases or [name]), **fields)


def tag(turn: Turn, topic: Topic, *, origin: str = "curator", rejected: bool = False) -> TurnTopic:
    return TurnTopic.objects.create(turn=turn, topic=topic, origin=origin, rejected=rejected)


def make_staff_user(username: str = "curator", password: str = "a-curator-password"):
    """A superuser staff account, as curators have."""
    return get_user_model().objects.create_superuser(
        username=username, email=f"{username}@example.org", password=password
    )
