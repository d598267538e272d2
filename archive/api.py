"""The read-only JSON API, on django-ninja: transcripts, turns, speakers, topics and search.

Ninja builds the OpenAPI 3.1 document (/api/openapi.json) from this module's operations, the
shapes in archive/schemas.py and the parameter declarations in archive/filters.py, and checks
both ends against them: parameters on the way in (strictly: what the document does not allow
is a 400 that says why) and answers on the way out. /api/ is a page for people, made from the
same document.

Every answer under /api/ is JSON, errors included: `{"error": {"status": 404, "message": "..."}}`
for unknown paths and objects (and a page past the last), 400 for bad parameters, 405 for
anything but GET/HEAD, 503 when the search engine cannot answer, 500 (logged) for our own bugs.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Annotated

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, path, re_path, resolve
from ninja import NinjaAPI, Path, Query
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from archive import schemas
from archive.caching import cached_search
from archive.filters import (
    SLUG_PATTERN,
    Paging,
    SearchParams,
    SpeakerFilters,
    TranscriptFilters,
    TurnFilters,
)
from archive.models import Speaker, Topic, Transcript, Turn
from archive.search import SearchRequest, run_search
from archive.views.exports import turns_for_hits

log = logging.getLogger(__name__)
ALLOWED_METHODS = ("GET", "HEAD")
SEARCH_HELP = 'q is required: words, a "phrase", or a filter such as speaker:blinken.'


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JsonResponse:
    response = JsonResponse(
        {"error": {"status": status, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 405:
        response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Parley API",
    version="1.0.0",
    description=(
        "Read-only JSON API of the Parley archive of diplomatic interview transcripts. "
        "Lists are paginated (page, page_size); errors are "
        '{"error": {"status", "message"}}. Only published transcripts appear.'
    ),
    renderer=Renderer(),
    # The human page is /api/ (archive/api.html); ninja's interactive docs would load their
    # scripts from a CDN, which the site does not do.
    openapi_url=None,
    docs_url=None,
)


# --- Errors --------------------------------------------------------------------------------------


def _explain(error: dict, request) -> str:
    """One pydantic error on a query parameter, said the way a person fixes it."""
    name = str(error["loc"][-1])
    raw = request.GET.get(name, "")
    shown, ctx, kind = repr(raw[:40]), error.get("ctx", {}), error["type"]
    if name == "q" and kind in {"missing", "string_too_short", "string_pattern_mismatch"}:
        return SEARCH_HELP
    if kind == "missing":
        return f"{name} is required."
    if kind.startswith("int_"):
        return f"{name} must be a whole number, not {shown}."
    if kind == "greater_than_equal":
        return f"{name} must be at least {ctx['ge']}; got {raw}."
    if kind == "less_than_equal":
        return f"{name} must be at most {ctx['le']}; got {raw}."
    if kind == "literal_error":
        return f"{name} must be one of {ctx['expected']}; got {shown}."
    if kind == "string_too_short":
        return f"{name} must not be empty: leave it out instead."
    if kind == "string_too_long":
        return f"{name} must be at most {ctx['max_length']} characters."
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        return f"{name} must be a slug (letters, digits, - and _), not {shown}."
    return f"{name}: {error['msg']}."


def _invalid_parameters(request, error: ValidationError) -> HttpResponse:
    return error_response(400, " ".join(_explain(item, request) for item in error.errors))


def _server_error(request, error: Exception) -> HttpResponse:
    log.exception("API error at %s", request.path, exc_info=error)
    return error_response(500, "Internal server error; it has been logged.")


api.add_exception_handler(
    ApiError, lambda request, error: error_response(error.status, error.message)
)
api.add_exception_handler(
    Http404, lambda request, error: error_response(404, str(error) or "Not found.")
)
api.add_exception_handler(ValidationError, _invalid_parameters)
api.add_exception_handler(Exception, _server_error)

ERRORS = {
    400: "A parameter is not valid; the message says which and why.",
    404: "No such object, or a page past the last.",
    405: "Only GET (and HEAD) are allowed.",
}


def operation(route: str, shape, *, name: str, operation_id: str, summary: str, errors=ERRORS):
    """A GET operation answering `shape`, and errors (schemas.Error) with these descriptions."""
    return api.get(
        route,
        response={200: shape, **dict.fromkeys(errors, schemas.Error)},
        url_name=name,
        operation_id=operation_id,
        summary=summary,
        by_alias=True,  # schemas.ExportLinks.json_ is "json"
        openapi_extra={
            "responses": {status: {"description": text} for status, text in errors.items()}
        },
    )


def slug_in_path(whose: str):
    return Annotated[str, Path(pattern=SLUG_PATTERN, description=f"The {whose}'s slug.")]


# --- Pages of results ----------------------------------------------------------------------------


def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def envelope(request, *, count: int, page: int, page_size: int, num_pages: int, results) -> dict:
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "num_pages": num_pages,
        "next": _page_url(request, page + 1) if page < num_pages else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": results,
    }


def paginate(request, queryset, paging: Paging) -> dict:
    count = queryset.count()
    num_pages = max(1, -(-count // paging.page_size))
    if paging.page > num_pages:
        raise ApiError(404, f"page {paging.page} does not exist; there are {num_pages} pages.")
    start = (paging.page - 1) * paging.page_size
    return envelope(
        request,
        count=count,
        page=paging.page,
        page_size=paging.page_size,
        num_pages=num_pages,
        results=list(queryset[start : start + paging.page_size]),
    )


# --- Transcripts, turns, speakers, topics --------------------------------------------------------


@operation(
    "/transcripts/",
    schemas.TranscriptPage,
    name="api_transcript_list",
    operation_id="listTranscripts",
    summary="Published transcripts, newest first.",
)
def transcript_list(request, filters: Query[TranscriptFilters], paging: Query[Paging]):
    transcripts = filters.apply(Transcript.objects.published()).with_turn_counts()
    return paginate(request, transcripts.order_by("-date", "-pk"), paging)


@operation(
    "/transcripts/{slug:slug}/",
    schemas.TranscriptDetail,
    name="api_transcript_detail",
    operation_id="getTranscript",
    summary="One transcript: metadata, participants, links to its turns and exports.",
)
def transcript_detail(request, slug: slug_in_path("transcript")):
    transcript = Transcript.objects.published().with_turn_counts().filter(slug=slug).first()
    if transcript is None:
        raise Http404(f"No published transcript {slug!r}.")
    return Transcript.objects.with_participants([transcript])[0]


@operation(
    "/turns/",
    schemas.TurnPage,
    name="api_turn_list",
    operation_id="listTurns",
    summary="Turns (statements), newest transcript first, in order within a transcript.",
)
def turn_list(request, filters: Query[TurnFilters], paging: Query[Paging]):
    turns = filters.apply(Turn.objects.published()).for_listing().with_visible_tags()
    return paginate(
        request, turns.order_by("-transcript__date", "transcript_id", "position"), paging
    )


@operation(
    "/turns/{key}/",
    schemas.Turn,
    name="api_turn_detail",
    operation_id="getTurn",
    summary="One turn by its permanent key.",
)
def turn_detail(request, key: Annotated[str, Path(description="The turn's permanent key.")]):
    turn = Turn.objects.published().for_listing().with_visible_tags().filter(key=key).first()
    if turn is None:
        raise Http404(f"No turn {key!r}.")
    return turn


@operation(
    "/speakers/",
    schemas.SpeakerPage,
    name="api_speaker_list",
    operation_id="listSpeakers",
    summary="People with published statements, by family name (or by number of statements).",
)
def speaker_list(request, filters: Query[SpeakerFilters], paging: Query[Paging]):
    speakers = filters.apply(Speaker.objects.public()).with_turn_counts()
    return paginate(request, speakers.order_by("sort_name", "name", "pk"), paging)


@operation(
    "/speakers/{slug:slug}/",
    schemas.SpeakerDetail,
    name="api_speaker_detail",
    operation_id="getSpeaker",
    summary="One speaker.",
)
def speaker_detail(request, slug: slug_in_path("speaker")):
    speaker = (
        Speaker.objects.public()
        .with_turn_counts()
        .prefetch_related("aliases", "memberships__post__organization")
        .filter(slug=slug)
        .first()
    )
    if speaker is None:
        raise Http404(f"No speaker {slug!r}.")
    return speaker


@operation(
    "/topics/",
    schemas.TopicPage,
    name="api_topic_list",
    operation_id="listTopics",
    summary="Topics, by name.",
)
def topic_list(request, paging: Query[Paging]):
    return paginate(request, Topic.objects.with_turn_counts().order_by("name"), paging)


@operation(
    "/topics/{slug:slug}/",
    schemas.TopicDetail,
    name="api_topic_detail",
    operation_id="getTopic",
    summary="One topic.",
)
def topic_detail(request, slug: slug_in_path("topic")):
    topic = Topic.objects.with_turn_counts().filter(slug=slug).first()
    if topic is None:
        raise Http404(f"No topic {slug!r}.")
    return topic


# --- Search --------------------------------------------------------------------------------------


def search_results(request, search_request: SearchRequest) -> dict:
    """A search's answer in the SearchResults shape: the API's, and the search page's
    ?format=json (search_as_json)."""
    found = run_search(search_request)
    if found.failed:
        raise ApiError(503, "Search is unavailable just now; please try again in a moment.")
    snippets = {hit.turn_id: str(hit.snippet) for hit in found.hits}
    turns = turns_for_hits(found.hits)
    for turn in turns:
        turn.snippet = snippets[turn.pk]
    return {
        **envelope(
            request,
            count=found.total,
            page=found.page,
            page_size=search_request.per_page,
            num_pages=max(1, found.num_pages),
            results=turns,
        ),
        "count_is_estimate": found.total_is_estimate,
        "query": found.parsed.to_text() if found.searched else search_request.q,
        "notes": found.notes,
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in found.facets.items()
        },
        "suggestions": [{"text": s.text, "query": s.querystring} for s in found.suggestions],
        "timeline": timeline_data(found.timeline, search_request.split),
    }


def timeline_data(timeline, split: str) -> dict | None:
    """A search's mentions over time (archive.charts.Timeline) in the Timeline shape."""
    if timeline is None:
        return None
    return {
        "unit": timeline.unit,
        "split": split or None,
        "series": [{"key": key, "label": label} for key, label in timeline.series]
        if timeline.split
        else [],
        "periods": [
            {
                "period": period.key,
                "count": period.total,
                "series": dict(period.values) if timeline.split else None,
            }
            for period in timeline.periods
        ],
    }


