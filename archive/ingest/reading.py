"""Read a transcript file from disk: refuse what is not text, guess the encoding, and turn a
saved web page (.html/.htm) into plain text with blank lines between paragraphs.

Reading knows nothing of the parser: it hands back text (and hints from an HTML page), and
``parse.parse_file`` parses that text. What cannot be read raises the parser's ``ParseError``
(from ``parsed.py``), so a caller catches one error for reading and parsing alike.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from archive.ingest.parsed import ParseError
from archive.xmlchars import xml_safe

__all__ = [
    "MAX_BYTES",
    "DecodedFile",
    "html_to_text",
    "read_transcript_file",
    "strip_control_characters",
]

MAX_BYTES = 20 * 1024 * 1024

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass
class DecodedFile:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)  # "title", "date", "source_url"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}"
                ) from exc
    sample = data[:8192]
    if b"\x00" in sample:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is NUL.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2 or 1
        if odd / half > 0.4 and even / half < 0.05:
            return _try_utf16(data, "utf-16-le")
        if even / half > 0.4 and odd / half < 0.05:
            return _try_utf16(data, "utf-16-be")
        raise ParseError("binary file (contains NUL bytes); expected a text or HTML transcript")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", ["not valid UTF-8; decoded as Windows-1252"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", ["not valid UTF-8; decoded as Latin-1"]


def _try_utf16(data: bytes, encoding: str) -> tuple[str, str, list[str]]:
    try:
        return (
            data.decode(encoding),
            encoding,
            [f"no byte-order mark; decoded as {encoding.upper()}"],
        )
    except UnicodeDecodeError as exc:
        raise ParseError(
            "binary file (contains NUL bytes); expected a text or HTML transcript"
        ) from exc


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls / len(sample) > 0.05


def read_transcript_file(path: Path) -> DecodedFile:
    """Decode a transcript file; raise ParseError for an empty, binary or too large file."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ParseError(f"file is {_mb(size)}; the limit is {MAX_BYTES // (1024 * 1024)} MB")
    if size == 0:
        raise ParseError("empty file")
    data = path.read_bytes()
    text, encoding, warnings = _decode(data)
    if _looks_binary(text):
        raise ParseError(
            "binary file (mostly non-text characters); expected a text or HTML transcript"
        )
    hints: dict[str, str] = {}
    page = None
    if path.suffix.casefold() in _HTML_SUFFIXES or _sniff_html(text):
        page = text
        text, hints = html_to_text(text)
    text = strip_control_characters(text)
    hints = {key: strip_control_characters(value) for key, value in hints.items()}
    if not text.strip():
        raise ParseError(_no_text_reason(page))
    return DecodedFile(text=text, encoding=encoding, warnings=warnings, hints=hints)


_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)


def _no_text_reason(page: str | None) -> str:
    """Why a file gave no text: empty, or a page without text of its own (one drawn by scripts
    in the browser, as many sites serve them, needs its text saved instead)."""
    if page is None or not page.strip():
        return "empty file"
    if _SCRIPT.search(page):
        return (
            "the page has no text of its own, only scripts that draw it in a browser: "
            "save the transcript's text (or the page as the browser shows it) instead"
        )
    return "the page has no visible text"


def strip_control_characters(text: str) -> str:
    """The text without the control characters XML 1.0 forbids (archive.xmlchars), which no
    transcript means and which would break the feeds and exports: a vertical tab (Word's line
    break) or a form feed (a page break) becomes a line break, the others go."""
    return xml_safe(text.replace("\x0b", "\n").replace("\x0c", "\n"))


def _sniff_html(text: str) -> bool:
    head = text[:1000].lstrip().casefold()
    return head.startswith(("<!doctype html", "<html"))


# --------------------------------------------------------------------------------------------
# HTML to text

_SKIP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "noscript",
    "form",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
}
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "main", "blockquote", "pre", "hr", "dd", "dt", "dl", "figure",
    "figcaption", "address", "body", "title", "td", "th",
}  # fmt: skip
_VOID = {
    "br",
    "hr",
    "img",
    "meta",
    "link",
    "input",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}
_BLANKS = re.compile(r"[ \t\r\f\v]*\n[\s]*\n\s*")
_INLINE_SPACES = re.compile(r"[ \t\r\f\v\n]+")


class _TextExtractor(HTMLParser):
    """Collects visible text; block elements become paragraph breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.in_title = False
        self.title = ""
        self.hints: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            self._meta(attr)
        elif tag == "link" and "canonical" in attr.get("rel", "").split():
            self.hints.setdefault("source_url", attr.get("href", ""))
        elif tag == "time" and attr.get("datetime"):
            self.hints.setdefault("date", attr["datetime"])
        if tag in _VOID:
            if tag in _BLOCKS and not self.skip_depth:
                self.parts.append("\n\n")
            return
        if self.skip_depth or tag in _SKIP:
            self.skip_depth += 1
            self.skip_stack.append(tag)
            return
        if tag == "title":
            self.in_title = True
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            # Tolerate sloppy nesting: close up to the matching open tag if there is one.
            if tag in self.skip_stack:
                while self.skip_stack:
                    self.skip_depth -= 1
                    if self.skip_stack.pop() == tag:
                        break
            return
        if tag == "title":
            self.in_title = False
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.in_title:
            self.title += data
            return
        self.parts.append(data)

    def _meta(self, attr: dict[str, str]) -> None:
        name = (attr.get("property") or attr.get("name") or "").casefold()
        content = attr.get("content", "").strip()
        if not content:
            return
        if name in ("og:title", "twitter:title"):
            self.hints.setdefault("title", content)
        elif name in ("article:published_time", "date", "dc.date", "dcterms.date", "pubdate"):
            self.hints.setdefault("date", content)
        elif name == "og:url":
            self.hints.setdefault("source_url", content)


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Visible text of a page (paragraphs separated by blank lines) and its title/date/URL hints."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    hints = {k: v for k, v in parser.hints.items() if v}
    if "title" not in hints and parser.title.strip():
        hints["title"] = _INLINE_SPACES.sub(" ", parser.title).strip()
    # Inside a paragraph, source newlines are just spaces; paragraph breaks come from tags.
    chunks = "".join(parser.parts).split("\n\n")
    paragraphs = [_INLINE_SPACES.sub(" ", c).strip(" ") for c in chunks]
    text = "\n\n".join(p for p in paragraphs if p.strip())
    return text + "\n", hints
