"""Which speaker each label of a transcript stands for (the database side of labels).

A printed label ("SECRETARY BLINKEN") is looked up by its normalised key among the speaker
aliases. A label nobody has seen before gets a new speaker (named by ``display_name``) and an
alias, so the next transcript that uses it finds the same person. Labels that shorten within one
transcript ("President of Russia Vladimir Putin", later "Vladimir Putin") are one speaker.

Anonymous labels (QUESTION, Q, 问) and answer placeholders ("A") get no global alias: every
transcript has its own questioner (and respondent), a speaker of kind "unidentified" that a
curator can rename or replace. A sidecar's ``speakers`` mapping names any label outright.

``plan_speakers`` only reads the database, so a dry run can show the names; ``SpeakerPlan.save``
creates what the plan needs, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from archive.ingest.labels import (
    display_name,
    group_labels,
    is_anonymous,
    is_answer_placeholder,
    label_key,
    split_label,
)
from archive.ingest.metadata import Metadata, SpeakerInfo
from archive.models import Speaker, SpeakerAlias, Transcript

QUESTIONER = "questioner"
RESPONDENT = "respondent"

_MODERATOR_WORDS = {"MODERATOR", "OPERATOR", "HOST", "CHAIR", "CHAIRMAN", "CHAIRWOMAN"}
_INTERPRETER_WORDS = {"INTERPRETER", "TRANSLATOR"}


def speaker_kind_for_label(label: str) -> str:
    words = set(label.upper().replace(".", " ").replace(",", " ").split())
    if words & _MODERATOR_WORDS:
        return Speaker.Kind.MODERATOR
    if words & _INTERPRETER_WORDS:
        return Speaker.Kind.INTERPRETER
    return Speaker.Kind.OFFICIAL


def role_for_label(label: str) -> str | None:
    """QUESTIONER for anonymous labels, RESPONDENT for "A", None for a named label."""
    if is_anonymous(label):
        return QUESTIONER
    if is_answer_placeholder(label):
        return RESPONDENT
    return None


def transcript_context(metadata: Metadata) -> str:
    """How a per-transcript speaker names its transcript: "Reuters NEXT interview (3 Dec 2021)"."""
    where = metadata.outlet or metadata.source_name
    kind = "" if metadata.kind == "other" else Transcript.Kind(metadata.kind).label.lower()
    if where:
        context = f"{where} {kind}".strip()
    else:
        title = metadata.title
        context = title if len(title) <= 70 else title[:69].rstrip() + "…"
    if metadata.date:
        context += f" ({metadata.date.day} {metadata.date:%b %Y})"
    return context


def role_speaker_name(role: str, metadata: Metadata) -> str:
    noun = "Questioner" if role == QUESTIONER else "Respondent"
    return f"{noun}, {transcript_context(metadata)}"[:200]


@dataclass
class SpeakerChoice:
    """The speaker a label stands for: an existing one, or one the plan will create."""

    name: str
    speaker: Speaker | None = None
    fields: dict[str, str] = field(default_factory=dict)  # for a speaker still to create
    alias_labels: list[str] = field(default_factory=list)  # global aliases still to create
    role: str | None = None  # QUESTIONER / RESPONDENT for per-transcript speakers

    @property
    def is_new(self) -> bool:
        return self.speaker is None


@dataclass
class SpeakerPlan:
    """The speaker for every label of one transcript."""

    choices: dict[str, SpeakerChoice]  # by label as printed

    def name_for(self, label: str) -> str | None:
        choice = self.choices.get(label)
        return choice.name if choice else None

    def save(self) -> dict[str, Speaker]:
        """Create the speakers and aliases the plan needs; return the speaker for each label."""
        created: dict[int, Speaker] = {}
        for choice in self._distinct_choices():
            if choice.speaker is None:
                # Another ingest may have created this speaker since the plan was made.
                choice.speaker = _speaker_with_alias(choice.alias_labels)
            if choice.speaker is None:
                choice.speaker = Speaker.objects.create(name=choice.name, **choice.fields)
                created[id(choice)] = choice.speaker
            for label in choice.alias_labels:
                if not SpeakerAlias.objects.filter(key=label_key(label)).exists():
                    SpeakerAlias.objects.create(speaker=choice.speaker, label=label)
            choice.alias_labels = []
        return {label: choice.speaker for label, choice in self.choices.items()}

    def _distinct_choices(self) -> list[SpeakerChoice]:
        seen: dict[int, SpeakerChoice] = {}
        for choice in self.choices.values():
            seen.setdefault(id(choice), choice)
        return list(seen.values())


def _speaker_with_alias(labels: list[str]) -> Speaker | None:
    alias = (
        SpeakerAlias.objects.filter(key__in=[label_key(label) for label in labels])
        .select_related("speaker")
        .first()
    )
    return alias.speaker if alias else None


def plan_speakers(
    labels: Iterable[str],
    metadata: Metadata,
    *,
    role_speakers: dict[str, Speaker] | None = None,
) -> SpeakerPlan:
    """Decide, reading the database only, which speaker each label stands for.

    ``role_speakers`` are the per-transcript questioner / respondent already in the database
    (when a transcript is re-ingested), so that a curator's renaming of them survives.
    """
    role_speakers = role_speakers or {}
    all_labels = [label for label in labels if label]
    ordered = list(dict.fromkeys(all_labels))
    sidecar = {label_key(label): info for label, info in metadata.speakers.items()}
    choices: dict[str, SpeakerChoice] = {}
    by_name: dict[str, SpeakerChoice] = {}  # so two labels mapped to one name share a choice
    by_role: dict[str, SpeakerChoice] = {}

    named = []
    for label in ordered:
        key = label_key(label)
        role = role_for_label(label)
        if key in sidecar:
            choices[label] = _choice_from_info(sidecar[key], label, role, by_name)
        elif role:
            if role not in by_role:
                existing = role_speakers.get(role)
                by_role[role] = (
                    SpeakerChoice(name=existing.name, speaker=existing, role=role)
                    if existing
                    else SpeakerChoice(
                        name=role_speaker_name(role, metadata),
                        fields={"kind": Speaker.Kind.UNIDENTIFIED},
                        role=role,
                    )
                )
            choices[label] = by_role[role]
        else:
            named.append(label)

    if named:
        aliases = {
            alias.key: alias.speaker
            for alias in SpeakerAlias.objects.filter(
                key__in={label_key(label) for label in named}
            ).select_related("speaker")
        }
        groups: dict[str, list[str]] = {}
        named_set = set(named)
        # All occurrences, not distinct labels: group_labels prefers the most used spelling.
        for label, canonical in group_labels([x for x in all_labels if x in named_set]).items():
            groups.setdefault(canonical, []).append(label)
        for canonical, members in groups.items():
            members.sort(key=lambda label: label != canonical)
            known = next((aliases[label_key(m)] for m in members if label_key(m) in aliases), None)
            missing = _distinct_by_key(m for m in members if label_key(m) not in aliases)
            if known is not None:
                choice = SpeakerChoice(name=known.name, speaker=known, alias_labels=missing)
            else:
                choice = _new_named_choice(canonical, missing, by_name)
            for member in members:
                choices[member] = choice
    # Keep the transcript's own order of labels.
    return SpeakerPlan({label: choices[label] for label in ordered})


def _distinct_by_key(labels: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for label in labels:
        seen.setdefault(label_key(label), label)
    return list(seen.values())


def _find_by_name(name: str) -> Speaker | None:
    return Speaker.objects.filter(name__iexact=name).order_by("pk").first()


def _choice_from_info(
    info: SpeakerInfo, label: str, role: str | None, by_name: dict[str, SpeakerChoice]
) -> SpeakerChoice:
    """A sidecar's speaker: found by name, or created. Named labels also become aliases unless
    the label already names someone; anonymous ones never do."""
    folded = info.name.casefold()
    if folded not in by_name:
        existing = _find_by_name(info.name)
        fields = {
            "title": info.title,
            "organisation": info.organisation,
            "kind": info.kind or (Speaker.Kind.JOURNALIST if role == QUESTIONER else "official"),
            "description": info.description,
        }
        by_name[folded] = SpeakerChoice(
            name=existing.name if existing else info.name,
            speaker=existing,
            fields={} if existing else fields,
        )
    choice = by_name[folded]
    key = label_key(label)
    if (
        role is None
        and key not in {label_key(a) for a in choice.alias_labels}
        and not SpeakerAlias.objects.filter(key=key).exists()
    ):
        choice.alias_labels.append(label)
    return choice


def _new_named_choice(
    canonical: str, labels: list[str], by_name: dict[str, SpeakerChoice]
) -> SpeakerChoice:
    name = display_name(canonical) or canonical
    folded = name.casefold()
    if folded in by_name:
        choice = by_name[folded]
        choice.alias_labels.extend(labels)
        return choice
    existing = _find_by_name(name)
    if existing is not None:
        choice = SpeakerChoice(name=existing.name, speaker=existing, alias_labels=labels)
    else:
        parts = split_label(canonical)
        choice = SpeakerChoice(
            name=name,
            fields={"title": (parts.title or "")[:200], "kind": speaker_kind_for_label(canonical)},
            alias_labels=labels,
        )
    by_name[folded] = choice
    return choice


def load_known_speakers(entries: Iterable[dict]) -> tuple[int, int]:
    """Add known speakers (``fixtures/speakers.json``): a speaker missing by name is created, an
    alias missing by key is added. Existing speakers keep their curated fields.
    Returns (speakers created, aliases added)."""
    speakers_created = aliases_added = 0
    for entry in entries:
        speaker = _find_by_name(entry["name"])
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


# --------------------------------------------------------------------------------------------
# Curation (used by the admin)


def merge_speakers(keep: Speaker, others: Iterable[Speaker]) -> int:
    """Move every turn and alias of `others` to `keep` and delete them; blank fields of `keep`
    are filled from the others. Returns the number of turns moved. Call inside a transaction."""
    from archive.models import Turn
    from archive.search.indexing import reindex_turns

    others = [other for other in others if other.pk != keep.pk]
    moved_ids: list[int] = []
    for other in others:
        turn_ids = list(Turn.objects.filter(speaker=other).values_list("pk", flat=True))
        Turn.objects.filter(pk__in=turn_ids).update(speaker=keep)
        moved_ids.extend(turn_ids)
        for alias in SpeakerAlias.objects.filter(speaker=other):
            alias.speaker = keep
            alias.save()
        other.alerts.update(speaker=keep)  # who followed either follows the one kept
        for name in ("title", "organisation", "description"):
            if not getattr(keep, name) and getattr(other, name):
                setattr(keep, name, getattr(other, name))
        other.delete()
    keep.save()
    # QuerySet.update() sends no signals: tell the search code which turns changed.
    reindex_turns(moved_ids)
    return len(moved_ids)


def reassign_label(
    transcript: Transcript,
    label: str,
    speaker: Speaker | None = None,
    *,
    new_name: str = "",
    new_kind: str = Speaker.Kind.JOURNALIST,
) -> tuple[Speaker, int]:
    """Give every turn of `label` in `transcript` to `speaker` (or to a new speaker called
    `new_name`), marked as a curator's choice so that re-ingesting keeps it."""
    if speaker is None:
        speaker = Speaker.objects.create(name=new_name, kind=new_kind or Speaker.Kind.JOURNALIST)
    turns = list(transcript.turns.filter(label=label))
    for turn in turns:
        turn.speaker = speaker
        turn.speaker_curated = True
        turn.save(update_fields=["speaker", "speaker_curated"])
    return speaker, len(turns)
