"""A transcript's metadata, gathered from four places in order of precedence.

1. options given to ``manage.py ingest`` (or the admin form): ``--title``, ``--date`` ...
2. a JSON sidecar beside the file (``interview.txt`` + ``interview.json``)
3. what the parser found in the transcript's header
4. the file name: a leading ``YYYY-MM-DD`` gives the date, the rest a fallback title

Each source is a plain dict of the keys below; ``merge_metadata`` layers them. Errors (a bad
date, malformed JSON) are ``MetadataError``: one line a person can act on.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

KINDS = (
    "interview",
    "briefing",
    "press-conference",
    "remarks",
    "call",
    "gaggle",
    "statement",
    "other",
)
SPEAKER_KINDS = ("official", "journalist", "moderator", "interpreter", "unidentified")
TEXT_FIELDS = ("title", "kind", "outlet", "location", "source_url", "source_name", "language")
SIDECAR_KEYS = frozenset(TEXT_FIELDS) | {"date", "published", "speakers"}
SPEAKER_KEYS = frozenset({"name", "title", "organisation", "kind", "description"})

# A source is linked from its transcript's page: only web addresses, never javascript:, data: ...
WEB_URL_SCHEMES = ("http", "https")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_ .]+|$)")


class MetadataError(ValueError):
    """Metadata that cannot be used; ``str()`` is one line."""


@dataclass(frozen=True)
class SpeakerInfo:
    """Who a label stands for, as a sidecar or a curator says."""

    name: str
    title: str = ""
    organisation: str = ""
    kind: str = ""
    description: str = ""


@dataclass
class Metadata:
    """The metadata a transcript is saved with."""

    title: str = ""
    date: datetime.date | None = None
    kind: str = "other"
    outlet: str = ""
    location: str = ""
    source_url: str = ""
    source_name: str = ""
    language: str = "en"
    published: bool = True
    speakers: dict[str, SpeakerInfo] = field(default_factory=dict)

    def model_fields(self) -> dict[str, Any]:
        """The values of Transcript's curatable fields."""
        return {
            "title": self.title,
            "date": self.date,
            "kind": self.kind,
            "outlet": self.outlet,
            "location": self.location,
            "source_url": self.source_url,
            "source_name": self.source_name,
            "language": self.language,
        }


def parse_date(value: Any, *, what: str = "date") -> datetime.date | None:
    """A ``YYYY-MM-DD`` string (or a date) as a date; None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise MetadataError(f"bad {what} {text!r}: use YYYY-MM-DD, e.g. 2021-12-03") from None


def is_web_url(url: str) -> bool:
    """An absolute http:// or https:// address with a host, and without spaces or control
    characters (which browsers drop, so "java\tscript:" would be read as javascript:)."""
    if not url or any(char <= " " or char == "\x7f" for char in url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in WEB_URL_SCHEMES and bool(parts.hostname)
    except ValueError:  # "http://[::1": a malformed host
        return False


def sidecar_path(path: Path) -> Path:
    """The sidecar that belongs to a transcript file: same name, ``.json``."""
    return path.with_suffix(".json")


def read_sidecar(path: Path) -> dict[str, Any]:
    """The checked contents of a transcript's sidecar, or {} when it has none."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise MetadataError(f"sidecar {sidecar.name} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise MetadataError(
            f"sidecar {sidecar.name} is not valid JSON (line {error.lineno}: {error.msg})"
        ) from None
    return clean_metadata(data, origin=f"sidecar {sidecar.name}")


