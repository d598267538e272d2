"""Linking an archive's existing speakers to the people dataset, after it is loaded.

Archives from before people and offices have speakers named from labels ("Secretary Blinken",
"Ms. Psaki") and, after migration 0007, role participants such as "The President". Once the
dataset is in the database:

- a role participant no curator decided whose labels now resolve to a person (an office at its
  source that day: "The President" at the White House on 2020-03-24) becomes that person's;
- a speaker outside the dataset, without offices, whose every participation resolves to one
  person of the dataset ("Secretary Blinken" in 2021 is Antony Blinken) is merged into that
  person: a merge like a curator's, recorded and undoable in the admin.

Nothing a curator decided changes: curated participants and curated turns stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.ingest.metadata import Metadata
from archive.ingest.speakers import context_of
from archive.models import Participant, Speaker, Turn
from archive.people.curation import merge_speakers
from archive.people.directory import current_directory
from archive.people.resolve import ROLE, Directory, resolve_labels
from archive.search.indexing import reindex_turns


@dataclass
class LinkReport:
    roles: int = 0
    merged: int = 0

    def __str__(self) -> str:
        return f"{self.roles} role participants linked to people, {self.merged} speakers merged"


def _resolve(participant: Participant, directory):
    transcript = participant.transcript
    metadata = Metadata(
        title=transcript.title,
        date=transcript.date,
        kind=transcript.kind,
        source_url=transcript.source_url,
        source_name=transcript.source_name,
    )
    labels = participant.labels or [participant.name]
    found = resolve_labels(labels, context_of(metadata), directory)
    people = {r.person_id for r in found.values()}
    if len(people) == 1 and None not in people:
        return next(iter(found.values()))
    return None


def link_archive() -> LinkReport:
    report = LinkReport()
    directory = current_directory()
    participations = Participant.objects.filter(curated=False).select_related("transcript")
    for participant in participations.filter(speaker=None, resolved_by=ROLE).defer(
        "transcript__original_text"
    ):
        resolution = _resolve(participant, directory)
        if resolution is None:
            continue
        participant.speaker_id = resolution.person_id
        participant.name = directory.persons[resolution.person_id].name
        participant.role = resolution.role
        participant.resolved_by = resolution.resolved_by
        participant.save()
        turns = list(participant.turns.filter(speaker_curated=False).values_list("pk", flat=True))
        Turn.objects.filter(pk__in=turns).update(speaker_id=resolution.person_id)
        reindex_turns(turns)
        report.roles += 1

    for speaker in Speaker.objects.named().filter(identifier=None, memberships=None):
        own = list(participations.filter(speaker=speaker).defer("transcript__original_text"))
        if not own or Participant.objects.filter(speaker=speaker, curated=True).exists():
            continue
        # Who would the labels be, were this speaker (and their aliases) not there?
        others = Directory(
            [p for p in directory.persons.values() if p.id != speaker.pk],
            directory.offices.values(),
            directory.orgs.values(),
            directory.terms,
            directory.rules,
        )
        targets = {getattr(_resolve(p, others), "person_id", None) for p in own}
        targets.discard(speaker.pk)
        if len(targets) != 1 or None in targets:
            continue
        person = Speaker.objects.get(pk=targets.pop())
        if person.identifier is None:
            continue
        merge_speakers(
            person,
            [speaker],
            comment=f"Merged “{speaker.name}” into “{person.name}” (linked to the people dataset)",
        )
        report.merged += 1
    return report