@operation(
    "/search/",
    schemas.SearchResults,
    name="api_search",
    operation_id="search",
    summary="Search statements with the search page's query language.",
    errors={**ERRORS, 503: "The search engine could not answer."},
)
def search(request, params: Query[SearchParams]):
    """Past the last page of results, the last page answers."""
    return search_results(request, params.search_request())


def search_as_json(request) -> HttpResponse:
    """/search/?format=json: what /api/search/ answers, for the parameters as leniently read
    as the search page reads them (nothing is refused; an empty query finds nothing)."""
    search_request = SearchRequest.from_querydict(request.GET)
    search_request.per_page = Paging.from_query(request.GET).page_size
    try:
        data = search_results(request, search_request)
    except ApiError as error:
        return error_response(error.status, error.message)
    return JsonResponse(
        schemas.dump(schemas.SearchResults, data, request),
        json_dumps_params={"ensure_ascii": False},
    )


# --- The document, the human page, and everything else under /api/ -------------------------------


@functools.cache
def _generated_document() -> dict:
    # Through JSON once: ninja's status codes are ints, the document's keys are strings.
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=""), cls=NinjaJSONEncoder))


def openapi_document(request) -> dict:
    """The generated OpenAPI document, its server being this site's /api."""
    return {**_generated_document(), "servers": [{"url": request.build_absolute_uri("/api")}]}


