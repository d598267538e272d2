"""Citations of a statement or a transcript, as researchers and their reference managers need
them: the Chicago (17th ed., bibliography), APA (7th ed.) and MLA (9th ed.) styles, and BibTeX,
RIS and CSL-JSON downloads.

A citation names the speaker, the statement ("Answer in …", by the question/answer read rule
Turn.role), the transcript's title, kind and date, the official source's name and address, the
archive's permalink and the date it was accessed. `Work` gathers those facts once from a turn
or a transcript; each style and format is a function of a `Work`. The styles come as pieces
(text, italic) that a template shows with <i> and a copy button copies as plain text.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify

from archive.models import Speaker, Transcript, Turn, TurnTopic

FORMATS = {
    # format: (file extension, content type)
    "bib": ("bib", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "json": ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
STYLE_NAMES = {"chicago": "Chicago", "apa": "APA", "mla": "MLA"}
MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]  # fmt: skip
BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# Names that stay as they are (no "Family, Given"): a name with punctuation of its own or with
# digits is a role or a placeholder, and one word or a non-Latin script cannot be split safely.
NOT_A_PERSONAL_NAME = re.compile(r"[,()\[\]\d/]")
PARTICLES = {"de", "da", "del", "der", "van", "von", "bin", "al", "el", "la", "le", "du", "dos"}


@dataclass(frozen=True)
class Name:
    """A person's name for a citation: family and given names, or one literal name."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @classmethod
    def parse(cls, name: str) -> Name:
        """ "Antony Blinken" -> Blinken, Antony; "Ursula von der Leyen" -> von der Leyen,
        Ursula; anything not safely split (one word, another script, a role) stays literal."""
        name = " ".join(name.split())
        words = name.split(" ")
        latin = all(char.isascii() or char.isalpha() and ord(char) < 0x0250 for char in name)
        if len(words) < 2 or not latin or NOT_A_PERSONAL_NAME.search(name):
            return cls(literal=name)
        start = len(words) - 1
        while start > 1 and words[start - 1].lower() in PARTICLES:
            start -= 1
        return cls(family=" ".join(words[start:]), given=" ".join(words[:start]))

    @property
    def inverted(self) -> str:
        return f"{self.family}, {self.given}" if self.family else self.literal

    @property
    def initials(self) -> str:
        """APA: "Blinken, A."; "Jean-Yves Le Drian" -> "Le Drian, J.-Y."."""
        if not self.family:
            return self.literal
        parts = []
        for word in self.given.split():
            parts.append("-".join(f"{piece[0]}." for piece in word.split("-") if piece))
        return f"{self.family}, {' '.join(parts)}"

    def csl(self) -> dict:
        return (
            {"family": self.family, "given": self.given}
            if self.family
            else {"literal": self.literal}
        )


