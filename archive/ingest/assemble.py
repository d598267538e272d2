"""Step 4 of parsing: build the speaker turns, from the first label to the page footer.

``footer_start`` finds where the page footer begins after the last label. ``assemble`` turns
the lines in between into (label, line, paragraphs), joining the lines of a paragraph when
``is_hard_wrapped`` says the text was wrapped, and keeps page chrome ("U.S. Department of
State", related links) and closing stage directions out of the last turn.
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

__all__ = ["assemble", "footer_start", "is_hard_wrapped"]

# A line that is all bold ("**Yemen**"): the words stay, the stars go.
_WHOLE_EMPHASIS = re.compile(r"^(\*\*|__)([^*_]+)\1$")


def footer_start(lines: list[Line], last_label: int, rule: SourceRule) -> int:
    """Index of the first footer line after the last turn's label line (len(lines) if none):
    a footer marker of the site, or a related-links heading ("See also", "Related News:", 附件)
    after which nobody speaks again."""
    for i in range(last_label + 1, len(lines)):
        ln = lines[i]
        if ln.kind != "text":
            continue
        if rule.is_footer_marker(ln.text):
            return i
        if is_footer_heading(ln.text) and not any(_is_speech(x) for x in lines[i + 1 :]):
            return i
    return len(lines)


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
) -> tuple[list[tuple[str, int, list[str]]], list[tuple[int, str]]]:
    """(label, line, paragraphs) for each labelled turn in ``lines`` (which start at a label;
    "" for a narrative turn), and the (line, text) of stage directions after the last turn's
    words.

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

    furniture = _furniture_lines(lines)
    previous_machine: str | None = None
    for i, ln in enumerate(lines):
        if i in furniture:
            continue
        if ln.kind == "label":
            close_paragraph()
            label = ln.label
            if ln.style == "machine" and (rule.is_non_speaker(label) or label == "Notes"):
                label = ""  # a transcription service's "Note": a narrative turn
            # The same speaker's next machine segment continues the turn.
            if not (ln.style == "machine" and turns and label == previous_machine):
                paragraphs = []
                turns.append((label, ln.number, paragraphs))
            previous_machine = label if ln.style == "machine" else None
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
        while len(last) > 1 and (rule.is_chrome(last[-1][1]) or _is_tail_furniture(last[-1][1])):
            last.pop()
        while len(last) > 1 and PARENTHETICAL.match(last[-1][1]):
            closing.insert(0, last.pop())
    return [(label, line, [text for _, text in paras]) for label, line, paras in turns], closing
