"""What curators do to who-said-what (used by the admin), each recorded by django-reversion.

- ``assign_participant``: this participant of a transcript is that person, a new person, or a role;
- ``reassign_label``: every turn of one label in a transcript goes to a person or a role;
- ``add_rule``: the choice becomes a rule for the source (and dates), so the next transcript
  resolves without asking;
- ``merge_speakers`` / ``undo_merge``: two records of one person become one, and back.

A turn's ``speaker`` is always its participant's person: every function here keeps it so, and
tells the search index which turns changed (``QuerySet.update()`` sends no signals).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import reversion
from reversion.models import Revision, Version

from archive.models import LabelRule, Participant, Speaker, Transcript, Turn
from archive.people.names import role_kind
from archive.search.indexing import reindex_turns

MERGE_COMMENT = "Merged "


def set_participant_person(participant: Participant, speaker: Speaker | None, role: str = ""):
    """Make a participant this person (or, with None, the role `role`), decided by a curator; its
    turns follow. A person already taking part in the transcript keeps one participant."""
    transcript = participant.transcript
    if speaker is not None:
        other = transcript.participations.filter(speaker=speaker).exclude(pk=participant.pk).first()
        if other is not None:
            turn_ids = list(participant.turns.values_list("pk", flat=True))
            participant.turns.update(participant=other)
            other.labels = sorted(set(other.labels) | set(participant.labels))
            other.curated, other.resolved_by = True, Participant.ResolvedBy.CURATOR
            other.save()
            participant.delete()
            reindex_turns(turn_ids)
            return other
        participant.speaker = speaker
        participant.name = speaker.name
        participant.kind = speaker.kind
        participant.role = participant.role if participant.speaker_id else speaker.title
    else:
        participant.speaker = None
        participant.name = role or participant.name
        participant.role = participant.name
        participant.kind = role_kind(participant.name)
    participant.curated, participant.resolved_by = True, Participant.ResolvedBy.CURATOR
    participant.save()
    turn_ids = list(participant.turns.values_list("pk", flat=True))
    Turn.objects.filter(pk__in=turn_ids).update(speaker=speaker)
    reindex_turns(turn_ids)
    return participant


def participant_for(transcript: Transcript, speaker: Speaker | None) -> Participant | None:
    """The transcript's participant for this person (a curated one made if there is none)."""
    if speaker is None:
        return None
    found = transcript.participations.filter(speaker=speaker).first()
    if found is None:
        found = Participant.objects.create(
            transcript=transcript,
            speaker=speaker,
            name=speaker.name,
            role=speaker.title,
            kind=speaker.kind,
            resolved_by=Participant.ResolvedBy.CURATOR,
            curated=True,
        )
    return found


def new_person(name: str, kind: str = Speaker.Kind.OFFICIAL, title: str = "") -> Speaker:
    return Speaker.objects.create(
        name=name.strip(), kind=kind or Speaker.Kind.OFFICIAL, title=title
    )


def reassign_label(
    transcript: Transcript,
    label: str,
    speaker: Speaker | None = None,
    *,
    new_name: str = "",
    new_kind: str = Speaker.Kind.JOURNALIST,
    role: str = "",
) -> tuple[Speaker | Participant, int]:
    """Give every turn of `label` in `transcript` to `speaker` (or to a new person called
    `new_name`, or to the role `role`), marked as a curator's choice so that re-ingesting keeps
    it. Returns who now speaks them and how many turns moved."""
    if speaker is None and new_name:
        speaker = new_person(new_name, new_kind)
    participant = None
    if speaker is not None:
        participant = transcript.participations.filter(speaker=speaker).first()
    elif role:
        participant = transcript.participations.filter(speaker=None, name=role).first()
    if participant is None:
        participant = Participant.objects.create(
            transcript=transcript,
            speaker=speaker,
            name=speaker.name if speaker else role,
            role=speaker.title if speaker else role,
            kind=speaker.kind if speaker else role_kind(role),
            resolved_by=Participant.ResolvedBy.CURATOR,
            curated=True,
        )
    participant.labels = sorted(set(participant.labels) | {label})
    participant.curated, participant.resolved_by = True, Participant.ResolvedBy.CURATOR
    participant.save()
    turns = list(transcript.turns.filter(label=label))
    for turn in turns:
        turn.participant = participant
        turn.speaker = speaker
        turn.speaker_curated = True
        turn.save(update_fields=["participant", "speaker", "speaker_curated"])
    transcript.participations.filter(turns=None).delete()
    return speaker or participant, len(turns)