def clean_metadata(data: Any, *, origin: str) -> dict[str, Any]:
    """Check a metadata dict (sidecar, options or form) and normalise its values."""
    if not isinstance(data, dict):
        raise MetadataError(f"{origin} must be a JSON object with keys such as title and date")
    unknown = sorted(set(data) - SIDECAR_KEYS)
    if unknown:
        raise MetadataError(
            f"{origin} has unknown key(s) {', '.join(unknown)}; "
            f"expected {', '.join(sorted(SIDECAR_KEYS))}"
        )
    cleaned: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        if data.get(key) is not None:
            if not isinstance(data[key], str):
                raise MetadataError(f"{origin}: {key} must be a string")
            if data[key].strip():
                cleaned[key] = data[key].strip()
    if "kind" in cleaned:
        cleaned["kind"] = check_kind(cleaned["kind"], origin=origin)
    if "source_url" in cleaned and not is_web_url(cleaned["source_url"]):
        raise MetadataError(
            f"{origin}: source_url must be an http:// or https:// address, "
            f"not {cleaned['source_url']!r}"
        )
    if data.get("date") not in (None, ""):
        cleaned["date"] = parse_date(data["date"], what=f"date in {origin}")
    if "published" in data:
        if not isinstance(data["published"], bool):
            raise MetadataError(f"{origin}: published must be true or false")
        cleaned["published"] = data["published"]
    if data.get("speakers"):
        cleaned["speakers"] = _clean_speakers(data["speakers"], origin=origin)
    return cleaned


def check_kind(value: str, *, origin: str = "kind") -> str:
    kind = value.strip().lower().replace(" ", "-").replace("_", "-")
    if kind not in KINDS:
        raise MetadataError(f"{origin}: unknown kind {value!r}; use one of {', '.join(KINDS)}")
    return kind


def _clean_speakers(raw: Any, *, origin: str) -> dict[str, SpeakerInfo]:
    if not isinstance(raw, dict):
        raise MetadataError(f"{origin}: speakers must map labels to names or objects")
    speakers = {}
    for label, value in raw.items():
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict) or not str(value.get("name", "")).strip():
            raise MetadataError(f"{origin}: speaker {label!r} needs a name")
        unknown = sorted(set(value) - SPEAKER_KEYS)
        if unknown:
            raise MetadataError(
                f"{origin}: speaker {label!r} has unknown key(s) {', '.join(unknown)}"
            )
        kind = str(value.get("kind", "")).strip().lower()
        if kind and kind not in SPEAKER_KINDS:
            raise MetadataError(
                f"{origin}: speaker {label!r} has unknown kind {kind!r}; "
                f"use one of {', '.join(SPEAKER_KINDS)}"
            )
        speakers[label.strip().rstrip(":").strip()] = SpeakerInfo(
            name=str(value["name"]).strip(),
            title=str(value.get("title", "")).strip(),
            organisation=str(value.get("organisation", "")).strip(),
            kind=kind,
            description=str(value.get("description", "")).strip(),
        )
    return speakers


def from_filename(filename: str | None) -> dict[str, Any]:
    """Date and fallback title from a file name such as ``2021-12-03-blinken-reuters.txt``."""
    if not filename:
        return {}
    stem = Path(filename).stem
    found: dict[str, Any] = {}
    match = _FILENAME_DATE.match(stem)
    if match:
        try:
            found["date"] = datetime.date(*(int(g) for g in match.groups()))
            stem = stem[match.end() :]
        except ValueError:
            pass  # "2021-13-45-notes.txt": not a date after all; keep it in the title.
    title = re.sub(r"[-_]+", " ", stem).strip()
    if title:
        found["title"] = title[:1].upper() + title[1:]
    return found


def from_parsed(parsed: Any) -> dict[str, Any]:
    """The metadata the parser found in the header (a ParsedTranscript)."""
    found: dict[str, Any] = {}
    for key in ("title", "date", "location", "source_url", "source_name", "kind", "language"):
        value = getattr(parsed, key, None)
        if value:
            found[key] = value
    if "kind" in found and found["kind"] not in KINDS:
        del found["kind"]
    return found


def merge_metadata(*layers: dict[str, Any]) -> Metadata:
    """Layer metadata dicts, the first winning: ``merge_metadata(options, sidecar, parsed, name)``."""
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged.update({key: value for key, value in layer.items() if value not in (None, "")})
    metadata = Metadata(**{k: v for k, v in merged.items() if k in Metadata.__dataclass_fields__})
    if not is_web_url(metadata.source_url):
        metadata.source_url = ""  # options and sidecars are refused; anything else is dropped
    if not metadata.title:
        metadata.title = "Untitled transcript"
    metadata.title = metadata.title[:300]
    return metadata
