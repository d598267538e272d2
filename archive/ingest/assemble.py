"""Step 4 of parsing: build the speaker turns, from the first label to the page footer.

``footer_start`` finds where the page footer begins after the last label (a site's footer
marker, an END mark, a related-links heading after which nobody speaks). ``assemble`` turns the
lines in between into (label, line, paragraphs): paragraphs come back from hard-wrapped text
(``is_hard_wrapped``) and from lines broken mid-sentence; related-links blocks and photo captions
are left out wherever they stand (``furniture.py``); page chrome is kept out of the last turn; a
note that the event ended becomes a narrative turn.
"""

from __future__ import annotations

import re
import statistics

from archive.ingest.furniture import (
    is_caption,
    is_copyright,
    is_footer_heading,
    is_link_entry,
    is_link_like,
    is_navigation,
    is_scene_caption,
    is_url,
)
from archive.ingest.lines import CJK, PARENTHETICAL, Line, squash
from archive.ingest.sources import SourceRule

__all__ = ["assemble", "footer_start", "is_event_note", "is_hard_wrapped"]

# A line that is all bold ("**Yemen**"): the words stay, the stars go.
_WHOLE_EMPHASIS = re.compile(r"^(\*\*|__)([^*_]+)\1$")


def footer_start(lines: list[Line], last_label: int, rule: SourceRule) -> int:
    """Index of the first footer line after the last turn's label line (len(lines) if none):
    a footer marker of the site, or a related-links heading ("See also", "Related News:", 附件)
    after which nobody speaks again."""
    for i in range(last_label + 1, len(lines)):
        ln = lines[i]
        if ln.kind == "stamp" and _END_MARK.match(ln.text):
            return i + 1  # "END 4:30 P.M. EST", "###": what follows is the page's
        if ln.kind != "text":
            continue
        if rule.is_footer_marker(ln.text):
            return i
        if is_footer_heading(ln.text) and not any(_is_speech(x) for x in lines[i + 1 :]):
            return i
    return len(lines)


_END_MARK = re.compile(r"^[*_\s(\-]*(?:END\b|ENDS\b|###|# # #)", re.I)


def _is_speech(ln: Line) -> bool:
    """A paragraph somebody says: long, and ending as a sentence ends."""
    if ln.kind != "text" or not ln.text.endswith(_SENTENCE_END[:5] + ("。", "！", "？")):
        return False
    return len(ln.text.split()) >= 25 or len(CJK.findall(ln.text)) >= 40


def _furniture_lines(lines: list[Line]) -> set[int]:
    """Indexes of the lines inside the turns that are page furniture: photo captions ("...
    Photo: TASS"), a caption-shaped line the text repeats ("Visit to the Grain Centre."), and a
    related-links block ("See also", then links and their dates) wherever it stands."""
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.kind == "text":
            counts[ln.text] = counts.get(ln.text, 0) + 1
    drop: set[int] = set()
    block = False
    for i, ln in enumerate(lines):
        if ln.kind in ("blank", "stamp", "html"):
            continue
        if ln.kind != "text":
            block = False
            continue
        text = ln.text
        if is_footer_heading(text) and _next_is_link(lines, i):
            block = True
            drop.add(i)
        elif block and is_link_entry(text):
            drop.add(i)
        else:
            block = False
            if is_caption(text) or (counts[text] >= 2 and is_scene_caption(text)):
                drop.add(i)
    return drop


def _next_is_link(lines: list[Line], i: int) -> bool:
    following = next((ln for ln in lines[i + 1 :] if ln.kind != "blank"), None)
    return following is not None and following.kind == "text" and is_link_entry(following.text)


_SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", ")", "]", ":", ";", ",", "»", "。", "！", "？")


def _is_tail_furniture(text: str) -> bool:
    """Left at the very end of the last turn: a link, a site name, a copyright or share line."""
    return (
        is_link_like(text)
        or is_copyright(text)
        or is_url(text)
        or is_navigation(text)
        or is_footer_heading(text)
    )


def is_hard_wrapped(lines: list[Line]) -> bool:
    """True when paragraphs are wrapped over several short lines (join them with spaces).

    Otherwise every line is its own paragraph: pages copied from the web put one paragraph on a
    line, sometimes without blank lines between them.
    """
    lengths = [len(ln.text) for ln in lines if ln.kind in ("text", "label")]
    if len(lengths) < 8:
        return False
    long_lines = sum(1 for n in lengths if n > 110)
    if long_lines > len(lengths) * 0.02:
        return False
    body = [n for n in lengths if n >= 30]
    return len(body) >= 5 and 55 <= statistics.median(body) <= 100


