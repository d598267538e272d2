"""Existing archives: every speaker that was a role rather than a person becomes a participant of
each transcript it spoke in, and every turn gets its participant.

Before this, a label such as "THE PRESIDENT", "MODERATOR" or "Reuters" was one speaker for the
whole archive, and each transcript had its own "Questioner, …" placeholder speaker. Now:

- a placeholder (kind "unidentified") becomes a participant of its transcript ("Questioner",
  "Respondent", or the name a curator gave it);
- a role speaker (its name and every alias a role, an office without a name, or a media outlet)
  becomes one participant per transcript ("Moderator", "The President", "Reporter, NHK"); its turns
  keep their curated flag, and the speaker and its aliases go;
- every other speaker is a person: a participant per transcript points at it, with its title.

Nothing a curator did is lost: curated turn speakers stay on their turns (a curated role turn keeps
its participant, marked curated), aliases of people and merges stay. Turns whose speaker changed
are queued for the search index (IndexTask). The people dataset is loaded after migrate, and then
links label-named speakers ("Secretary Blinken") and office roles ("The President" at the White
House in 2020) to people (archive/people/linking.py).
"""

from django.db import migrations

from archive.ingest.labels import is_anonymous, is_answer_placeholder, split_label
from archive.people.names import display_role, fold, outlet_of, role_kind
from archive.people.resolve import GENERIC_ROLES

PRESS_KINDS = {"briefing", "gaggle", "call", "press-conference"}


def is_role_label(label: str) -> bool:
    if not label.strip():
        return False
    if is_anonymous(label) or is_answer_placeholder(label) or outlet_of(label):
        return True
    key = fold(label).rstrip("0123456789 ")
    if key in GENERIC_ROLES:
        return True
    return not split_label(label).name


def role_name(speaker, label: str, transcript_kind: str) -> tuple[str, str, str]:
    """(name, kind, organisation) of the participant a role speaker becomes in a transcript."""
    if speaker.kind == "unidentified":
        for prefix, noun in (("Questioner, ", "Questioner"), ("Respondent, ", "Respondent")):
            if speaker.name.startswith(prefix):
                if noun == "Questioner" and transcript_kind in PRESS_KINDS:
                    noun = "Reporter"
                return noun, "journalist" if noun != "Respondent" else "official", ""
        return speaker.name, "journalist", speaker.organisation  # renamed by a curator
    outlet = outlet_of(label) if label else None
    if outlet:
        return f"Reporter, {outlet}", "journalist", outlet
    name = display_role(label) if label else speaker.name
    kind = speaker.kind if speaker.kind in ("moderator", "interpreter", "journalist") else ""
    return name, kind or role_kind(name), speaker.organisation


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Speaker = apps.get_model("archive", "Speaker")
    SpeakerAlias = apps.get_model("archive", "SpeakerAlias")
    Turn = apps.get_model("archive", "Turn")
    Participant = apps.get_model("archive", "Participant")
    IndexTask = apps.get_model("archive", "IndexTask")

    aliases: dict[int, list[str]] = {}
    for speaker_id, label in SpeakerAlias.objects.using(db).values_list("speaker_id", "label"):
        aliases.setdefault(speaker_id, []).append(label)
    speakers = {s.pk: s for s in Speaker.objects.using(db)}
    roles = {
        pk
        for pk, s in speakers.items()
        if s.kind in ("unidentified", "moderator", "interpreter")
        or (is_role_label(s.name) and all(is_role_label(a) for a in aliases.get(pk, [])))
    }
    for s in speakers.values():
        if not s.sort_name:
            words = s.name.split()
            s.sort_name = f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else s.name
            s.save(update_fields=["sort_name"])

    pairs = (
        Turn.objects.using(db)
        .exclude(speaker=None)
        .values_list("transcript_id", "speaker_id", "transcript__kind")
        .distinct()
        .order_by("transcript_id", "speaker_id")
    )
    touched: set[int] = set()
    role_participants: dict[tuple[int, str], object] = {}
    for transcript_id, speaker_id, transcript_kind in pairs:
        speaker = speakers[speaker_id]
        turns = Turn.objects.using(db).filter(transcript_id=transcript_id, speaker_id=speaker_id)
        labels = sorted({label for label in turns.values_list("label", flat=True) if label})
        curated = not turns.filter(speaker_curated=False).exists()
        if speaker_id in roles:
            name, kind, organisation = role_name(speaker, labels[0] if labels else "", transcript_kind)
            key = (transcript_id, fold(name))
            participant = role_participants.get(key)
            if participant is None:
                participant = Participant.objects.using(db).create(
                    transcript_id=transcript_id,
                    name=name[:200],
                    role=name[:200],
                    kind=kind,
                    organisation=organisation[:200],
                    labels=labels,
                    resolved_by="curator" if curated else "role",
                    curated=curated,
                )
                role_participants[key] = participant
            else:
                participant.labels = sorted(set(participant.labels) | set(labels))
                participant.save(update_fields=["labels"])
            turns.update(participant=participant, speaker=None)
            touched.add(transcript_id)
        else:
            participant = Participant.objects.using(db).create(
                transcript_id=transcript_id,
                speaker_id=speaker_id,
                name=speaker.name,
                role=speaker.title,
                kind=speaker.kind,
                organisation=speaker.organisation,
                labels=labels,
                resolved_by="curator" if curated else "name",
                curated=curated,
            )
            turns.update(participant=participant)
    Speaker.objects.using(db).filter(pk__in=roles).exclude(turns__isnull=False).delete()
    IndexTask.objects.using(db).bulk_create(
        [IndexTask(scope="transcript", object_id=pk) for pk in sorted(touched)]
    )


def backwards(apps, schema_editor):
    """Participants go with the schema; turns of role participants are left without a speaker."""


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_people_offices_participants")]

    operations = [migrations.RunPython(forwards, backwards)]
