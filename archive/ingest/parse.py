"""Parse a transcript's text into speaker turns, plus its title, date and location.

``parse_text`` runs the steps in order, each in a module of its own (none of them knows Django):

0. ``machine.py`` turns WebVTT / SubRip captions into "Name: words" paragraphs.
1. ``lines.py`` splits the text into lines (dropping pasted pop-up cards) and looks at every line
   alone: blank, time stamp / "END", raw HTML, a speaker label ("SECRETARY BLINKEN:", "Q    Thank
   you", "问："), a candidate label ("Vladimir Putin:", a long first mention, a machine segment
   "Jane Porter 00:00:01-00:00:09"), or text.
2. ``label_acceptance.py`` accepts the candidates that the whole document vouches for (does the
   label recur? does it share a name with another? is it a role?), so that prose such as
   "Germany: we ..." or "the answer is this:" is never taken for a speaker; a label accepted
   on its own merits opens a turn wherever it starts a line or a sentence.
3. ``header.py`` (with ``dates.py``, ``event_kinds.py`` and ``furniture.py``) turns the lines
   before the first turn into title / date / location / kind, past menus and language bars,
   keeping any introduction as a narrative turn.
4. ``assemble.py`` finds where the page footer begins after the last turn and builds turns
   from the paragraphs in between, leaving out related links and captions (``furniture.py``);
   ``language.py`` guesses the language of their text.

``parse_file`` reads a file with ``reading.py`` first. ``ParsedTranscript``, ``ParsedTurn`` and
``ParseError`` live in ``parsed.py`` and are re-exported here for callers.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from archive.ingest.assemble import assemble, footer_start, is_hard_wrapped
from archive.ingest.dates import find_date
from archive.ingest.header import read_header
from archive.ingest.label_acceptance import accept_labels
from archive.ingest.language import guess_language
from archive.ingest.lines import classify, indents, split_lines
from archive.ingest.machine import captions_to_text, looks_like_captions
from archive.ingest.parsed import ParsedTranscript, ParsedTurn, ParseError
from archive.ingest.reading import read_transcript_file
from archive.ingest.sources import detect_source, get_rule

__all__ = ["ParseError", "ParsedTranscript", "ParsedTurn", "parse_file", "parse_text"]


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
    voices: set[str] = set()
    if looks_like_captions(text):
        text, voices = captions_to_text(text)  # WebVTT / SubRip: "Name: words" paragraphs
    raw_lines = split_lines(text)
    if source:
        try:
            rule = get_rule(source)
        except KeyError as exc:
            raise ParseError(exc.args[0]) from None
    else:
        rule = detect_source(text, filename=filename, url=hints.get("source_url"))

    lines = classify(raw_lines, rule)
    for ln in lines:
        # A caption's voice ("<v Jane Porter>") names its speaker, whatever the words.
        name = ln.text.split(":", 1)[0] if ":" in ln.text else ""
        if name in voices:
            ln.kind, ln.style, ln.label, ln.rest = (
                "label",
                "machine",
                name,
                ln.text[len(name) + 1 :].strip(),
            )
    accept_labels(lines)
    label_indexes = [i for i, ln in enumerate(lines) if ln.kind == "label"]
    if not label_indexes:
        raise ParseError("no speaker labels found")
    first, last = label_indexes[0], label_indexes[-1]

    wrapped = is_hard_wrapped(lines)
    if wrapped:  # an indented line may start a paragraph
        widths = indents(text)
        for ln in lines:
            ln.indent = widths[ln.number - 1]
    header = read_header(lines[:first], rule, hints, wrapped)
    end = footer_start(lines, last, rule)
    assembled = assemble(lines[first:end], rule, wrapped)

    turns: list[ParsedTurn] = []

    def add(label: str, paragraphs: list[str], kind: str, line_number: int) -> None:
        text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
        turns.append(ParsedTurn(len(turns) + 1, label, text, kind, line_number))

    for line_number, paragraphs in header.narrative:
        add("", paragraphs, "narrative", line_number)
    for label, line_number, paragraphs in assembled:
        add(label, paragraphs, "speech" if label else "narrative", line_number)

    warnings: list[str] = []
    if header.introduction_line is not None:
        warnings.append(
            f"text before the first speaker label at line {header.introduction_line} was kept "
            "as an introduction"
        )
    tail = lines[last:end]
    tail_lines = sum(1 for ln in tail if ln.kind == "text")
    tail_chars = next((len(t.text) for t in reversed(turns) if t.kind == "speech"), 0)
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

    sample = "\n".join(t.label + " " + t.text for t in turns)
    return ParsedTranscript(
        title=header.title,
        date=date,
        location=header.location,
        source_url=hints.get("source_url") or header.source_url,
        source_name=rule.source_name,
        kind=header.kind,
        language=guess_language(sample),
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
