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
UNKNOWN_SPEAKER = "unknown-speaker"

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


def _akn_paragraph(parent: ET.Element, parts: list[tuple[str, bool]]) -> None:
    """A <p>, stage directions such as "(Laughter.)" as inline <remark>s."""
    paragraph = _akn(parent, "p")
    last = None
    for text, is_stage_direction in parts:
        if is_stage_direction:
            last = _akn(paragraph, "remark", text)
        elif last is None:
            paragraph.text = (paragraph.text or "") + text
        else:
            last.tail = (last.tail or "") + text


def akoma_ntoso(
    transcript: Transcript, turns: list[Turn], speakers: list[Speaker], *, archive_url: str
) -> ET.ElementTree:
    """The transcript as an Akoma Ntoso 3.0 `debate` document: a <TLCPerson> per speaker in
    the references (`speakers`: the transcript's participants), a <speech by="#slug"> per
    turn, a <narrative> per stage direction. Reads nothing from the database."""
    date = (transcript.date or transcript.created_at.date()).isoformat()
    language = ISO_639_2.get(transcript.language, transcript.language or "eng")
    work = f"/akn/{AKN_COUNTRY}/debate/{date}/{transcript.slug}"
    expression = f"{work}/{language}@"

    root = _akn(None, "akomaNtoso")
    debate = _akn(root, "debate", name=transcript.kind)
    meta = _akn(debate, "meta")
    identification = _akn(meta, "identification", source="#parley")
    frbr_work = _akn(identification, "FRBRWork")
    _akn(frbr_work, "FRBRthis", value=f"{work}/!main")
    _akn(frbr_work, "FRBRuri", value=work)
    _akn(frbr_work, "FRBRalias", value=archive_url, name="parley")
    _akn(frbr_work, "FRBRdate", date=date, name="delivery")
    _akn(frbr_work, "FRBRauthor", href="#parley")
    _akn(frbr_work, "FRBRcountry", value=AKN_COUNTRY)
    frbr_expression = _akn(identification, "FRBRExpression")
    _akn(frbr_expression, "FRBRthis", value=f"{expression}/!main")
    _akn(frbr_expression, "FRBRuri", value=expression)
    _akn(frbr_expression, "FRBRdate", date=date, name="delivery")
    _akn(frbr_expression, "FRBRauthor", href="#parley")
    _akn(frbr_expression, "FRBRlanguage", language=language)
    frbr_manifestation = _akn(identification, "FRBRManifestation")
    _akn(frbr_manifestation, "FRBRthis", value=f"{expression}/!main.xml")
    _akn(frbr_manifestation, "FRBRuri", value=f"{expression}.akn")
    _akn(frbr_manifestation, "FRBRdate", date=timezone.now().date().isoformat(), name="generation")
    _akn(frbr_manifestation, "FRBRauthor", href="#parley")

    references = _akn(meta, "references", source="#parley")
    _akn(
        references,
        "TLCOrganization",
        eId="parley",
        href="/ontology/organization/parley",
        showAs="Parley",
    )
    if transcript.source_name:
        _akn(
            references,
            "TLCOrganization",
            eId="source",
            href="/ontology/organization/source",
            showAs=transcript.source_name,
        )
    for speaker in speakers:
        _akn(
            references,
            "TLCPerson",
            eId=speaker.slug,
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
        role_ids[role] = f"role-{slugify(role) or len(role_ids) + 1}"
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
    doc_date = _akn(
        facts,
        "docDate",
        f"{transcript.date:%-d %B %Y}" if transcript.date else "Undated",
        date=date,
    )
    if transcript.outlet:
        doc_date.tail = ", "
        _akn(facts, "docProponent", transcript.outlet)
    if transcript.location:
        _akn(preface, "p", transcript.location)

    body = _akn(debate, "debateBody")
    section = _akn(body, "debateSection", eId="dbsect_1", name=transcript.kind)
    _akn(section, "heading", transcript.title)
    for turn in turns:
        if turn.kind == Turn.Kind.NARRATIVE:
            element = _akn(section, "narrative", eId=f"dbsect_1__narrative_{turn.position}")
        else:
            speaker_id = turn.speaker.slug if turn.speaker else UNKNOWN_SPEAKER
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
        for paragraph in turn.paragraph_parts() or [[("", False)]]:
            _akn_paragraph(element, paragraph)
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


MIXED_CONTENT = {"p", "from", "heading", "remark", "person", "docDate", "docProponent"}


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
