"""Exports: a transcript as JSON, CSV, plain text or Akoma Ntoso XML, and lists of turns
(search results) as CSV or JSON.

The `*_data` functions are the archive's public JSON shapes; the API uses the same ones so a
transcript looks alike wherever it is downloaded. The search view calls `turns_csv_response` /
`turns_json_response` for `?format=csv` / `?format=json`.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from archive.models import Speaker, Topic, Transcript, Turn

# --- JSON shapes -----------------------------------------------------------------------------


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def speaker_data(speaker: Speaker, request=None) -> dict:
    return {
        "slug": speaker.slug,
        "name": speaker.name,
        "title": speaker.title,
        "organisation": speaker.organisation,
        "kind": speaker.kind,
        "is_questioner": speaker.is_questioner,
        "url": _absolute(request, speaker.get_absolute_url()),
    }


def topic_data(topic: Topic, request=None) -> dict:
    return {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "url": _absolute(request, topic.get_absolute_url()),
    }


def transcript_summary(transcript: Transcript, request=None) -> dict:
    """A transcript's metadata, without its turns."""
    return {
        "slug": transcript.slug,
        "title": transcript.title,
        "date": transcript.date.isoformat() if transcript.date else None,
        "kind": transcript.kind,
        "kind_display": transcript.get_kind_display(),
        "outlet": transcript.outlet,
        "location": transcript.location,
        "language": transcript.language,
        "source_name": transcript.source_name,
        "source_url": transcript.source_url,
        "url": _absolute(request, transcript.get_absolute_url()),
    }


def turn_data(turn: Turn, request=None, *, with_transcript: bool = True) -> dict:
    """One turn. `turn.speaker` (and `turn.transcript` when `with_transcript`) should be
    select_related; topics are included when prefetched as `visible_tags`."""
    data = {
        "key": turn.key,
        "position": turn.position,
        "label": turn.label,
        "kind": turn.kind,
        "speaker": speaker_data(turn.speaker, request) if turn.speaker else None,
        "text": turn.text,
        "url": _absolute(request, turn.get_absolute_url()),
        "context_url": _absolute(request, turn.get_context_url()),
    }
    if with_transcript:
        data["transcript"] = {
            "slug": turn.transcript.slug,
            "title": turn.transcript.title,
            "date": turn.transcript.date.isoformat() if turn.transcript.date else None,
            "url": _absolute(request, turn.transcript.get_absolute_url()),
        }
    if hasattr(turn, "visible_tags"):
        data["topics"] = [tag.topic.slug for tag in turn.visible_tags]
    return data


# --- Transcript exports ----------------------------------------------------------------------

CSV_COLUMNS = [
    "transcript",
    "transcript_title",
    "date",
    "position",
    "key",
    "label",
    "speaker",
    "speaker_slug",
    "speaker_kind",
    "kind",
    "text",
    "url",
    "context_url",
]


def _csv_row(turn: Turn, request) -> list:
    speaker = turn.speaker
    return [
        turn.transcript.slug,
        turn.transcript.title,
        turn.transcript.date.isoformat() if turn.transcript.date else "",
        turn.position,
        turn.key,
        turn.label,
        speaker.name if speaker else "",
        speaker.slug if speaker else "",
        speaker.kind if speaker else "",
        turn.kind,
        turn.text,
        _absolute(request, turn.get_absolute_url()),
        _absolute(request, turn.get_context_url()),
    ]


def turns_csv_response(turns: Iterable[Turn], request, *, filename: str) -> HttpResponse:
    """Turns as CSV, one row per turn (`CSV_COLUMNS`). Items may be turns or search results
    that carry their turn as `.object` or `.turn`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for item in turns:
        turn = _as_turn(item)
        if turn is not None:
            writer.writerow(_csv_row(turn, request))
    return response


def turns_json_response(turns: Iterable[Turn], request, **extra) -> JsonResponse:
    """Turns as JSON: `{"results": [turn, ...], **extra}` (e.g. query, count)."""
    results = [turn_data(turn, request) for turn in map(_as_turn, turns) if turn is not None]
    return JsonResponse({**extra, "results": results}, json_dumps_params={"ensure_ascii": False})


def turns_for_hits(hits) -> list[Turn]:
    """The published turns behind search hits (archive.search.Hit), in the hits' order, with one
    query; topics prefetched as `visible_tags`."""
    ids = [hit.turn_id for hit in hits]
    turns = Turn.objects.published().for_listing().with_visible_tags().in_bulk(ids)
    return [turns[pk] for pk in ids if pk in turns]


SEARCH_EXPORT_LIMIT = 1000


def search_csv_response(request) -> HttpResponse:
    """/search/?...&format=csv: the search's first SEARCH_EXPORT_LIMIT results as CSV, one
    row per turn, in the search's order. Same parameters as the search page."""
    from archive.search import SearchRequest, run_search

    search_request = SearchRequest.from_querydict(request.GET)
    search_request.page, search_request.per_page, search_request.facets = (
        1,
        SEARCH_EXPORT_LIMIT,
        False,
    )
    result = run_search(search_request)
    return turns_csv_response(turns_for_hits(result.hits), request, filename="parley-search.csv")


