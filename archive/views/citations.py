"""Citations: a statement's or a transcript's BibTeX, RIS and CSL-JSON downloads, and what the
statement and transcript pages show of them (archive.citations makes every style and format)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from archive import citations
from archive.models import Transcript, Turn


def turn_work(request, turn: Turn) -> citations.Work:
    permalink = request.build_absolute_uri(turn.get_absolute_url())
    return citations.Work.of_turn(turn, permalink, timezone.localdate())


def transcript_work(request, transcript: Transcript) -> citations.Work:
    permalink = request.build_absolute_uri(transcript.get_absolute_url())
    return citations.Work.of_transcript(transcript, permalink, timezone.localdate())


def citation_context(work: citations.Work, download_url: str) -> dict:
    """What a page shows of a citation: the styles, the downloads, the <meta> tags."""
    return {
        "citation": work,
        "citation_styles": citations.styles(work),
        "citation_meta": citations.page_metadata(work),
        "citation_downloads": [
            (download_url.replace("__fmt__", fmt), label)
            for fmt, label in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))
        ],
    }


def _download(work: citations.Work, fmt: str, name: str) -> HttpResponse:
    if fmt not in citations.EXPORTS:
        raise Http404(f"No citation format {fmt!r}")
    extension, content_type = citations.FORMATS[fmt]
    response = HttpResponse(citations.EXPORTS[fmt](work), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def turn_citation(request, key: str, fmt: str):
    """/turns/<key>/cite.<bib|ris|json>"""
    turn = get_object_or_404(Turn.objects.published().for_listing().with_visible_tags(), key=key)
    return _download(turn_work(request, turn), fmt, f"parley-{turn.key}")


def transcript_citation(request, slug: str, fmt: str):
    """/transcripts/<slug>/cite.<bib|ris|json>"""
    transcript = get_object_or_404(Transcript.objects.published(), slug=slug)
    return _download(transcript_work(request, transcript), fmt, transcript.slug)