@dataclass(frozen=True)
class Work:
    """The facts every citation of one statement or one transcript is made of."""

    title: str  # the transcript's title
    permalink: str  # the archive's address of what is cited (absolute)
    accessed: datetime.date
    author: Name | None = None  # the speaker of a statement
    part: str = ""  # "Answer", "Question": what a statement is, in the transcript
    position: int | None = None
    kind: str = ""  # "Interview", "Press briefing"
    outlet: str = ""
    location: str = ""
    date: datetime.date | None = None
    source_name: str = ""
    source_url: str = ""
    language: str = "en"
    key: str = ""  # the key of the BibTeX entry, the id of the RIS and CSL-JSON records
    text: str = ""  # a statement's words
    keywords: tuple[str, ...] = field(default=())

    @classmethod
    def of_turn(cls, turn: Turn, permalink: str, accessed: datetime.date) -> Work:
        transcript = turn.transcript
        speaker = turn.speaker
        named = speaker is not None and speaker.kind != Speaker.Kind.UNIDENTIFIED
        author = Name.parse(speaker.name) if named else None
        year = transcript.date.year if transcript.date else "nd"
        who = slugify(author.family or author.literal) if author else "parley"
        tags = getattr(turn, "visible_tags", None)  # prefetched by with_visible_tags()
        if tags is None:
            tags = TurnTopic.objects.visible().filter(turn=turn).select_related("topic")
        return cls(
            title=transcript.title,
            permalink=permalink,
            accessed=accessed,
            author=author,
            part="Question" if turn.is_question else "Answer",
            position=turn.position,
            kind=transcript.get_kind_display(),
            outlet=transcript.outlet,
            location=transcript.location,
            date=transcript.date,
            source_name=transcript.source_name,
            source_url=transcript.source_link,
            language=turn.text_language,
            key=f"{who or 'parley'}{year}-{turn.key}",
            text=turn.text,
            keywords=tuple(tag.topic.name for tag in tags),
        )

    @classmethod
    def of_transcript(cls, transcript: Transcript, permalink: str, accessed: datetime.date) -> Work:
        return cls(
            title=transcript.title,
            permalink=permalink,
            accessed=accessed,
            kind=transcript.get_kind_display(),
            outlet=transcript.outlet,
            location=transcript.location,
            date=transcript.date,
            source_name=transcript.source_name,
            source_url=transcript.source_link,
            language=transcript.language or "en",
            key=f"parley-{transcript.slug}"[:80].rstrip("-"),
        )

    @property
    def is_statement(self) -> bool:
        return bool(self.part)

    @property
    def full_title(self) -> str:
        """ "Answer in “Title”" for a statement, the title for a transcript."""
        return f"{self.part} in “{self.title}”" if self.part else self.title

    @property
    def genre(self) -> str:
        return f"{self.kind} transcript" if self.kind else "Transcript"

    @property
    def locator(self) -> str:
        return f"statement {self.position}" if self.position else ""

    @property
    def publisher(self) -> str:
        """Who published the text: the official source, else the outlet."""
        return self.source_name or self.outlet


# --- Styles -------------------------------------------------------------------------------------

Pieces = list[tuple[str, bool]]  # (text, italic)


def _end(text: str) -> str:
    """A sentence's full stop, unless it ends with one (or a question mark) already."""
    return text if text.endswith((".", "?", "!", "”", "’")) else f"{text}."


def _quoted(title: str) -> str:
    """A title in quotation marks with the sentence's full stop inside, a title within it in
    single marks (Chicago and MLA)."""
    inner = title.replace("“", "‘").replace("”", "’")
    if inner.endswith(("?", "!")):
        return f"“{inner}”"
    if inner.endswith("’"):
        return f"“{inner[:-1]}.’”"
    return f"“{inner}.”"


def _us_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _mla_date(day: datetime.date) -> str:
    return f"{day.day} {MLA_MONTHS[day.month - 1]} {day.year}"


def _bare_url(url: str) -> str:
    return re.sub(r"^https?://", "", url)


def chicago(work: Work) -> Pieces:
    pieces: Pieces = []
    if work.author:
        pieces.append((_end(work.author.inverted) + " ", False))
    elif work.source_name and not work.is_statement:
        pieces.append((_end(work.source_name) + " ", False))
    pieces.append((_quoted(work.full_title), False))
    event = [work.kind, work.outlet, work.location]
    if work.date:
        event.append(_us_date(work.date))
    pieces.append((" " + _end(", ".join(part for part in event if part)), False))
    if work.source_name and (work.author or work.is_statement):
        pieces.append((" " + _end(work.source_name), False))
    if work.source_url:
        pieces.append((f" {work.source_url}.", False))
    pieces.append((f" Archived in Parley, {work.permalink}.", False))
    pieces.append((f" Accessed {_us_date(work.accessed)}.", False))
    return pieces


