"""The search page, /search/?q=… (the same search as CSV with ?format=csv, and with ?format=json
as /api/search/ answers it)."""

from django.shortcuts import render

from archive.api import search_as_json
from archive.caching import cached_search
from archive.languages import name as language_name
from archive.models import Topic, Transcript
from archive.search import SORTS, SearchRequest, run_search
from archive.search.page import archive_languages
from archive.views.exports import search_csv_response


@cached_search  # with CACHE_URL: anonymous searches (HTML, JSON, CSV) from the cache
def search(request):
    if request.GET.get("format") == "csv":
        return search_csv_response(request)
    if request.GET.get("format") == "json":
        return search_as_json(request)
    search_request = SearchRequest.from_querydict(request.GET)
    page = run_search(search_request)
    return render(
        request,
        "archive/search.html",
        {
            "page": page,
            "search": search_request,
            "sorts": SORTS,
            "topics": Topic.objects.values_list("slug", "name"),
            "kinds": Transcript.Kind.choices,
            "languages": [(code, language_name(code)) for code in archive_languages()],
        },
    )
