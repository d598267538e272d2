"""A transcript as an Akoma Ntoso 3.0 `debate` document (OASIS LegalDocML): pure XML building,
from a transcript, its turns and its participants already read.

The view that serves it is archive.views.exports.transcript_export (`/transcripts/<slug>.xml`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.utils import timezone
from django.utils.text import slugify

from archive.models import Speaker, Transcript, Turn
from archive.xmlchars import xml_safe

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
# The sample archive is U.S. government transcripts; FRBR needs a country for the work's URI.
AKN_COUNTRY = "us"
ISO_639_2 = {
    "en": "eng",
    "fr": "fra",
    "de": "deu",
    "es": "spa",
    "ru": "rus",
    "zh": "zho",
    "ar": "ara",
}
# Outside the prefixed families of _Ids, so that no speaker's id can be it.
UNKNOWN_SPEAKER = "unidentified-speaker"
UNDATED = "undated"

ET.register_namespace("", AKN_NS)


def _akn(parent: ET.Element | None, tag: str, text: str | None = None, **attributes) -> ET.Element:
    qualified = f"{{{AKN_NS}}}{tag}"
    attributes = {key.rstrip("_"): str(value) for key, value in attributes.items()}
    element = (
        ET.Element(qualified, attributes)
        if parent is None
        else ET.SubElement(parent, qualified, attributes)
    )
    if text is not None:
        element.text = text
    return element


def _akn_inline(element: ET.Element, parts: list[tuple[str, bool]]) -> None:
    """Text into `element`, stage directions such as "(Laughter.)" as inline <remark>s."""
    last = element[-1] if len(element) else None
    for text, is_stage_direction in parts:
        if is_stage_direction:
            last = _akn(element, "remark", text)
        elif last is None:
            element.text = (element.text or "") + text
        else:
            last.tail = (last.tail or "") + text


class _Ids:
    """The document's eIds, unique by construction (the schema requires it): each kind of thing
    has its own prefix (`org-`, `person-`, `role-`; the debate's sections use AKN's `dbsect_`
    names), so a speaker's slug can never be a fixed id, and within a kind a value that would
    repeat one (titles that differ only in case, or that slugify to nothing) gets a number."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def new(self, prefix: str, name: str) -> str:
        base = f"{prefix}-{slugify(name) or 'unnamed'}"
        candidate, number = base, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{base}-{number}"
        self.taken.add(candidate)
        return candidate


