"""Read-only JSON API: transcripts, turns, speakers, topics and search, described by the OpenAPI
document at /api/openapi.json (archive/openapi.py) and a short human page at /api/.

Plain Django views returning JsonResponse. Every answer under /api/ is JSON, errors included:
`{"error": {"status": 404, "message": "..."}}` for unknown paths and objects, 400 for bad
parameters, 405 for anything but GET/HEAD, 500 (logged) for our own bugs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, path, re_path, resolve, reverse
from django.views.decorators.csrf import csrf_exempt

from archive.models import Speaker, Topic, Transcript, Turn
from archive.openapi import MAX_PAGE_SIZE, openapi_document
from archive.views.exports import (
    speaker_data,
    topic_data,
    transcript_summary,
    turn_data,
    turns_for_hits,
)

log = logging.getLogger(__name__)
DEFAULT_PAGE_SIZE = 20
ALLOWED_METHODS = ("GET", "HEAD")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"status": status, "message": message}}, status=status)
    if status == 405:
        response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def api_view(view: Callable) -> Callable:
    """GET/HEAD only; ApiError, Http404 and unexpected exceptions become JSON errors."""

    @csrf_exempt  # so that a POST is answered 405 by us, not 403 by the CSRF middleware
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ALLOWED_METHODS:
            return error_response(
                405, f"{request.method} is not allowed: this API is read-only (GET)."
            )
        try:
            response = view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)
        except Http404 as error:
            return error_response(404, str(error) or "Not found.")
        except Exception:
            log.exception("API error at %s", request.path)
            return error_response(500, "Internal server error; it has been logged.")
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- Parameters and pagination ---------------------------------------------------------------


def _int_param(
    request, name: str, *, low: int, high: int | None = None, default: int | None = None
):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number, not {raw[:40]!r}.") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError(400, f"{name} must be {bounds}; got {value}.")
    return value


def _choice_param(request, name: str, choices) -> str | None:
    value = request.GET.get(name, "")
    if value and value not in choices:
        raise ApiError(400, f"{name} must be one of {', '.join(choices)}; got {value[:40]!r}.")
    return value or None


def _paging(request) -> tuple[int, int]:
    page = _int_param(request, "page", low=1, default=1)
    page_size = _int_param(
        request, "page_size", low=1, high=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )
    return page, page_size


def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _envelope(request, *, count: int, page: int, page_size: int, results: list) -> dict:
    num_pages = max(1, -(-count // page_size))
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "num_pages": num_pages,
        "next": _page_url(request, page + 1) if page < num_pages else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": results,
    }


def _paginate(request, queryset, serialize: Callable) -> JsonResponse:
    page, page_size = _paging(request)
    count = queryset.count()
    num_pages = max(1, -(-count // page_size))
    if page > num_pages:
        raise ApiError(404, f"page {page} does not exist; there are {num_pages} pages.")
    items = queryset[(page - 1) * page_size : page * page_size]
    results = [serialize(item) for item in items]
    return _json(_envelope(request, count=count, page=page, page_size=page_size, results=results))


# --- Transcripts -------------------------------------------------------------------------------


@api_view
def transcript_list(request):
    transcripts = Transcript.objects.published().order_by("-date", "-pk")
    year = _int_param(request, "year", low=1, high=9999)
    if year:
        transcripts = transcripts.filter(date__year=year)
    kind = _choice_param(request, "kind", Transcript.Kind.values)
    if kind:
        transcripts = transcripts.filter(kind=kind)
    if outlet := request.GET.get("outlet"):
        transcripts = transcripts.filter(outlet=outlet)
    if speaker := request.GET.get("speaker"):
        transcripts = transcripts.featuring(speaker)
    transcripts = transcripts.with_turn_counts()
    return _paginate(request, transcripts, lambda t: _transcript_item(request, t))


def _transcript_item(request, transcript: Transcript) -> dict:
    data = transcript_summary(transcript, request)
    data["turn_count"] = transcript.turn_count
    data["api_url"] = request.build_absolute_uri(
        reverse("archive:api_transcript_detail", args=[transcript.slug])
    )
    return data


@api_view
def transcript_detail(request, slug):
    transcript = Transcript.objects.published().with_turn_counts().filter(slug=slug).first()
    if transcript is None:
        raise Http404(f"No published transcript {slug!r}.")
    data = _transcript_item(request, transcript)
    data["participants"] = [
        speaker_data(speaker, request) for speaker in Speaker.objects.participants_in(transcript)
    ]
    data["turns_url"] = request.build_absolute_uri(
        f"{reverse('archive:api_turn_list')}?transcript={transcript.slug}"
    )
    data["exports"] = {
        fmt: request.build_absolute_uri(
            reverse("archive:transcript_export", args=[transcript.slug, fmt])
        )
        for fmt in ("json", "csv", "txt", "xml")
    }
    return _json(data)


# --- Turns ------------------------------------------------------------------------------------


@api_view
def turn_list(request):
    turns = Turn.objects.published().for_listing().with_visible_tags()
    if transcript := request.GET.get("transcript"):
        turns = turns.filter(transcript__slug=transcript)
    if speaker := request.GET.get("speaker"):
        turns = turns.filter(speaker__slug=speaker)
    if topic := request.GET.get("topic"):
        turns = turns.on_topic(topic)
    kind = _choice_param(request, "kind", Turn.Kind.values)
    if kind:
        turns = turns.filter(kind=kind)
    turns = turns.order_by("-transcript__date", "transcript_id", "position")
    return _paginate(request, turns, lambda turn: turn_data(turn, request))


@api_view
def turn_detail(request, key):
    turn = Turn.objects.published().for_listing().with_visible_tags().filter(key=key).first()
    if turn is None:
        raise Http404(f"No turn {key!r}.")
    return _json(turn_data(turn, request))


# --- Speakers ---------------------------------------------------------------------------------


def _public_speakers():
    return Speaker.objects.public().with_turn_counts()


def _speaker_item(request, speaker: Speaker) -> dict:
    data = speaker_data(speaker, request)
    data["turn_count"] = speaker.turn_count
    data["api_url"] = request.build_absolute_uri(
        reverse("archive:api_speaker_detail", args=[speaker.slug])
    )
    return data


@api_view
def speaker_list(request):
    speakers = _public_speakers().order_by("name", "pk")
    kind = _choice_param(request, "kind", Speaker.Kind.values)
    if kind:
        speakers = speakers.filter(kind=kind)
    if organisation := request.GET.get("organisation"):
        speakers = speakers.filter(organisation__iexact=organisation)
    return _paginate(request, speakers, lambda speaker: _speaker_item(request, speaker))


@api_view
def speaker_detail(request, slug):
    speaker = _public_speakers().filter(slug=slug).first()
    if speaker is None:
        raise Http404(f"No speaker {slug!r}.")
    data = _speaker_item(request, speaker)
    data["description"] = speaker.description
    data["turns_url"] = request.build_absolute_uri(
        f"{reverse('archive:api_turn_list')}?speaker={slug}"
    )
    data["transcripts_url"] = request.build_absolute_uri(
        f"{reverse('archive:api_transcript_list')}?speaker={slug}"
    )
    return _json(data)


# --- Topics -----------------------------------------------------------------------------------


def _topics():
    return Topic.objects.with_turn_counts()


def _topic_item(request, topic: Topic) -> dict:
    data = topic_data(topic, request)
    data["turn_count"] = topic.turn_count
    data["api_url"] = request.build_absolute_uri(
        reverse("archive:api_topic_detail", args=[topic.slug])
    )
    return data


@api_view
def topic_list(request):
    return _paginate(request, _topics().order_by("name"), lambda topic: _topic_item(request, topic))


@api_view
def topic_detail(request, slug):
    topic = _topics().filter(slug=slug).first()
    if topic is None:
        raise Http404(f"No topic {slug!r}.")
    data = _topic_item(request, topic)
    data["turns_url"] = request.build_absolute_uri(
        f"{reverse('archive:api_turn_list')}?topic={slug}"
    )
    return _json(data)


# --- Search -----------------------------------------------------------------------------------

SEARCH_PARAMETERS = ("q", "speaker", "topic", "kind", "after", "before")


@api_view
def search(request):
    """The search page's query language, through archive.search.run_search."""
    from archive.search import MAX_PAGE, SORTS, SearchRequest, run_search

    page, page_size = _paging(request)
    if page > MAX_PAGE:
        raise ApiError(400, f"page must be at most {MAX_PAGE}.")
    _choice_param(request, "sort", list(SORTS))
    if not any(request.GET.get(name, "").strip() for name in SEARCH_PARAMETERS):
        raise ApiError(
            400, 'q is required: words, a "phrase", or a filter such as speaker:blinken.'
        )
    search_request = SearchRequest.from_querydict(request.GET)
    search_request.page, search_request.per_page = page, page_size
    result = run_search(search_request)
    if result.failed:
        raise ApiError(503, "Search is unavailable just now; please try again in a moment.")
    snippets = {hit.turn_id: str(hit.snippet) for hit in result.hits}
    results = [
        {**turn_data(turn, request), "snippet": snippets[turn.pk]}
        for turn in turns_for_hits(result.hits)
    ]
    data = _envelope(
        request, count=result.total, page=result.page, page_size=page_size, results=results
    )
    data["count_is_estimate"] = result.total_is_estimate
    data["query"] = result.parsed.to_text() if result.searched else search_request.q
    data["notes"] = result.notes
    data["facets"] = {
        name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
        for name, values in result.facets.items()
    }
    return _json(data)