def apa(work: Work) -> Pieces:
    when = f"({work.date.year}, {work.date:%B} {work.date.day})" if work.date else "(n.d.)"
    title: Pieces = []
    if work.is_statement:
        title.append((f"{work.part} in ", False))
    title.append((work.title, True))
    title.append((f" [{work.genre}]", False))
    pieces: Pieces = []
    if work.author:
        pieces += [(f"{work.author.initials} {when}. ", False), *title, (". ", False)]
    elif work.source_name and not work.is_statement:
        pieces += [(f"{_end(work.source_name)} {when}. ", False), *title, (". ", False)]
    else:
        pieces += [*title, (f". {when}. ", False)]
    if work.source_name and (work.author or work.is_statement):
        pieces.append((_end(work.source_name) + " ", False))
    if work.source_url:
        pieces.append((f"{work.source_url} ", False))
    pieces.append(
        (f"Archived in Parley, retrieved {_us_date(work.accessed)}, from {work.permalink}", False)
    )
    return pieces


def mla(work: Work) -> Pieces:
    pieces: Pieces = []
    if work.author:
        pieces.append((_end(work.author.inverted) + " ", False))
    pieces.append((_quoted(work.full_title) + " ", False))
    container = []
    if work.publisher:
        pieces.append((work.publisher, True))
        container.append("")
    details = [work.kind if not work.publisher else ""]
    if work.date:
        details.append(_mla_date(work.date))
    if work.source_url:
        details.append(_bare_url(work.source_url))
    text = ", ".join(part for part in details if part)
    if text:
        pieces.append(((", " if container else "") + text, False))
    pieces.append((f". Parley, {_bare_url(work.permalink)}.", False))
    pieces.append((f" Accessed {_mla_date(work.accessed)}.", False))
    return pieces


STYLES = {"chicago": chicago, "apa": apa, "mla": mla}


def as_text(pieces: Pieces) -> str:
    return "".join(text for text, _ in pieces)


def as_html(pieces: Pieces) -> SafeString:
    return format_html_join(
        "", "{}", ((format_html("<i>{}</i>", text) if italic else text,) for text, italic in pieces)
    )


def styles(work: Work) -> list[dict]:
    """Every style of a work, for a template: key, name, html."""
    return [
        {"key": key, "name": STYLE_NAMES[key], "html": as_html(style(work))}
        for key, style in STYLES.items()
    ]


