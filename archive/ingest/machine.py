"""Transcripts written by machines: transcription services, meeting software and captions.

- Timestamped segments (transcription services, Factba.se and Roll Call pastes): a line with the
  speaker and the time range, "Jane Porter 00:00:01-00:00:09 (8 sec)", then the words, with
  the service's signal lines ("No StressLens", "No Signal (0.412)") in between.
- A speaker and a time alone on a line, the words below (Otter, Zoom): "Jane Porter  0:12".
- Rev's "Jane Porter (00:12):" and "Jane Porter: (00:12)" are colon labels (``lines.py``).
- WebVTT and SubRip captions: ``captions_to_text`` turns the cues into "Name: words"
  paragraphs, the speaker taken from a ``<v Name>`` voice or a "NAME:" at the start of a cue.

``lines.classify`` marks these labels with the style "machine": they open turns when the text
has two or more of them, and consecutive segments by one speaker are one turn.
"""

from __future__ import annotations

import html
import re

__all__ = ["captions_to_text", "is_signal_line", "looks_like_captions", "segment_label"]

_TIME = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
# "Jane Porter 00:00:01-00:00:09 (8 sec)", "Note 00:12:10-00:12:10 ( sec)"
_SEGMENT = re.compile(
    rf"^(?P<name>\S.{{0,60}}?)\s+(?:\[|\()?{_TIME}\s*(?:-|–|—|to)\s*{_TIME}(?:\]|\))?"
    r"(?:\s*\(\s*[\d.]*\s*(?:s|sec|secs|seconds|min|mins)?\.?\s*\))?$",
    re.I,
)
# "Jane Porter  0:12", "Unknown Speaker  00:01:02" (Otter, Zoom): the words follow below.
_SPEAKER_TIME = re.compile(rf"^(?P<name>\S.{{0,60}}?)\s+(?:\[|\()?{_TIME}(?:\]|\))?$")
# A transcription service's notes on a segment: "No StressLens", "No Signal (0.412)".
_SIGNAL = re.compile(
    r"^(?:no\s+)?(?:stress\s*lens|signal|sentiment|confidence|stress)\b[\w\s]*"
    r"(?:\(\s*-?[\d.]+\s*\))?$|^[\w ]{1,30}\(\s*-?\d*\.\d+\s*\)$",
    re.I,
)


def segment_label(text: str) -> tuple[str, str] | None:
    """(name, "segment" or "speaker-time") for a line that opens a machine segment."""
    if (m := _SEGMENT.match(text)) is not None:
        return m["name"].strip(" :-–"), "segment"
    if (m := _SPEAKER_TIME.match(text)) is not None:
        return m["name"].strip(" :-–"), "speaker-time"
    return None


def is_signal_line(text: str) -> bool:
    return len(text) <= 60 and bool(_SIGNAL.match(text))


# --------------------------------------------------------------------------------------------
# WebVTT and SubRip captions

_CUE_TIMING = re.compile(rf"^(?:{_TIME})\s*-->\s*(?:{_TIME})(?:\s+.*)?$")
_SRT_START = re.compile(rf"^\s*\d+\s*\n\s*{_TIME}\s*-->\s*{_TIME}", re.M)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.I)
_TAG = re.compile(r"<[^>]*>")
# "JANE PORTER: Welcome", "- Tom Reyes: Thanks", ">> ANNA: ..." at the start of a cue.
_CUE_SPEAKER = re.compile(
    r"^(?:>>\s*|-\s*)?(?P<name>[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){1,4}|[A-Z][A-Z .'’\-]{1,40}):\s+"
)
_BLOCKS = re.compile(r"\n\s*\n")


def looks_like_captions(text: str) -> bool:
    head = text.lstrip("\ufeff \n")[:500]
    return head.startswith("WEBVTT") or bool(_SRT_START.match(head))


def captions_to_text(text: str) -> tuple[str, set[str]]:
    """The cues of a WebVTT or SubRip file as paragraphs, "Name: words" where a cue names its
    speaker (consecutive cues of one speaker make one paragraph), and the speakers' names."""
    speaker: str | None = None
    turns: list[tuple[str | None, list[str]]] = []
    voices: set[str] = set()
    for block in _BLOCKS.split(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        timing = next((i for i, line in enumerate(lines) if _CUE_TIMING.match(line)), None)
        if timing is None:
            continue  # the WEBVTT header, NOTE, STYLE and REGION blocks, a lone cue number
        words = " ".join(lines[timing + 1 :])
        voice = _VOICE.search(words)
        if voice is not None:
            speaker = voice[1].strip()
        words = html.unescape(_TAG.sub("", words)).strip()
        if voice is None and (m := _CUE_SPEAKER.match(words)) is not None:
            speaker, words = m["name"].strip(), words[m.end() :]
        elif words.startswith(">>"):
            speaker, words = None, words[2:].strip()  # a new, unnamed speaker
        if not words:
            continue
        if speaker:
            voices.add(speaker)
        if turns and turns[-1][0] == speaker:
            turns[-1][1].append(words)
        else:
            turns.append((speaker, [words]))
    paragraphs = [
        f"{name}: {' '.join(words)}" if name else " ".join(words) for name, words in turns
    ]
    return "\n\n".join(paragraphs) + "\n", voices