def akoma_ntoso(
    transcript: Transcript, turns: list[Turn], speakers: list[Speaker], *, archive_url: str
) -> ET.ElementTree:
    """The transcript as an Akoma Ntoso 3.0 `debate` document: a <TLCPerson> per speaker in
    the references (`speakers`: the transcript's participants), a <speech by="#person-slug"> per
    turn, a <narrative> per stage direction. `archive_url` is the transcript's permanent address
    (archive.site.permanent_url). Reads nothing from the database.

    The work's identifier (`/akn/us/debate/<date>/<slug>`) is permanent: the transcript's date
    and slug, or `undated` for a transcript without a date, never the day it was loaded (which
    a re-import changes)."""
    language = ISO_639_2.get(transcript.language, transcript.language or "eng")
    work = f"/akn/{AKN_COUNTRY}/debate/{transcript.date or UNDATED}/{transcript.slug}"
    expression = f"{work}/{language}@"
    # FRBRdate needs a date: an undated transcript's is the day the archive received it, named
    # as such (a fact about this copy, not part of any identifier).
    date, date_name = (
        (transcript.date.isoformat(), "delivery")
        if transcript.date
        else (transcript.created_at.date().isoformat(), "received")
    )
    ids = _Ids()
    parley_id, source_id = ids.new("org", "parley"), ids.new("org", "source")

    root = _akn(None, "akomaNtoso")
    debate = _akn(root, "debate", name=transcript.kind)
    meta = _akn(debate, "meta")
    identification = _akn(meta, "identification", source=f"#{parley_id}")
    frbr_work = _akn(identification, "FRBRWork")
    _akn(frbr_work, "FRBRthis", value=f"{work}/!main")
    _akn(frbr_work, "FRBRuri", value=work)
    _akn(frbr_work, "FRBRalias", value=archive_url, name="parley")
    _akn(frbr_work, "FRBRdate", date=date, name=date_name)
    _akn(frbr_work, "FRBRauthor", href=f"#{parley_id}")
    _akn(frbr_work, "FRBRcountry", value=AKN_COUNTRY)
    frbr_expression = _akn(identification, "FRBRExpression")
    _akn(frbr_expression, "FRBRthis", value=f"{expression}/!main")
    _akn(frbr_expression, "FRBRuri", value=expression)
    _akn(frbr_expression, "FRBRdate", date=date, name=date_name)
    _akn(frbr_expression, "FRBRauthor", href=f"#{parley_id}")
    _akn(frbr_expression, "FRBRlanguage", language=language)
    frbr_manifestation = _akn(identification, "FRBRManifestation")
    _akn(frbr_manifestation, "FRBRthis", value=f"{expression}/!main.xml")
    _akn(frbr_manifestation, "FRBRuri", value=f"{expression}.akn")
    _akn(frbr_manifestation, "FRBRdate", date=timezone.now().date().isoformat(), name="generation")
    _akn(frbr_manifestation, "FRBRauthor", href=f"#{parley_id}")

    references = _akn(meta, "references", source=f"#{parley_id}")
    _akn(
        references,
        "TLCOrganization",
        eId=parley_id,
        href="/ontology/organization/parley",
        showAs="Parley",
    )
    if transcript.source_name:
        _akn(
            references,
            "TLCOrganization",
            eId=source_id,
            href="/ontology/organization/source",
            showAs=transcript.source_name,
        )
    person_ids = {}
    for speaker in speakers:
        person_ids[speaker.pk] = ids.new("person", speaker.slug)
        _akn(
            references,
            "TLCPerson",
            eId=person_ids[speaker.pk],
            href=f"/ontology/person/{speaker.slug}",
            showAs=speaker.name,
        )
    if any(turn.speaker_id is None and turn.kind == Turn.Kind.SPEECH for turn in turns):
        _akn(
            references,
            "TLCPerson",
            eId=UNKNOWN_SPEAKER,
            href=f"/ontology/person/{UNKNOWN_SPEAKER}",
            showAs="Unidentified speaker",
        )
    role_ids = {}
    for role in sorted({speaker.title for speaker in speakers if speaker.title}):
        role_ids[role] = ids.new("role", role)
        _akn(
            references,
            "TLCRole",
            eId=role_ids[role],
            href=f"/ontology/role/{role_ids[role]}",
            showAs=role,
        )

    preface = _akn(debate, "preface")
    long_title = _akn(preface, "longTitle")
    _akn(long_title, "p", transcript.title)
    facts = _akn(preface, "p")
    if transcript.date:
        last = _akn(facts, "docDate", f"{transcript.date:%-d %B %Y}", date=date)
        last.tail = ", " if transcript.outlet else None
    else:
        facts.text = "Undated, " if transcript.outlet else "Undated"
    if transcript.outlet:
        _akn(facts, "docProponent", transcript.outlet)
    if transcript.location:
        _akn(preface, "p", transcript.location)

    body = _akn(debate, "debateBody")
    section = _akn(body, "debateSection", eId="dbsect_1", name=transcript.kind)
    _akn(section, "heading", transcript.title)
    for turn in turns:
        paragraphs = turn.paragraph_parts()
        if turn.kind == Turn.Kind.NARRATIVE:
            # <narrative> holds inline content, not paragraphs: a line break between them.
            element = _akn(section, "narrative", eId=f"dbsect_1__narrative_{turn.position}")
            for number, paragraph in enumerate(paragraphs):
                if number:
                    _akn(element, "br")
                _akn_inline(element, paragraph)
            continue
        speaker_id = person_ids[turn.speaker_id] if turn.speaker else UNKNOWN_SPEAKER
        attributes = {"eId": f"dbsect_1__speech_{turn.position}", "by": f"#{speaker_id}"}
        if turn.speaker and turn.speaker.title:
            attributes["as_"] = f"#{role_ids[turn.speaker.title]}"
        element = _akn(section, "speech", **attributes)
        from_element = _akn(element, "from")
        _akn(
            from_element,
            "person",
            turn.label or (turn.speaker.name if turn.speaker else "Unidentified"),
            refersTo=f"#{speaker_id}",
        )
        for paragraph in paragraphs or [[("", False)]]:
            _akn_inline(_akn(element, "p"), paragraph)
    _indent(root)
    _strip_forbidden_characters(root)
    return ET.ElementTree(root)


def _strip_forbidden_characters(root: ET.Element) -> None:
    """ElementTree writes any character as it is: drop those XML 1.0 forbids (a turn's text, a
    name or a title may hold one), or the document is not well-formed."""
    for element in root.iter():
        if element.text:
            element.text = xml_safe(element.text)
        if element.tail:
            element.tail = xml_safe(element.tail)
        for name, value in element.attrib.items():
            element.set(name, xml_safe(value))


MIXED_CONTENT = {
    "p",
    "from",
    "heading",
    "remark",
    "person",
    "docDate",
    "docProponent",
    "narrative",
}


def _indent(element: ET.Element, level: int = 0) -> None:
    """Indent block elements only: ET.indent would add whitespace inside <p> and <from>,
    which are text."""
    if element.tag.split("}")[-1] in MIXED_CONTENT or not len(element):
        return
    padding = "\n" + "  " * (level + 1)
    element.text = padding
    for child in element:
        _indent(child, level + 1)
        child.tail = padding
    element[-1].tail = "\n" + "  " * level