# --- Reference managers' formats ----------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_text(text: str) -> str:
    text = text.replace("\\", r"\textbackslash{}").replace("~", r"\textasciitilde{}")
    text = text.replace("^", r"\textasciicircum{}")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex(work: Work) -> str:
    """A @misc entry (BibTeX and biblatex read it; Zotero, Mendeley and JabRef import it)."""
    fields = []
    if work.author:
        name = work.author.inverted if work.author.family else f"{{{work.author.literal}}}"
        fields.append(("author", _bibtex_text(name) if work.author.family else name))
    fields.append(("title", "{" + _bibtex_text(work.full_title) + "}"))
    fields.append(
        ("howpublished", _bibtex_text(", ".join(p for p in (work.genre, work.outlet) if p)))
    )
    if work.publisher:
        fields.append(("organization", _bibtex_text(work.publisher)))
    if work.location:
        fields.append(("address", _bibtex_text(work.location)))
    if work.date:
        fields += [
            ("year", str(work.date.year)),
            ("month", BIBTEX_MONTHS[work.date.month - 1]),
            ("date", work.date.isoformat()),
        ]
    fields += [("url", work.permalink), ("urldate", work.accessed.isoformat())]
    fields.append(("language", work.language))
    note = [f"{work.part}, {work.locator} of the transcript." if work.is_statement else ""]
    if work.source_url:
        note.append(f"Official source: {work.source_name or 'the publisher'}, {work.source_url}.")
    note.append("Archived in Parley.")
    fields.append(("note", _bibtex_text(" ".join(part for part in note if part))))
    if work.keywords:
        fields.append(("keywords", _bibtex_text(", ".join(work.keywords))))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{work.key},\n{body}\n}}\n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def ris(work: Work) -> str:
    """An RIS record (EndNote, Zotero, Mendeley), CRLF line ends as the format has them."""
    lines = [_ris_line("TY", "GEN"), _ris_line("ID", work.key)]
    if work.author:
        lines.append(_ris_line("AU", work.author.inverted))
    lines.append(_ris_line("TI", work.full_title))
    if work.is_statement:
        lines.append(_ris_line("T2", work.title))
        lines.append(_ris_line("SE", work.locator))
    lines.append(_ris_line("M3", work.genre))
    if work.date:
        lines.append(_ris_line("PY", str(work.date.year)))
        lines.append(_ris_line("DA", f"{work.date:%Y/%m/%d}/"))
    if work.publisher:
        lines.append(_ris_line("PB", work.publisher))
    if work.location:
        lines.append(_ris_line("CY", work.location))
    lines.append(_ris_line("UR", work.permalink))
    lines.append(_ris_line("Y2", f"{work.accessed:%Y/%m/%d}/"))
    lines.append(_ris_line("LA", work.language))
    lines.append(_ris_line("DB", "Parley"))
    if work.source_url:
        lines.append(_ris_line("N1", f"Official source: {work.publisher}, {work.source_url}"))
    for keyword in work.keywords:
        lines.append(_ris_line("KW", keyword))
    if work.text:
        lines.append(_ris_line("AB", work.text))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def _date_parts(day: datetime.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(work: Work) -> str:
    """A CSL-JSON list of one item (Zotero, Pandoc and citeproc read it)."""
    item: dict = {
        "id": work.key,
        "type": "interview" if work.kind == "Interview" else "speech",
        "title": work.full_title,
        "genre": work.genre,
        "URL": work.permalink,
        "accessed": _date_parts(work.accessed),
        "language": work.language,
        "archive": "Parley",
    }
    if work.author:
        item["author"] = [work.author.csl()]
    if work.is_statement:
        item["container-title"] = work.title
        item["section"] = work.locator
        item["archive_location"] = work.locator
    if work.date:
        item["issued"] = _date_parts(work.date)
    if work.publisher:
        item["publisher"] = work.publisher
    if work.location:
        item["publisher-place"] = work.location
        item["event-place"] = work.location
    if work.outlet:
        item["event-title"] = work.outlet
    if work.source_url:
        item["note"] = f"Official source: {work.publisher}, {work.source_url}"
    if work.keywords:
        item["keyword"] = ", ".join(work.keywords)
    if work.text:
        item["abstract"] = work.text
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


EXPORTS = {"bib": bibtex, "ris": ris, "json": csl_json}


# --- What reference managers read from a page ------------------------------------------------------


def page_metadata(work: Work) -> dict:
    """The <meta> tags of a page: Highwire Press `citation_*` (Google Scholar, Zotero's
    Embedded Metadata translator) and Dublin Core `DC.*`, as (name, content) pairs."""
    tags: list[tuple[str, str]] = [("citation_title", work.full_title)]
    if work.author:
        tags.append(("citation_author", work.author.inverted))
    if work.date:
        tags.append(("citation_publication_date", f"{work.date:%Y/%m/%d}"))
        tags.append(("citation_date", f"{work.date:%Y/%m/%d}"))
    if work.publisher:
        tags.append(("citation_publisher", work.publisher))
    if work.is_statement:
        tags.append(("citation_inbook_title", work.title))
    tags += [
        ("citation_language", work.language),
        ("citation_public_url", work.permalink),
        ("citation_fulltext_html_url", work.permalink),
    ]
    if work.keywords:
        tags.append(("citation_keywords", "; ".join(work.keywords)))
    dublin_core: list[tuple[str, str]] = [("DC.title", work.full_title)]
    if work.author:
        dublin_core.append(("DC.creator", work.author.inverted))
    if work.date:
        dublin_core.append(("DC.date", work.date.isoformat()))
    dublin_core += [("DC.type", "Text"), ("DC.format", "text/html")]
    if work.publisher:
        dublin_core.append(("DC.publisher", work.publisher))
    if work.source_url:
        dublin_core.append(("DC.source", work.source_url))
    dublin_core += [
        ("DC.identifier", work.permalink),
        ("DC.language", work.language),
    ]
    if work.is_statement:
        dublin_core.append(("DC.relation", work.title))
    dublin_core += [("DC.subject", keyword) for keyword in work.keywords]
    return {"highwire": tags, "dublin_core": dublin_core}