def add_rule(
    label: str,
    source: str,
    speaker: Speaker | None,
    role: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> LabelRule:
    """A curator's choice for a label, kept as the rule for this source (and dates)."""
    rule = LabelRule(label=label, source=source, start_date=start, end_date=end)
    rule.speaker, rule.role = speaker, "" if speaker else role
    rule.save()
    return rule


# --- Merging people, and undoing it ---------------------------------------------------------------


def merge_speakers(keep: Speaker, others: Iterable[Speaker], *, comment: str = "") -> int:
    """Make `others` one person with `keep`: their participations, turns, other names, offices and
    rules move to `keep`, blank fields of `keep` are filled from them, and each is marked merged
    into `keep` (its page redirects there). Call inside a revision (``curator_revision``): the
    revision records the state from before the merge, which ``undo_merge`` restores. Returns the
    number of turns moved."""
    others = [other for other in others if other.pk != keep.pk]
    if not others:
        return 0
    names = ", ".join(f"“{other.name}”" for other in others)
    with reversion.create_revision():
        reversion.set_comment(comment or f"{MERGE_COMMENT}{names} into “{keep.name}”")
        return _merge(keep, others)


def _merge(keep: Speaker, others: list[Speaker]) -> int:
    # The revision keeps what is about to change, as it is now.
    for obj in [
        keep,
        *others,
        *Participant.objects.filter(speaker__in=others),
        *LabelRule.objects.filter(speaker__in=others),
        *Turn.objects.filter(speaker__in=others, participant=None),
    ]:
        reversion.add_to_revision(obj)
    with reversion.create_revision(manage_manually=True):  # the changes below add no version
        moved = list(Turn.objects.filter(speaker__in=others).values_list("pk", flat=True))
        Turn.objects.filter(pk__in=moved).update(speaker=keep)
        for participant in Participant.objects.filter(speaker__in=others):
            participant.speaker = keep
            participant.name = keep.name
            participant.save()
        for other in others:
            other.aliases.update(speaker=keep)
            other.alerts.update(speaker=keep)  # who followed either follows the one kept
            held = set(keep.memberships.values_list("post_id", "start_date"))
            for membership in other.memberships.all():
                if (membership.post_id, membership.start_date) in held:
                    continue
                membership.person = keep
                membership.save()
            LabelRule.objects.filter(speaker=other).update(speaker=keep)
            for name in ("title", "organisation", "description", "family_name"):
                if not getattr(keep, name) and getattr(other, name):
                    setattr(keep, name, getattr(other, name))
            other.merged_into = keep
            other.save()
        keep.save()
    # A transcript in which both records spoke keeps both participants (shown as one), so that
    # undoing the merge finds each as it was.
    reindex_turns(moved)
    return len(moved)


def merge_revision_of(person: Speaker) -> Revision | None:
    """The latest merge that made `person` a record merged into another, if it still stands."""
    if person.merged_into_id is None:
        return None
    version = (
        Version.objects.get_for_object(person)
        .filter(revision__comment__startswith=MERGE_COMMENT)
        .select_related("revision")
        .order_by("-pk")
        .first()
    )
    return version.revision if version else None


def merges_standing(revision: Revision) -> list[Speaker]:
    """The people this merge revision merged that are still merged (empty once undone)."""
    ids = [
        int(v.object_id)
        for v in revision.version_set.filter(content_type__model="speaker")
        if v.field_dict.get("merged_into") is None
    ]
    return list(Speaker.objects.filter(pk__in=ids).exclude(merged_into=None))


def undo_merge(revision: Revision) -> int:
    """Restore what a merge's revision recorded: the merged people, their participations, other
    names, offices and rules. Call inside a new revision. Returns the number of turns moved back."""
    participant_ids = [
        int(v.object_id) for v in revision.version_set.filter(content_type__model="participant")
    ]
    people = [int(v.object_id) for v in revision.version_set.filter(content_type__model="speaker")]
    revision.revert(delete=False)
    moved: list[int] = []
    for participant in Participant.objects.filter(pk__in=participant_ids):
        turn_ids = list(
            Turn.objects.filter(participant=participant)
            .exclude(speaker_id=participant.speaker_id)
            .values_list("pk", flat=True)
        )
        Turn.objects.filter(pk__in=turn_ids).update(speaker=participant.speaker_id)
        moved += turn_ids
    for obj in Speaker.objects.filter(pk__in=people):
        reversion.add_to_revision(obj)
    reindex_turns(moved)
    return len(moved)