def openapi_json(request):
    return JsonResponse(openapi_document(request), json_dumps_params={"indent": 2})


def api_index(request):
    document = openapi_document(request)
    endpoints = [
        {
            "path": route,
            "summary": operations["get"]["summary"],
            "parameters": operations["get"].get("parameters", []),
        }
        for route, operations in document["paths"].items()
    ]
    return render(request, "archive/api.html", {"document": document, "endpoints": endpoints})


def not_found(request, rest=""):
    message = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match and match.url_name != "api_not_found":
            message += f" Did you mean {request.path}/ ?"
    return error_response(404, message + " See /api/openapi.json.")


def read_only(view: Callable) -> Callable:
    """GET and HEAD only (405 otherwise, with Allow), every answer open to any origin (CORS)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ALLOWED_METHODS:
            return error_response(
                405, f"{request.method} is not allowed: this API is read-only (GET)."
            )
        method = request.method
        request.method = "GET"  # ninja's operations are GET; the server drops a HEAD's body
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            log.exception("API error at %s", request.path)
            response = error_response(500, "Internal server error; it has been logged.")
        finally:
            request.method = method
        response["Access-Control-Allow-Origin"] = "*"
        return response

    wrapper.csrf_exempt = True  # a POST is answered 405 by us, not 403 by the CSRF middleware
    return wrapper


def _operation_patterns() -> list:
    """Ninja's URL patterns for the operations above, under this project's URL names."""
    patterns, _app, _namespace = api.urls
    cached = {"api_search"}  # with CACHE_URL, anonymous searches come from the cache
    return [
        path(
            str(pattern.pattern),
            read_only(
                cached_search(pattern.callback) if pattern.name in cached else pattern.callback
            ),
            name=pattern.name,
        )
        for pattern in patterns
        if pattern.name != "api-root"  # ninja's placeholder for "/": ours is api_index
    ]


urlpatterns = [
    path("", read_only(api_index), name="api_index"),
    path("openapi.json", read_only(openapi_json), name="api_openapi"),
    *_operation_patterns(),
    re_path(r"^(?P<rest>[\s\S]*)$", read_only(not_found), name="api_not_found"),
]
