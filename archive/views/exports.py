"""Exports: a transcript as JSON, CSV, plain text or Akoma Ntoso XML (`/transcripts/<slug>.<fmt>`),
and a search's results as CSV (`/search/?...&format=csv`).

The JSON is the archive's one shape for a transcript and its turns (archive/schemas.py), the
XML is built by archive/akoma_ntoso.py; these views read and answer.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from archive import schemas
from archive.akoma_ntoso import akoma_ntoso
from archive.models import Speaker, Transcript, Turn
from archive.search import SearchRequest, run_search
from archive.site import permanent_url

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
SEARCH_EXPORT_LIMIT = 1000
# A spreadsheet takes a cell that starts with one of these for a formula, which can run commands
# or send the sheet's data away (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def turns_for_hits(hits) -> list[Turn]:
    """The published turns behind search hits (archive.search.Hit), in the hits' order, with one
    query; topics prefetched as `visible_tags`."""
    ids = [hit.turn_id for hit in hits]
    turns = Turn.objects.published().for_listing().with_visible_tags().in_bulk(ids)
    return [turns[pk] for pk in ids if pk in turns]


def csv_cell(value):
    """A value as a CSV cell that no spreadsheet runs: text that would start a formula gets a
    leading apostrophe, as OWASP recommends (the text is otherwise as it was)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _csv_row(turn: Turn, request) -> list:
    speaker = turn.speaker
    cells = [
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
        request.build_absolute_uri(turn.get_absolute_url()),
        request.build_absolute_uri(turn.get_context_url()),
    ]
    return [csv_cell(cell) for cell in cells]


def turns_csv_response(turns: Iterable[Turn], request, *, filename: str) -> HttpResponse:
    """Turns (speaker and transcript selected) as CSV, one row per turn (`CSV_COLUMNS`); every
    cell quoted and none starting a formula (csv_cell), as OWASP recommends."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for turn in turns:
        writer.writerow(_csv_row(turn, request))
    return response


def search_csv_response(request) -> HttpResponse:
    """/search/?...&format=csv: the search's first SEARCH_EXPORT_LIMIT results as CSV, one
    row per turn, in the search's order. Same parameters as the search page."""
    search_request = SearchRequest.from_querydict(request.GET)
    search_request.page, search_request.per_page = 1, SEARCH_EXPORT_LIMIT
    search_request.facets = False
    result = run_search(search_request)
    return turns_csv_response(turns_for_hits(result.hits), request, filename="parley-search.csv")


# --- One transcript ------------------------------------------------------------------------------


def transcript_export(request, slug: str, fmt: str):
    """/transcripts/<slug>.<fmt>: json, csv, txt or xml (Akoma Ntoso)."""
    if fmt not in EXPORTERS:
        raise Http404(f"No export format {fmt!r}")
    transcript = get_object_or_404(Transcript.objects.published(), slug=slug)
    turns = transcript.turns.select_related("speaker", "participant__speaker").order_by("position")
    if fmt == "json":
        turns = turns.with_visible_tags()
    turns = list(turns)
    for turn in turns:
        turn.transcript = transcript  # spare a query per turn
    return EXPORTERS[fmt](request, transcript, turns)


def export_json(request, transcript: Transcript, turns: list[Turn]) -> JsonResponse:
    export = {
        "transcript": transcript,
        "participants": Speaker.objects.participants_in(transcript),
        "turns": turns,
    }
    response = JsonResponse(
        schemas.dump(schemas.TranscriptExport, export, request),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
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
    if transcript.source_link:
        lines.append(f"Source: {transcript.source_link}")
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


def export_akoma_ntoso(request, transcript: Transcript, turns: list[Turn]) -> HttpResponse:
    tree = akoma_ntoso(
        transcript,
        turns,
        Speaker.objects.participants_in(transcript),
        archive_url=permanent_url(transcript.get_absolute_url()),
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
