"""Forms for curation in the admin: adding a transcript from text, reassigning a label."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from archive.ingest.metadata import KINDS
from archive.ingest.parsed import ParseError
from archive.ingest.reading import MAX_BYTES, read_transcript_file
from archive.models import Speaker, Transcript, Turn, validate_web_url

METADATA_FIELDS = Transcript.CURATABLE_FIELDS  # what the form may set is what curators may edit


class TranscriptTextForm(forms.Form):
    """Paste a transcript or upload a file, with optional metadata (which wins over what the
    parser finds). The preview page carries the decoded text on in a hidden field."""

    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="Paste the transcript, labels and all (QUESTION:, SECRETARY BLINKEN: ...).",
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

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
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
        """The same submission as a form whose every field can ride along hidden."""
        initial = {name: self.cleaned_data.get(name) for name in self.fields if name != "upload"}
        return TranscriptTextForm(initial=initial)


class ReassignLabelForm(forms.Form):
    """In one transcript, give every turn of one label to another speaker."""

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
        if bool(speaker) == bool(name):
            raise forms.ValidationError("Choose a speaker or type a new speaker's name (not both).")
        return cleaned
