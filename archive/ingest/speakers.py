"""Who speaks in a transcript: each label resolved to a person or a role, as participants.

``plan_speakers`` reads the database only (so a dry run shows who each label is and why): a
sidecar's ``speakers`` mapping names labels outright (a curator's word), every other label goes
through ``archive.people.resolve`` in the transcript's context (source, date, title) against the
people, offices and curators' rules in the database. Labels that resolve to the same person, or
to the same role ("Q" and "QUESTION" are both "Reporter"), are one participant of the transcript.
``SpeakerPlan.save(transcript)`` creates what the plan needs (new people, flagged for review, and
the participants) inside the caller's transaction; on re-ingest a participant a curator decided
stays as it is.

Curation helpers (used by the admin): ``assign_participant``, ``reassign_label``, and
``merge_speakers`` / ``undo_merge`` in ``archive.people.curation``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from archive.ingest.labels import label_key, split_label
from archive.ingest.metadata import Metadata, SpeakerInfo
from archive.models import Participant, Speaker, SpeakerAlias, Transcript
from archive.people.directory import current_directory
from archive.people.names import has_cjk, label_fold, role_kind, sort_name_for
from archive.people.resolve import (
    CURATOR,
    NEW,
    TITLE,
    Context,
    Directory,
    Resolution,
    resolve_labels,
)


def context_of(metadata: Metadata) -> Context:
    return Context(
        source_name=metadata.source_name,
        source_url=metadata.source_url,
        date=metadata.date,
        title=metadata.title,
        kind=metadata.kind,
    )


@dataclass
class ParticipantChoice:
    """One participant of the transcript being loaded: who, in which role, and why."""

    resolution: Resolution
    labels: list[str] = field(default_factory=list)
    speaker: Speaker | None = None  # an existing person
    person_fields: dict = field(default_factory=dict)  # a person to create
    participant: Participant | None = None  # an existing participant (re-ingest)
    reuse_by_name: bool = False  # a sidecar's name: another ingest's person of that name is it

    @property
    def name(self) -> str:
        if self.participant is not None:
            return self.participant.name
        return self.speaker.name if self.speaker is not None else self.resolution.name

    @property
    def person_name(self) -> str | None:
        if self.participant is not None:
            return self.participant.speaker.name if self.participant.speaker_id else None
        if self.speaker is not None:
            return self.speaker.name
        return self.resolution.new_name or None

    @property
    def resolved_by(self) -> str:
        if self.participant is not None and self.participant.curated:
            return CURATOR
        return self.resolution.resolved_by

    @property
    def role(self) -> str:
        if self.participant is not None and self.participant.curated:
            return self.participant.description
        return self.resolution.role

    @property
    def is_new(self) -> bool:
        """A person the plan will create."""
        return self.participant is None and self.speaker is None and bool(self.person_fields)

    def describe(self) -> dict:
        """What the dry run's JSON and the admin's preview say about it."""
        return {
            "name": self.name,
            "person": self.person_name,
            "role": self.role,
            "resolved_by": self.resolved_by,
            "new": self.is_new,
        }


@dataclass
class SpeakerPlan:
    """The participant for every label of one transcript."""

    choices: dict[str, ParticipantChoice]  # by label as printed

    def name_for(self, label: str) -> str | None:
        choice = self.choices.get(label)
        return choice.name if choice else None

    def distinct(self) -> list[ParticipantChoice]:
        seen: dict[int, ParticipantChoice] = {}
        for choice in self.choices.values():
            seen.setdefault(id(choice), choice)
        return list(seen.values())

    def save(self, transcript: Transcript) -> dict[str, Participant]:
        """Create the people and participants the plan needs; the participant for each label."""
        for choice in self.distinct():
            if choice.participant is not None:
                if not choice.participant.curated:
                    _refresh_participant(choice)
                continue
            speaker = choice.speaker
            if speaker is None and choice.person_fields:
                speaker = _create_person(choice)
            resolution = choice.resolution
            choice.participant = Participant.objects.create(
                transcript=transcript,
                speaker=speaker,
                name=(speaker.name if speaker else resolution.name)[:200],
                role=resolution.role[:200],
                organisation=resolution.organisation[:200],
                kind=speaker.kind if speaker else resolution.kind,
                labels=choice.labels,
                resolved_by=resolution.resolved_by,
                curated=resolution.resolved_by == CURATOR,
            )
        return {label: choice.participant for label, choice in self.choices.items()}


def _refresh_participant(choice: ParticipantChoice) -> None:
    """A re-ingested transcript's participant that no curator decided takes the new answer."""
    participant, resolution = choice.participant, choice.resolution
    speaker = choice.speaker
    if speaker is None and choice.person_fields:
        speaker = _create_person(choice)
    participant.speaker = speaker
    participant.name = (speaker.name if speaker else resolution.name)[:200]
    participant.role = resolution.role[:200]
    participant.organisation = resolution.organisation[:200]
    participant.kind = speaker.kind if speaker else resolution.kind
    participant.labels = sorted(set(participant.labels) | set(choice.labels))
    participant.resolved_by = resolution.resolved_by
    participant.save()


def _create_person(choice: ParticipantChoice) -> Speaker:
    """The new person of a choice, unless another ingest created them since the plan was made
    (found by a full name only: two "Mr. Smith"s are never taken for one)."""
    name = choice.person_fields["name"]
    if choice.reuse_by_name:
        named = Speaker.objects.named()
        found = (
            named.filter(name__iexact=name).order_by("pk").first()
            or named.filter(aliases__key=label_key(name)).order_by("pk").first()
        )
        if found is not None:
            return found
    return Speaker.objects.create(**choice.person_fields)