# --- The description and the human page ----------------------------------------------------------


@api_view
def openapi_json(request):
    return JsonResponse(
        openapi_document(request.build_absolute_uri("/api")), json_dumps_params={"indent": 2}
    )


@api_view
def api_index(request):
    document = openapi_document(request.build_absolute_uri("/api"))
    endpoints = [
        {
            "path": route,
            "summary": operation["get"]["summary"],
            "parameters": operation["get"].get("parameters", []),
        }
        for route, operation in document["paths"].items()
    ]
    return render(request, "archive/api.html", {"document": document, "endpoints": endpoints})


@api_view
def not_found(request, rest=""):
    message = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match and match.func is not not_found:
            message += f" Did you mean {request.path}/ ?"
    raise ApiError(404, message + " See /api/openapi.json.")


urlpatterns = [
    path("", api_index, name="api_index"),
    path("openapi.json", openapi_json, name="api_openapi"),
    path("transcripts/", transcript_list, name="api_transcript_list"),
    path("transcripts/<slug:slug>/", transcript_detail, name="api_transcript_detail"),
    path("turns/", turn_list, name="api_turn_list"),
    path("turns/<str:key>/", turn_detail, name="api_turn_detail"),
    path("speakers/", speaker_list, name="api_speaker_list"),
    path("speakers/<slug:slug>/", speaker_detail, name="api_speaker_detail"),
    path("topics/", topic_list, name="api_topic_list"),
    path("topics/<slug:slug>/", topic_detail, name="api_topic_detail"),
    path("search/", search, name="api_search"),
    re_path(r"^(?P<rest>.*)$", not_found, name="api_not_found"),
]