def assemble(
    lines: list[Line], rule: SourceRule, wrapped: bool
) -> list[tuple[str, int, list[str]]]:
    """(label, line, paragraphs) for each turn in ``lines`` (which start at a label); the label is
    "" for a narrative turn.

    A stand-alone stage direction after a speaker's words follows one rule wherever it stands:
    it belongs to that speaker's turn ("(Laughter.)", "(Cross-talk.)", "(The press departs.)"),
    at the end of the transcript too; only a note that the event ended ("(The briefing was
    concluded at 3:01 p.m.)") is a narrative turn, as "(The President and the Prime Minister
    enter.)" before the first label is.
    """
    turns: list[tuple[str, int, list[tuple[int, str]]]] = []
    builder = _Paragraphs(wrapped, _wrap_width(lines) if wrapped else 0)
    furniture = _furniture_lines(lines)
    previous_machine: str | None = None
    for i, ln in enumerate(lines):
        if i in furniture or ln.kind == "html":
            continue
        if ln.kind == "label":
            builder.close()
            label = ln.label
            if ln.style == "machine" and (rule.is_non_speaker(label) or label == "Notes"):
                label = ""  # a transcription service's "Note": a narrative turn
            # The same speaker's next machine segment continues the turn.
            if not (ln.style == "machine" and turns and label == previous_machine):
                builder.paragraphs = []
                turns.append((label, ln.number, builder.paragraphs))
            previous_machine = label if ln.style == "machine" else None
            if ln.rest.strip():
                builder.add(ln.number, ln.rest, 0)
        elif ln.kind in ("blank", "stamp"):
            builder.close()
        else:
            text = ln.text
            if text[0] in "*_":  # "**Yemen**", a bold heading pasted from a page
                text = _WHOLE_EMPHASIS.sub(r"\2", text)
            builder.add(ln.number, text, ln.indent)
    builder.close()

    if turns:
        last = turns[-1][2]
        # Page chrome left at the very end belongs to no one ("U.S. Department of State", links).
        while len(last) > 1 and (rule.is_chrome(last[-1][1]) or _is_tail_furniture(last[-1][1])):
            last.pop()
    result: list[tuple[str, int, list[str]]] = []
    for label, line, paragraphs in turns:
        notes: list[tuple[int, str]] = []
        while label and len(paragraphs) > 1 and is_event_note(paragraphs[-1][1]):
            notes.insert(0, paragraphs.pop())
        result.append((label, line, [text for _, text in paragraphs]))
        result.extend(("", note_line, [note]) for note_line, note in notes)
    return result


# A stage direction that tells of the end of the event, not of the speech.
_EVENT_END = re.compile(
    r"\b(?:conclude[sd]?|end(?:s|ed)?|adjourn(?:s|ed)?|(?:is|was|were) closed|close[sd]? the)\b",
    re.I,
)


def is_event_note(text: str) -> bool:
    """ "(The briefing was concluded at 3:01 p.m.)", "(Concludes)", "(The meeting ended.)"; not
    "(Laughter.)", "(Cross-talk.)", "(As interpreted.)" or "(The press departs.)"."""
    return bool(PARENTHETICAL.match(text)) and bool(_EVENT_END.search(text))


def _wrap_width(lines: list[Line]) -> int:
    """The width a hard-wrapped text was wrapped at (its longer lines' length)."""
    lengths = sorted(len(ln.text) + ln.indent for ln in lines if ln.kind == "text")
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


_BULLET = re.compile(r"^(?:[-–—•*·▪◦‣]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_PUNCTUATION_ONLY = re.compile(r"^[.,;:!?…。，；：！？]+$")
_ENDS_SENTENCE = (
    ".",
    "!",
    "?",
    "…",
    ":",
    ";",
    '"',
    "”",
    "’",
    ")",
    "]",
    "»",
    "。",
    "！",
    "？",
    "；",
)


class _Paragraphs:
    """Lines into paragraphs. In a hard-wrapped text a paragraph ends at an indented line, at a
    bullet, or after a short line that ends a sentence (congressional-record style, no blank
    lines); elsewhere every line is a paragraph, except a line that goes on with a sentence
    broken off above ("... for" / "working families.") and a lone "." left by a paste."""

    def __init__(self, wrapped: bool, width: int) -> None:
        self.wrapped, self.width = wrapped, width
        self.paragraphs: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.first_line = 0
        self.indent = 0
        self.bullet = False

    def close(self) -> None:
        if self.lines:
            text = squash(" ".join(self.lines))
            if text:
                self.paragraphs.append((self.first_line, text))
            self.lines = []

    def add(self, number: int, text: str, indent: int) -> None:
        if _PUNCTUATION_ONLY.match(text):
            if self.lines:
                self.lines[-1] += text
            elif self.paragraphs:
                line, previous = self.paragraphs[-1]
                self.paragraphs[-1] = (line, previous + text)
            return
        if self.lines and self._starts_paragraph(text, indent):
            self.close()
        if not self.lines:
            self.first_line, self.bullet = number, bool(_BULLET.match(text))
        self.lines.append(text)
        self.indent = indent

    def _starts_paragraph(self, text: str, indent: int) -> bool:
        previous = self.lines[-1]
        goes_on = not previous.endswith(_ENDS_SENTENCE) and text[:1].islower()
        if not self.wrapped:
            return not goes_on
        if _BULLET.match(text):
            return True
        if indent > self.indent and not self.bullet and not goes_on:
            return True  # the first line of a paragraph is indented more than the one above
        short = len(previous) < self.width - 15
        return previous.endswith(_ENDS_SENTENCE) and short and not goes_on
