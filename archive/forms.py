"""Forms for curation in the admin: adding a transcript from text (with a server-side draft
between preview and save), choosing who each label is, editing turns a page at a time,
reassigning a label."""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from archive.ingest.metadata import KINDS
from archive.ingest.parsed import ParseError
from archive.ingest.reading import MAX_BYTES, read_transcript_file
from archive.models import Participant, Speaker, Transcript, Turn, validate_web_url

# --- Drafts: the text between a preview and its saving ----------------------------------------

DRAFTS = Path(settings.DATA_DIR) / "drafts"
DRAFT_LIFETIME = 24 * 3600


def save_draft(data: dict) -> str:
    """Keep a previewed transcript on the server (the confirming form carries its token, not a
    20 MB text); drafts older than a day go."""
    DRAFTS.mkdir(parents=True, exist_ok=True)
    for old in DRAFTS.glob("*.json"):
        if old.stat().st_mtime < time.time() - DRAFT_LIFETIME:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    (DRAFTS / f"{token}.json").write_text(json.dumps(data), encoding="utf-8")
    return token


def read_draft(token: str) -> dict | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    try:
        return json.loads((DRAFTS / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def forget_draft(token: str) -> None:
    if token and token.replace("-", "").replace("_", "").isalnum():
        (DRAFTS / f"{token}.json").unlink(missing_ok=True)


METADATA_FIELDS = Transcript.CURATABLE_FIELDS  # what the form may set is what curators may edit


class TranscriptTextForm(forms.Form):
    """Paste a transcript or upload a file, with optional metadata (which wins over what the
    parser finds). The preview page carries the decoded text on in a hidden field."""

    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="Paste the transcript, labels and all (QUESTION:, SECRETARY BLINKEN: ...), up to "
        "20 MB.",
    )
    upload = forms.FileField(
        required=False, label="or upload a file", help_text=".txt, .html or .htm, up to 20 MB"
    )
    filename = forms.CharField(
        required=False,
        max_length=255,
        help_text="Identifies the transcript when it has no source URL, so that adding a "
        "corrected text again updates it; an uploaded file's name by default.",
    )
    title = forms.CharField(required=False, max_length=300)
    date = forms.DateField(required=False, help_text="YYYY-MM-DD")
    kind = forms.ChoiceField(
        required=False, choices=[("", "(from the text)")] + [(k, k) for k in KINDS]
    )
    outlet = forms.CharField(required=False, max_length=200, label="outlet or venue")
    location = forms.CharField(required=False, max_length=200)
    source_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", validators=[validate_web_url]
    )
    source_name = forms.CharField(required=False, max_length=200)
    language = forms.CharField(required=False, max_length=12)
    update = forms.BooleanField(
        required=False,
        help_text="If this source is already loaded with a different text, re-load it (keeping "
        "curators' edits).",
    )
    hints = forms.CharField(required=False, widget=forms.HiddenInput)
    draft = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        draft = read_draft(cleaned.get("draft") or "") if not upload else None
        if draft is not None and not (cleaned.get("text") or "").strip():
            cleaned["text"] = draft["text"]
            cleaned["hints"] = cleaned.get("hints") or json.dumps(draft.get("hints") or {})
            cleaned["filename"] = cleaned.get("filename") or draft.get("filename") or ""
            self.read_warnings = list(draft.get("warnings") or [])
            return cleaned
        if cleaned.get("draft") and draft is None and not upload and not cleaned.get("text"):
            raise forms.ValidationError("This preview has expired; paste or upload the text again.")
        if upload and cleaned.get("text"):
            raise forms.ValidationError("Paste a text or upload a file, not both.")
        if upload:
            self._read_upload(upload, cleaned)
        elif not (cleaned.get("text") or "").strip():
            raise forms.ValidationError("Paste a transcript or upload a file.")
        # Browsers send line breaks as CRLF; store the text with plain newlines, so that the
        # preview and the confirmed text (and their content hash) are the same.
        cleaned["text"] = cleaned["text"].replace("\r\n", "\n").replace("\r", "\n")
        return cleaned

    def _read_upload(self, upload, cleaned) -> None:
        """Decode the upload exactly as the ingest command reads a file."""
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit."
            )
        name = Path(upload.name).name
        suffix = Path(name).suffix.lower() or ".txt"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                decoded = read_transcript_file(path)
            except ParseError as error:
                raise forms.ValidationError(f"{name}: {error}") from None
        cleaned["text"] = decoded.text
        cleaned["hints"] = json.dumps(decoded.hints)
        cleaned["filename"] = cleaned.get("filename") or name
        self.read_warnings = list(decoded.warnings)

    def metadata(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in METADATA_FIELDS
            if self.cleaned_data.get(name)
        }

    def hint_dict(self) -> dict[str, str]:
        try:
            hints = json.loads(self.cleaned_data.get("hints") or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in hints.items()} if isinstance(hints, dict) else {}

    def carried(self) -> TranscriptTextForm:
        """The same submission as a form whose every field can ride along hidden: the text stays
        on the server as a draft and the form carries its token."""
        token = self.cleaned_data.get("draft") or ""
        if read_draft(token) is None:
            token = save_draft(
                {
                    "text": self.cleaned_data["text"],
                    "hints": self.hint_dict(),
                    "filename": self.cleaned_data.get("filename") or "",
                    "warnings": getattr(self, "read_warnings", []),
                }
            )
        initial = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name not in ("upload", "text")
        }
        initial["draft"] = token
        return TranscriptTextForm(initial=initial)