def _as_turn(item) -> Turn | None:
    if isinstance(item, Turn):
        return item
    for attribute in ("turn", "object"):
        candidate = getattr(item, attribute, None)
        if isinstance(candidate, Turn):
            return candidate
    return None


def transcript_export(request, slug: str, fmt: str):
    """/transcripts/<slug>.<fmt>: json, csv, txt or xml (Akoma Ntoso)."""
    if fmt not in EXPORTERS:
        raise Http404(f"No export format {fmt!r}")
    transcript = get_object_or_404(Transcript.objects.published(), slug=slug)
    turns = list(transcript.turns.select_related("speaker").order_by("position"))
    for turn in turns:
        turn.transcript = transcript  # spare a query per turn
    return EXPORTERS[fmt](request, transcript, turns)


def export_json(request, transcript: Transcript, turns: list[Turn]) -> JsonResponse:
    data = {
        "transcript": transcript_summary(transcript, request),
        "participants": [
            speaker_data(speaker, request)
            for speaker in Speaker.objects.participants_in(transcript)
        ],
        "turns": [turn_data(turn, request, with_transcript=False) for turn in turns],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{transcript.slug}.json"'
    return response


def export_csv(request, transcript: Transcript, turns: list[Turn]) -> HttpResponse:
    return turns_csv_response(turns, request, filename=f"{transcript.slug}.csv")


def export_text(request, transcript: Transcript, turns: list[Turn]) -> HttpResponse:
    facts = [
        f"{transcript.date:%-d %B %Y}" if transcript.date else "",
        transcript.get_kind_display(),
        transcript.outlet,
        transcript.location,
    ]
    lines = [transcript.title, " · ".join(fact for fact in facts if fact)]
    if transcript.source_url:
        lines.append(f"Source: {transcript.source_url}")
    lines.append(f"Archive: {request.build_absolute_uri(transcript.get_absolute_url())}")
    lines.append("")
    for turn in turns:
        text = "\n\n".join(turn.paragraphs)
        if turn.kind == Turn.Kind.NARRATIVE:
            lines.append(text)
        else:
            label = turn.label or (turn.speaker.name.upper() if turn.speaker else "UNKNOWN")
            lines.append(f"{label}: {text}")
        lines.append("")
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{transcript.slug}.txt"'
    return response


# --- Akoma Ntoso ------------------------------------------------------------------------------

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


def akoma_ntoso(transcript: Transcript, turns: list[Turn], *, archive_url: str) -> ET.ElementTree:
    """The transcript as an Akoma Ntoso 3.0 `debate` document: a <TLCPerson> per speaker in
    the references, a <speech by="#slug"> per turn, a <narrative> per stage direction."""
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
    speakers = Speaker.objects.participants_in(transcript)
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
    return ET.ElementTree(root)


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


def export_akoma_ntoso(request, transcript: Transcript, turns: list[Turn]) -> HttpResponse:
    tree = akoma_ntoso(
        transcript, turns, archive_url=request.build_absolute_uri(transcript.get_absolute_url())
    )
    body = ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
    response = HttpResponse(body, content_type="application/akn+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{transcript.slug}.xml"'
    return response


EXPORTERS = {
    "json": export_json,
    "csv": export_csv,
    "txt": export_text,
    "xml": export_akoma_ntoso,
}

__all__ = [
    "CSV_COLUMNS",
    "speaker_data",
    "topic_data",
    "transcript_summary",
    "turn_data",
    "turns_csv_response",
    "turns_for_hits",
    "search_csv_response",
    "turns_json_response",
    "transcript_export",
]
