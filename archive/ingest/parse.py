"""Parse a transcript's text into speaker turns, plus its title, date and location.

The work is done in three steps, each a plain function below:

1. ``classify`` looks at every line alone: blank, time stamp / "END", raw HTML, a line that
   may start a speaker turn ("SECRETARY BLINKEN:", "Q    Thank you", "问："), or text.
   Mixed-case candidates ("Vladimir Putin:") are only accepted in ``accept_labels``, which
   looks at the whole document (does the label recur? does it share a surname?), so that
   prose such as "Germany: we ..." or "the answer is this:" is never taken for a speaker.
2. ``read_header`` turns the lines before the first turn into title / date / location, and
   ``_footer_start`` finds where the page footer begins after the last turn.
3. ``_assemble`` builds turns from the paragraphs in between.
"""

from __future__ import annotations

import datetime
import re
import statistics
from pathlib import Path

from archive.ingest.dates import find_date
from archive.ingest.header import read_header
from archive.ingest.label_acceptance import accept_labels
from archive.ingest.lines import (
    CONNECTORS,
    PARENTHETICAL,
    WORDS,
    Line,
    classify,
    split_lines,
    squash,
)
from archive.ingest.parsed import ParsedTranscript, ParsedTurn, ParseError
from archive.ingest.reading import read_transcript_file
from archive.ingest.sources import SourceRule, detect_source, get_rule

__all__ = ["ParseError", "ParsedTranscript", "ParsedTurn", "parse_file", "parse_text"]


_WHOLE_EMPHASIS = re.compile(r"^(\*\*|__)([^*_]+)\1$")


def _footer_start(lines: list[Line], last_label: int, rule: SourceRule) -> int:
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


# --------------------------------------------------------------------------------------------
# Step 3: turns


def _is_hard_wrapped(lines: list[Line]) -> bool:
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


def _assemble(
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


# --------------------------------------------------------------------------------------------
# Language

_SCRIPTS = [
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
]
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "is", "that", "we", "in", "it", "you"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "wir", "ich", "mit", "zu"},
    "fr": {"le", "la", "les", "et", "est", "que", "nous", "des", "pas", "une"},
    "es": {"el", "la", "los", "y", "es", "que", "de", "en", "no", "una", "las"},
    "it": {"il", "di", "che", "è", "non", "e", "la", "per", "una", "sono"},
    "pt": {"o", "de", "que", "não", "e", "os", "uma", "é", "do", "da"},
}


def _guess_language(sample: str) -> str:
    letters = sum(1 for ch in sample if ch.isalpha()) or 1
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) / letters > 0.2:
            if code == "zh" and _SCRIPTS[0][1].search(sample):
                return "ja"
            return code
    words = WORDS.findall(sample.casefold())
    scores = {code: sum(1 for w in words if w in stop) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] > scores["en"] else "en"


# --------------------------------------------------------------------------------------------

_LONG_TAIL_LINES = 40
_LONG_TAIL_CHARS = 3000
_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def parse_text(
    text: str,
    *,
    filename: str | None = None,
    source: str | None = None,
    hints: dict[str, str] | None = None,
) -> ParsedTranscript:
    """Parse a decoded transcript.

    ``source`` forces a rule from sources.toml; otherwise it is detected from the text, the
    file name and ``hints["source_url"]``. ``hints`` (from reading an HTML page: "title",
    "date", "source_url") fill in what the text itself does not say.
    """
    hints = hints or {}
    if not text or not text.strip():
        raise ParseError("empty file")
    raw_lines = split_lines(text)
    if source:
        try:
            rule = get_rule(source)
        except KeyError as exc:
            raise ParseError(exc.args[0]) from None
    else:
        rule = detect_source(text, filename=filename, url=hints.get("source_url"))

    lines = classify(raw_lines, rule)
    accept_labels(lines)
    label_indexes = [i for i, ln in enumerate(lines) if ln.kind == "label"]
    if not label_indexes:
        raise ParseError("no speaker labels found")
    first, last = label_indexes[0], label_indexes[-1]

    wrapped = _is_hard_wrapped(lines)
    header = read_header(lines[:first], rule, hints, wrapped)
    end = _footer_start(lines, last, rule)
    assembled, closing = _assemble(lines[first:end], rule, wrapped)

    turns: list[ParsedTurn] = []

    def add(label: str, paragraphs: list[str], kind: str, line_number: int) -> None:
        text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
        turns.append(ParsedTurn(len(turns) + 1, label, text, kind, line_number))

    for line_number, paragraphs in header.narrative:
        add("", paragraphs, "narrative", line_number)
    for label, line_number, paragraphs in assembled:
        add(label, paragraphs, "speech", line_number)
    for line_number, paragraph in closing:
        add("", [paragraph], "narrative", line_number)

    warnings: list[str] = []
    if header.introduction_line is not None:
        warnings.append(
            f"text before the first speaker label at line {header.introduction_line} was kept "
            "as an introduction"
        )
    tail = lines[last:end]
    tail_lines = sum(1 for ln in tail if ln.kind == "text")
    tail_chars = len(turns[-1 - len(closing)].text)
    if tail_lines >= _LONG_TAIL_LINES and tail_chars >= _LONG_TAIL_CHARS:
        warnings.append(f"no labels found after line {lines[last].number}")
    if len(header.lines) > _LONG_TAIL_LINES:
        warnings.append(
            f"{len(header.lines)} lines before the first speaker label (line "
            f"{lines[first].number}) were kept as the header"
        )

    date = header.date
    if date is None and hints.get("date"):
        found = find_date(hints["date"])
        date = found[0] if found else None
    if date is None and filename and (m := _FILENAME_DATE.search(Path(filename).name)):
        try:
            date = datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            date = None

    sample = "\n".join(t.label + " " + t.text for t in turns)[:20000]
    return ParsedTranscript(
        title=header.title,
        date=date,
        location=header.location,
        source_url=hints.get("source_url") or header.source_url,
        source_name=rule.source_name,
        kind=header.kind,
        language=_guess_language(sample),
        turns=turns,
        warnings=warnings,
        header=header.lines,
    )


def parse_file(path: Path, *, source: str | None = None) -> ParsedTranscript:
    """Read and parse a file; the reader's warnings come first in the result's warnings."""
    decoded = read_transcript_file(path)
    parsed = parse_text(decoded.text, filename=Path(path).name, source=source, hints=decoded.hints)
    parsed.warnings[:0] = decoded.warnings
    return parsed