# --- Who a label is: the curator's choice ------------------------------------------------------

WHO_CHOICES = [
    ("", "as resolved"),
    ("person", "this person"),
    ("new", "a new person"),
    ("role", "a role in this transcript"),
]


class WhoForm(forms.Form):
    """For each label (or participant): keep what resolution found, or pick an existing person
    (autocomplete), create one, or leave it a role; and whether the choice becomes the rule for
    this source (between optional dates)."""

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = list(keys)
        speaker_field = Participant._meta.get_field("speaker")
        for n, _ in enumerate(self.keys):
            self.fields[f"who-{n}"] = forms.ChoiceField(
                choices=WHO_CHOICES, required=False, label="is"
            )
            self.fields[f"person-{n}"] = forms.ModelChoiceField(
                queryset=Speaker.objects.named(),
                required=False,
                label="person",
                widget=AutocompleteSelect(speaker_field, admin.site),
            )
            self.fields[f"name-{n}"] = forms.CharField(
                required=False, max_length=200, label="new person's name"
            )
            self.fields[f"role-{n}"] = forms.CharField(required=False, max_length=200, label="role")
            self.fields[f"rule-{n}"] = forms.BooleanField(
                required=False, initial=True, label="the rule for this source"
            )
            self.fields[f"from-{n}"] = forms.DateField(required=False, label="from")
            self.fields[f"to-{n}"] = forms.DateField(required=False, label="to")

    def rows(self):
        """(key, bound fields) per label, for the template."""
        for n, key in enumerate(self.keys):
            yield key, {name: self[f"{name}-{n}"] for name in WHO_FIELDS}

    def clean(self):
        cleaned = super().clean()
        for n, key in enumerate(self.keys):
            who = cleaned.get(f"who-{n}")
            needed = {"person": "person", "new": "name", "role": "role"}.get(who or "")
            if needed and not cleaned.get(f"{needed}-{n}"):
                self.add_error(f"{needed}-{n}", f"Say which {needed} “{key}” is.")
        return cleaned

    def choices(self) -> dict[str, dict]:
        """{key: {"who", "person", "name", "role", "rule", "start", "end"}} for the keys a curator
        decided."""
        found = {}
        for n, key in enumerate(self.keys):
            who = self.cleaned_data.get(f"who-{n}")
            if who:
                found[key] = {
                    "who": who,
                    "person": self.cleaned_data.get(f"person-{n}"),
                    "name": (self.cleaned_data.get(f"name-{n}") or "").strip(),
                    "role": (self.cleaned_data.get(f"role-{n}") or "").strip(),
                    "rule": self.cleaned_data.get(f"rule-{n}"),
                    "start": self.cleaned_data.get(f"from-{n}"),
                    "end": self.cleaned_data.get(f"to-{n}"),
                }
        return found


WHO_FIELDS = ("who", "person", "name", "role", "rule", "from", "to")


# --- Turns, a page at a time -------------------------------------------------------------------


class TurnEditForm(forms.ModelForm):
    """One turn in the turn editor: its label, who speaks it (a participant of its transcript),
    kind and text."""

    class Meta:
        model = Turn
        fields = ("label", "participant", "kind", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "cols": 90})}

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        field.queryset = Participant.objects.filter(pk__in=[p.pk for p in participants])
        field.label_from_instance = lambda p: str(p)


def turn_formset(data=None, *, queryset, participants):
    formset_class = forms.modelformset_factory(Turn, form=TurnEditForm, extra=0, can_delete=False)
    return formset_class(
        data, queryset=queryset, form_kwargs={"participants": participants}, prefix="turns"
    )


class ReassignLabelForm(forms.Form):
    """In one transcript, give every turn of one label to another person, a new one, or a role."""

    label = forms.ChoiceField()
    speaker = forms.ModelChoiceField(
        queryset=Speaker.objects.all(),
        required=False,
        widget=AutocompleteSelect(Turn._meta.get_field("speaker"), admin.site),
    )
    new_speaker_name = forms.CharField(
        required=False, max_length=200, help_text="…or create a new speaker with this name."
    )
    new_speaker_kind = forms.ChoiceField(
        choices=Speaker.Kind.choices, initial=Speaker.Kind.JOURNALIST, required=False
    )
    role = forms.CharField(
        required=False,
        max_length=200,
        help_text="…or leave it a role in this transcript only (“Moderator”, “Reporter, Reuters”).",
    )

    def __init__(self, *args, transcript: Transcript, **kwargs):
        super().__init__(*args, **kwargs)
        labels = (
            transcript.turns.exclude(label="").order_by("position").values_list("label", flat=True)
        )
        counts: dict[str, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        self.fields["label"].choices = [
            (label, f"{label} ({count} turns)") for label, count in counts.items()
        ]

    def clean(self):
        cleaned = super().clean()
        speaker, name = cleaned.get("speaker"), (cleaned.get("new_speaker_name") or "").strip()
        role = (cleaned.get("role") or "").strip()
        if sum(map(bool, (speaker, name, role))) != 1:
            raise forms.ValidationError(
                "Choose a speaker or type a new speaker's name or a role (one of them)."
            )
        return cleaned
