"""Step 4 of parsing: build the speaker turns, from the first label to the page footer.

``footer_start`` finds where the page footer begins after the last label. ``assemble`` turns
the lines in between into (label, line, paragraphs), joining the lines of a paragraph when
``is_hard_wrapped`` says the text was wrapped, and keeps page chrome ("U.S. Department of
State", related links) and closing stage directions out of the last turn.
"""

from __future__ import annotations

import re
import statistics

from archive.ingest.lines import CONNECTORS, PARENTHETICAL, Line, squash
from archive.ingest.sources import SourceRule

__all__ = ["assemble", "footer_start", "is_hard_wrapped"]

# A line that is all bold ("**Yemen**"): the words stay, the stars go.
_WHOLE_EMPHASIS = re.compile(r"^(\*\*|__)([^*_]+)\1$")


def footer_start(lines: list[Line], last_label: int, rule: SourceRule) -> int:
    """Index of the first footer line after the last turn's label line (len(lines) if none)."""
    for i in range(last_label + 1, len(lines)):
        if lines[i].kind != "blank" and rule.is_footer_marker(lines[i].text):
            return i
    return len(lines)


_SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", ")", "]", ":", ";", ",", "»", "。", "！", "？")
_CLOSINGS = {"thank", "thanks", "okay", "ok", "bye", "goodbye", "good", "yes", "no", "great", "all"}


def _is_link_like(text: str) -> bool:
    """A related-page link or a lone site name: short, title-cased, no sentence punctuation."""
    words = text.split()
    if not words or len(words) > 12 or len(text) > 100 or text.endswith(_SENTENCE_END):
        return False
    if words[0].casefold().strip(",") in _CLOSINGS:
        return False
    content = [w for w in words if w.casefold() not in CONNECTORS and w[:1].isalpha()]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[:1].isupper())
    return capitalised / len(content) >= 0.75


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
) -> tuple[list[tuple[str, int, list[str]]], list[tuple[int, str]]]:
    """(label, line, paragraphs) for each labelled turn in ``lines`` (which start at a label),
    and the (line, text) of stage directions after the last turn's words.

    "(The briefing was concluded at 3:01 p.m.)" after the last words tells of the event, not of
    the speaker, like "(The President and the Prime Minister enter.)" before the first label: both
    become narrative turns. "(Laughter.)" between a speaker's words stays in that turn.
    """
    turns: list[tuple[str, int, list[tuple[int, str]]]] = []
    paragraph: list[str] = []
    paragraph_line = 0
    paragraphs: list[tuple[int, str]] = []

    def close_paragraph() -> None:
        if paragraph:
            text = squash(" ".join(paragraph))
            if text:
                paragraphs.append((paragraph_line, text))
            paragraph.clear()

    for ln in lines:
        if ln.kind == "label":
            close_paragraph()
            paragraphs = []
            turns.append((ln.label, ln.number, paragraphs))
            if ln.rest.strip():
                paragraph.append(ln.rest)
                paragraph_line = ln.number
        elif ln.kind in ("blank", "stamp"):
            close_paragraph()
        elif ln.kind == "html":
            continue
        else:
            if not wrapped:
                close_paragraph()
            if not paragraph:
                paragraph_line = ln.number
            text = ln.text
            if text[0] in "*_":  # "**Yemen**", a bold heading pasted from a page
                text = _WHOLE_EMPHASIS.sub(r"\2", text)
            paragraph.append(text)
    close_paragraph()

    closing: list[tuple[int, str]] = []
    if turns:
        last = turns[-1][2]
        # Page chrome left at the very end belongs to no one ("U.S. Department of State", links).
        while len(last) > 1 and (rule.is_chrome(last[-1][1]) or _is_link_like(last[-1][1])):
            last.pop()
        while len(last) > 1 and PARENTHETICAL.match(last[-1][1]):
            closing.insert(0, last.pop())
    return [(label, line, [text for _, text in paras]) for label, line, paras in turns], closing