def plan_speakers(
    labels: Iterable[str],
    metadata: Metadata,
    *,
    existing: Transcript | None = None,
    directory: Directory | None = None,
    choices: dict[str, dict] | None = None,
) -> SpeakerPlan:
    """Decide, reading the database only, which participant each label is.

    ``existing``: the transcript being re-ingested, whose participants are kept (a curator's
    decision as it is, the others updated). ``choices``: what a curator chose in the preview,
    by label ({"who": "person" | "new" | "role", "person", "name", "role"})."""
    directory = directory or current_directory()
    occurrences = [label for label in labels if label]
    ordered = list(dict.fromkeys(occurrences))
    sidecar = {label_fold(label): info for label, info in metadata.speakers.items()}
    resolutions = resolve_labels(
        [x for x in occurrences if label_fold(x) not in sidecar], context_of(metadata), directory
    )
    for label in ordered:
        if label_fold(label) in sidecar:
            resolutions[label] = _from_sidecar(sidecar[label_fold(label)], directory)
        if choices and label in choices:
            resolutions[label] = _from_choice(choices[label])

    old = _old_participants(existing)
    groups: dict[tuple, ParticipantChoice] = {}
    choices: dict[str, ParticipantChoice] = {}
    for label in ordered:
        resolution = resolutions[label]
        previous = old.get(label_fold(label))
        key = ("kept", previous.pk) if previous and previous.curated else resolution.group_key()
        choice = groups.get(key)
        if choice is None:
            choice = groups[key] = _choice(resolution)
        reusable = previous is not None and (
            previous.curated or not any(previous is c.participant for c in groups.values())
        )
        if reusable and choice.participant is None:
            choice.participant = previous
        choice.labels.append(label)
        choices[label] = choice
    return SpeakerPlan(choices)


def _old_participants(existing: Transcript | None) -> dict[str, Participant]:
    if existing is None:
        return {}
    found: dict[str, Participant] = {}
    for participant in existing.participations.select_related("speaker").order_by("-curated", "pk"):
        for label in participant.labels:
            found.setdefault(label_fold(label), participant)
    return found


def _choice(resolution: Resolution) -> ParticipantChoice:
    choice = ParticipantChoice(resolution)
    if resolution.person_id is not None:
        choice.speaker = Speaker.objects.filter(pk=resolution.person_id).first()
    elif resolution.new_name:
        choice.person_fields = {
            "name": resolution.new_name[:200],
            "family_name": resolution.family_name[:100],
            "sort_name": sort_name_for(resolution.new_name, resolution.family_name)[:200],
            "title": resolution.role[:200],
            "kind": resolution.kind,
            "needs_review": resolution.resolved_by in (NEW, TITLE),
        }
        parts = split_label(resolution.new_name)
        # A full name is one person wherever it is printed; "Ms. Rivera" is not.
        choice.reuse_by_name = has_cjk(resolution.new_name) or (
            not parts.honorific and len(parts.name.split()) >= 2
        )
        if resolution.resolved_by == CURATOR:
            choice.reuse_by_name = True
            choice.person_fields["organisation"] = resolution.organisation[:200]
            choice.person_fields["description"] = resolution.description
    return choice


def _from_choice(choice: dict) -> Resolution:
    """A curator's choice in the preview: a person, a new person, or a role."""
    if choice["who"] == "person" and choice.get("person") is not None:
        person = choice["person"]
        return Resolution(CURATOR, person.name, person_id=person.pk, role=person.title)
    if choice["who"] == "new" and choice.get("name"):
        return Resolution(CURATOR, choice["name"], new_name=choice["name"])
    role = choice.get("role") or "Participant"
    return Resolution(CURATOR, role, role=role, kind=role_kind(role))


def _from_sidecar(info: SpeakerInfo, directory: Directory) -> Resolution:
    """A sidecar names a label's person outright: a known person by name, or a new one with the
    sidecar's details."""
    known = directory.named(info.name)
    kind = info.kind or "official"
    if len(known) == 1:
        person_id = known.pop()
        return Resolution(
            CURATOR,
            directory.persons[person_id].name,
            person_id=person_id,
            role=info.title,
            kind=kind,
            organisation=info.organisation,
        )
    return Resolution(
        CURATOR,
        info.name,
        new_name=info.name,
        role=info.title,
        kind=kind,
        organisation=info.organisation,
        description=info.description,
    )


def load_known_speakers(entries: Iterable[dict]) -> tuple[int, int]:
    """Add known speakers (``fixtures/speakers.json``): a speaker missing by name is created, an
    other name missing by key is added. Existing speakers keep their curated fields.
    Returns (speakers created, other names added)."""
    speakers_created = aliases_added = 0
    for entry in entries:
        speaker = Speaker.objects.named().filter(name__iexact=entry["name"]).order_by("pk").first()
        if speaker is None:
            speaker = Speaker.objects.create(
                name=entry["name"],
                title=entry.get("title", ""),
                organisation=entry.get("organisation", ""),
                kind=entry.get("kind", Speaker.Kind.OFFICIAL),
                description=entry.get("description", ""),
            )
            speakers_created += 1
        for label in entry.get("aliases", []):
            if not SpeakerAlias.objects.filter(key=label_key(label)).exists():
                SpeakerAlias.objects.create(speaker=speaker, label=label)
                aliases_added += 1
    return speakers_created, aliases_added
