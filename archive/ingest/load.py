"""Load parsed transcripts into the database: one transaction per transcript.

``ingest_file`` (the ``ingest`` command) and ``ingest_text`` (the admin's "Add transcript from
text") are the same code: read, parse, gather metadata, resolve speakers, then save, tag topics
and report an ``IngestOutcome``. A dry run stops before saving and reports what would be saved.

Natural keys make re-ingesting safe: ``Transcript.source_key`` (the source URL if known, else the
file name) and ``content_hash`` (SHA-256 of the decoded text). The same text again is
"unchanged"; a changed text is "skipped" unless ``update=True``, which re-parses it while keeping
what curators did: turn permalinks (old and new turns are aligned by label and text), speaker
reassignments, topic tags on the turns that are still there, and edited metadata fields.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from archive.ingest.labels import label_key
from archive.ingest.metadata import (
    Metadata,
    MetadataError,
    clean_metadata,
    from_filename,
    from_parsed,
    is_web_url,
    merge_metadata,
    parse_date,
    read_sidecar,
)
from archive.ingest.parse import parse_text
from archive.ingest.parsed import ParsedTranscript, ParsedTurn, ParseError
from archive.ingest.reading import MAX_BYTES, read_transcript_file, strip_control_characters
from archive.ingest.speakers import SpeakerPlan, plan_speakers
from archive.languages import own_language
from archive.models import Transcript, Turn
from archive.search.indexing import reindex_transcript
from archive.topics import tag_new_turns, tag_turns

TRANSCRIPT_SUFFIXES = (".txt", ".html", ".htm", ".vtt", ".srt")  # captions: WebVTT, SubRip

LOADED = "loaded"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
FAILED = "failed"
STATUSES = (LOADED, UPDATED, UNCHANGED, SKIPPED, FAILED)

CHANGED_REASON = "changed since it was loaded; use --update"
RACED_REASON = "loaded by another ingest at the same time"

# Saving is tried again when another ingest saved the same transcript, or created a speaker this
# one meant to create, at the same time.
SAVE_ATTEMPTS = 3

# Two turns are "the same turn, lightly edited" when their texts are at least this similar.
SIMILAR_TEXT = 0.6


@dataclass
class TurnPreview:
    position: int
    label: str
    speaker: str | None
    kind: str
    text: str


@dataclass
class IngestOutcome:
    """What happened to one file (or pasted text), or what would happen in a dry run."""

    file: str
    status: str
    transcript: Transcript | None = None
    reason: str = ""
    line: int | None = None
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    metadata: Metadata | None = None
    speakers: list[dict[str, str]] = field(default_factory=list)  # [{"label", "name", "new"}]
    turns: list[TurnPreview] = field(default_factory=list)
    encoding: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def without_texts(self) -> IngestOutcome:
        """This outcome without the transcript's source text and the turns' texts (their count
        and labels kept): what a line of the ingest's report needs, light to hold or to send
        from a worker process."""
        turns = [replace(turn, text="") for turn in self.turns]
        return replace(self, transcript=None, turns=turns)

    def for_summary(self) -> IngestOutcome:
        """This outcome with only what an ingest's closing summary reads (file, status, reason,
        line): the summary of a million turns holds no turn."""
        return replace(self, transcript=None, turns=[], speakers=[], metadata=None, warnings=[])

    def describe_problem(self) -> str:
        """ "line 12: no speaker labels found" or the reason alone."""
        return f"line {self.line}: {self.reason}" if self.line else self.reason

    def as_json(self) -> dict[str, Any]:
        """The dry-run JSON line for this file (the error shape for a failed one)."""
        if self.failed:
            return {"file": self.file, "error": self.reason, "line": self.line}
        metadata = self.metadata or Metadata()
        return {
            "file": self.file,
            "title": metadata.title,
            "date": metadata.date.isoformat() if metadata.date else None,
            "source_url": metadata.source_url or None,
            # "name" as ever; "person" (or null for a role), "role" there, "resolved_by" (curator,
            # name, title, office, role or new) and "new" (a person the load will create) added.
            "speakers": [
                {
                    "label": s["label"],
                    "name": s["name"],
                    "person": s["person"],
                    "role": s["role"],
                    "resolved_by": s["resolved_by"],
                    "new": s["new"],
                }
                for s in self.speakers
            ],
            "turns": [
                {
                    "position": turn.position,
                    "label": turn.label,
                    "speaker": turn.speaker,
                    "kind": turn.kind,
                    "text": turn.text,
                }
                for turn in self.turns
            ],
        }


def failure(file: str, reason: str, line: int | None = None, **kwargs) -> IngestOutcome:
    return IngestOutcome(file=file, status=FAILED, reason=reason, line=line, **kwargs)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def clean_overrides(options: dict[str, Any] | None) -> dict[str, Any]:
    """Metadata given as options (``--title`` ...) checked like a sidecar; the date as text."""
    options = {key: value for key, value in (options or {}).items() if value not in (None, "")}
    if "date" in options:
        options["date"] = parse_date(options["date"], what="--date")
    return clean_metadata(options, origin="options")


# --------------------------------------------------------------------------------------------
# Finding files


def collect_files(paths: Iterable[str | Path]) -> list[Path | IngestOutcome]:
    """The transcript files under `paths` in order: a file as given, a folder searched
    recursively for .txt/.html/.htm/.vtt/.srt files (sidecars skipped). A path that cannot be
    ingested comes back as a failed outcome in its place."""
    items: list[Path | IngestOutcome] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            items.append(failure(str(given), "no such file or directory"))
        elif path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in TRANSCRIPT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if found:
                items.extend(found)
            else:
                items.append(
                    failure(str(given), "nothing to ingest: no .txt, .html or .htm files here")
                )
        elif path.suffix.lower() == ".json":
            items.append(
                failure(str(given), "this is a metadata sidecar; give the transcript beside it")
            )
        else:
            items.append(path)
    return items


# --------------------------------------------------------------------------------------------
# Ingesting


def ingest_file(
    path: str | Path,
    *,
    metadata_overrides: dict[str, Any] | None = None,
    update: bool = False,
    dry_run: bool = False,
    source: str | None = None,
) -> IngestOutcome:
    """Read, parse and load one transcript file (with its sidecar, if any)."""
    path = Path(path)
    file = str(path)
    try:
        overrides = clean_overrides(metadata_overrides)
        if not path.is_file():
            raise ParseError("no such file" if not path.exists() else "not a file")
        decoded = read_transcript_file(path)
        sidecar = read_sidecar(path)
    except (ParseError, MetadataError) as error:
        return failure(file, getattr(error, "message", str(error)), getattr(error, "line", None))
    except OSError as error:
        return failure(file, f"cannot read the file: {error.strerror or error}")
    except Exception as error:  # a reader bug must not stop the other files
        return failure(file, f"could not read: {_one_line(error)}")
    return ingest_text(
        decoded.text,
        filename=path.name,
        file=file,
        metadata=overrides,
        sidecar=sidecar,
        hints=decoded.hints,
        warnings=decoded.warnings,
        encoding=decoded.encoding,
        update=update,
        dry_run=dry_run,
        source=source,
    )


def ingest_text(
    text: str,
    *,
    filename: str | None = None,
    metadata: dict[str, Any] | None = None,
    update: bool = False,
    dry_run: bool = False,
    source: str | None = None,
    sidecar: dict[str, Any] | None = None,
    hints: dict[str, str] | None = None,
    warnings: list[str] | None = None,
    encoding: str | None = None,
    file: str | None = None,
    choices: dict[str, dict] | None = None,
) -> IngestOutcome:
    """Parse and load a transcript's text; ``metadata`` overrides everything else; ``choices``
    are a curator's decisions about labels (the admin's preview: archive.forms.WhoForm)."""
    file = file or filename or "pasted text"
    text = strip_control_characters(text)  # pasted text too; a file's was stripped when read
    warnings = list(warnings or [])
    hints = dict(hints or {})
    if hints.get("source_url") and not is_web_url(hints["source_url"]):
        warnings.append(
            f"the page's source link {hints.pop('source_url')[:80]!r} is not an http(s) "
            "address; ignored"
        )
    if len(text.encode("utf-8")) > MAX_BYTES:
        return failure(file, f"text is larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
    try:
        overrides = clean_overrides(metadata)
        parsed = parse_text(text, filename=filename, source=source, hints=hints)
    except (ParseError, MetadataError) as error:
        return failure(file, getattr(error, "message", str(error)), getattr(error, "line", None))
    except Exception as error:  # a parser bug must not stop the other files
        return failure(file, f"could not parse: {_one_line(error)}")
    warnings.extend(parsed.warnings)
    hinted = {"title": hints.get("title"), "source_url": hints.get("source_url")}
    meta = merge_metadata(
        overrides, sidecar or {}, from_parsed(parsed), hinted, from_filename(filename)
    )

    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source_key = (meta.source_url or filename or f"pasted-{content_hash[:16]}")[:500]
    outcome = IngestOutcome(
        file=file,
        status=LOADED,
        warnings=warnings,
        dry_run=dry_run,
        metadata=meta,
        encoding=encoding,
    )
    for attempt in range(SAVE_ATTEMPTS):
        # Decided again after a lost race: what the other ingest saved may make this one's work
        # unnecessary ("unchanged") rather than a failure.
        existing = Transcript.objects.filter(source_key=source_key).first()
        needs_saving = _decide(outcome, existing, content_hash, meta, update, dry_run)
        if attempt and outcome.status == UNCHANGED and not outcome.reason:
            outcome.reason = RACED_REASON
        plan = _plan(parsed, meta, existing if needs_saving else None, choices)
        outcome.speakers = [
            {"label": label, **choice.describe()} for label, choice in plan.choices.items()
        ]
        outcome.turns = [
            TurnPreview(t.position, t.label, plan.name_for(t.label), t.kind, t.text)
            for t in parsed.turns
        ]
        if dry_run or not needs_saving:
            return outcome
        try:
            with transaction.atomic():
                if outcome.status == UPDATED:
                    outcome.transcript = update_transcript(
                        existing,
                        parsed,
                        meta,
                        plan,
                        text=text,
                        content_hash=content_hash,
                        warnings=warnings,
                    )
                    tag_turns(outcome.transcript.turns.all())
                else:
                    outcome.transcript = create_transcript(
                        parsed,
                        meta,
                        plan,
                        text=text,
                        content_hash=content_hash,
                        source_key=source_key,
                    )  # tags its turns as it makes them
            break
        except IntegrityError as error:
            # Another ingest running at the same time saved this transcript, or a speaker, alias
            # or slug this one meant to create: decide and plan again, now seeing theirs.
            if attempt + 1 == SAVE_ATTEMPTS:
                return failure(file, f"could not save: {_one_line(error)}", warnings=warnings)
        except Exception as error:  # one file's failure must never stop the others
            return failure(file, f"could not save: {_one_line(error)}", warnings=warnings)
    return outcome


def _decide(
    outcome: IngestOutcome,
    existing: Transcript | None,
    content_hash: str,
    meta: Metadata,
    update: bool,
    dry_run: bool,
) -> bool:
    """Set the outcome's status from what is loaded already (`existing`: the transcript from the
    same source); True when the text is to be saved."""
    same_text = Transcript.objects.filter(content_hash=content_hash).first()
    outcome.status, outcome.transcript, outcome.reason = LOADED, None, ""
    if same_text is not None:
        outcome.transcript = same_text
        outcome.status = UNCHANGED
        if same_text != existing:
            outcome.reason = f"the same text is already loaded as {same_text.title!r}"
        elif update and _refresh_metadata(same_text, meta, dry_run=dry_run):
            # Same text, new metadata (a corrected sidecar): saved by _refresh_metadata.
            outcome.status = UPDATED
            outcome.reason = "metadata refreshed; the text is unchanged"
        return False
    if existing is not None:
        outcome.transcript = existing
        if update:
            outcome.status = UPDATED
        else:
            outcome.status, outcome.reason = SKIPPED, CHANGED_REASON
    return outcome.status in (LOADED, UPDATED)


def _plan(
    parsed: ParsedTranscript, meta: Metadata, existing: Transcript | None, choices=None
) -> SpeakerPlan:
    return plan_speakers([t.label for t in parsed.turns], meta, existing=existing, choices=choices)


def _refresh_metadata(transcript: Transcript, meta: Metadata, *, dry_run: bool) -> bool:
    """Apply new metadata to the fields no curator edited; True when anything changed."""
    changed = [
        name
        for name, value in meta.model_fields().items()
        if name not in transcript.curated_fields and getattr(transcript, name) != value
    ]
    if changed and not dry_run:
        for name in changed:
            setattr(transcript, name, meta.model_fields()[name])
        transcript.save()
    return bool(changed)


def create_transcript(
    parsed: ParsedTranscript,
    meta: Metadata,
    plan: SpeakerPlan,
    *,
    text: str,
    content_hash: str,
    source_key: str,
) -> Transcript:
    """Save a new transcript, its participants and its turns (call inside a transaction)."""
    transcript = Transcript.objects.create(
        **meta.model_fields(),
        published=meta.published,
        source_key=source_key,
        original_text=text,
        content_hash=content_hash,
    )
    participants = plan.save(transcript)
    turns = []
    for turn in parsed.turns:
        participant = participants.get(turn.label)
        turns.append(
            Turn(
                transcript=transcript,
                position=turn.position,
                label=turn.label[:200],
                text=turn.text,
                kind=turn.kind,
                language=own_language(turn.text, meta.language) if turn.kind == "speech" else "",
                participant=participant,
                speaker_id=participant.speaker_id if participant else None,
            )
        )
    Turn.objects.bulk_create(turns)
    tag_new_turns(turns)
    # bulk_create sends no post_save signals: tell the search code.
    reindex_transcript(transcript)
    return transcript


def update_transcript(
    transcript: Transcript,
    parsed: ParsedTranscript,
    meta: Metadata,
    plan: SpeakerPlan,
    *,
    text: str,
    content_hash: str,
    warnings: list[str] | None = None,
) -> Transcript:
    """Re-load a changed text into an existing transcript, keeping curators' work (call inside a
    transaction).

    Matched turns are updated in place, so they keep their id, permalink key and topic tags;
    turns that are gone are deleted; new turns are created. A curator's speaker on a matched
    turn stays, and a new turn whose label a curator had reassigned gets that speaker too.
    """
    participants = plan.save(transcript)
    old_turns = list(transcript.turns.select_related("speaker", "participant").order_by("position"))
    matches = align_turns(old_turns, parsed.turns)
    matched_ids = {turn.pk for turn in matches.values()}

    curated_by_label: dict[str, Counter] = {}
    for turn in old_turns:
        if turn.speaker_curated and (turn.participant_id or turn.speaker_id):
            curated_by_label.setdefault(_key(turn.label), Counter())[
                (turn.participant, turn.speaker)
            ] += 1

    gone = [turn for turn in old_turns if turn.pk not in matched_ids]
    if gone and warnings is not None:
        warnings.append(f"{len(gone)} turn(s) no longer in the text were removed")
    if gone:
        Turn.objects.filter(pk__in=[turn.pk for turn in gone]).delete()
    # Move the kept turns out of the way so that new positions never collide with old ones
    # (turn_unique_position is checked row by row).
    offset = max([t.position for t in old_turns] + [len(parsed.turns)]) + 1
    transcript.turns.update(position=F("position") + offset)

    new_turns = []
    for index, parsed_turn in enumerate(parsed.turns):
        participant = participants.get(parsed_turn.label)
        speaker = participant.speaker if participant else None
        curated = False
        language = (
            own_language(parsed_turn.text, meta.language) if parsed_turn.kind == "speech" else ""
        )
        old = matches.get(index)
        if old is not None and old.speaker_curated:
            participant, speaker, curated = old.participant, old.speaker, True
        elif old is None and _key(parsed_turn.label) in curated_by_label:
            participant, speaker = curated_by_label[_key(parsed_turn.label)].most_common(1)[0][0]
            curated = True
        if old is not None:
            old.position = parsed_turn.position
            old.label = parsed_turn.label[:200]
            old.text = parsed_turn.text
            old.kind = parsed_turn.kind
            old.language = language
            old.participant = participant
            old.speaker = speaker
            old.speaker_curated = curated
            old.save(
                update_fields=[
                    "position",
                    "label",
                    "text",
                    "kind",
                    "language",
                    "participant",
                    "speaker",
                    "speaker_curated",
                ]
            )
        else:
            new_turns.append(
                Turn(
                    transcript=transcript,
                    position=parsed_turn.position,
                    label=parsed_turn.label[:200],
                    text=parsed_turn.text,
                    kind=parsed_turn.kind,
                    language=language,
                    participant=participant,
                    speaker=speaker,
                    speaker_curated=curated,
                )
            )
    Turn.objects.bulk_create(new_turns)
    # Participants left without a turn (a label gone from the text) go.
    transcript.participations.filter(turns=None).delete()
    reindex_transcript(transcript)

    for name, value in meta.model_fields().items():
        if name not in transcript.curated_fields:
            setattr(transcript, name, value)
    transcript.original_text = text
    transcript.content_hash = content_hash
    transcript.save()
    return transcript


def _key(label: str) -> str:
    return label_key(label) if label else ""


def _text_key(text: str) -> str:
    return " ".join(text.split())


def align_turns(old: list[Turn], new: list[ParsedTurn]) -> dict[int, Turn]:
    """Pair new turns (by index) with the old turns they continue.

    Identical turns (same label, same text up to spacing) are matched as a sequence first
    (difflib); in the stretches between them, a new turn takes the next old turn with the same
    label whose text is similar enough, keeping order.
    """
    a = [(_key(t.label), _text_key(t.text)) for t in old]
    b = [(_key(t.label), _text_key(t.text)) for t in new]
    matches: dict[int, Turn] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                matches[j1 + k] = old[i1 + k]
        elif tag == "replace":
            start = i1
            for j in range(j1, j2):
                for i in range(start, i2):
                    if a[i][0] == b[j][0] and _similar(a[i][1], b[j][1]):
                        matches[j] = old[i]
                        start = i + 1
                        break
    return matches


def _similar(old_text: str, new_text: str) -> bool:
    matcher = SequenceMatcher(None, old_text, new_text, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR_TEXT
        and matcher.quick_ratio() >= SIMILAR_TEXT
        and matcher.ratio() >= SIMILAR_TEXT
    )
