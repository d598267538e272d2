"""The search page, /search/?q=… (the same search as CSV with ?format=csv, and with ?format=json
as /api/search/ answers it)."""

import datetime

from django.shortcuts import render
from django.urls import reverse

from archive.api import search_as_json
from archive.caching import cached_search
from archive.languages import name as language_name
from archive.models import Topic, Transcript
from archive.search import SORTS, SearchRequest, run_search
from archive.search.query import FILTER_NAMES
from archive.search.resolve import archive_languages
from archive.views.exports import search_csv_response


def date_value(typed: str, understood: datetime.date | None) -> str:
    """What a date input shows for the form's after/before: the date as the search understood
    it (a year or a month given in the address is its first or last day), or nothing. A date
    typed in the query (after:2021) stays in the query, not in the input."""
    if not typed or understood is None:
        return ""
    return understood.isoformat()


def follow_links(search_request, page) -> dict:
    """The search's Atom feed, its email alert and its CSV and JSON, for the links above its
    results (the same parameters, the page and the chart's left out)."""
    if not page.searched:
        return {}
    querystring = search_request.querystring(page="", per="", split="")
    plain = search_request.querystring(page="", per="", split="", sort="")
    return {
        "search_feed_url": reverse("archive:search_feed") + plain,
        "search_alert_url": reverse("archive:alert_follow_search") + plain,
        "search_exports": [
            (reverse("archive:search") + querystring + "&format=csv", "CSV"),
            (reverse("archive:search") + querystring + "&format=json", "JSON"),
        ],
    }


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
            "after_value": date_value(search_request.after, page.parsed.after),
            **follow_links(search_request, page),
            # The words to highlight when a result is read in context (filters left out).
            "highlight": page.parsed.without(*FILTER_NAMES).to_text() if page.searched else "",
            "before_value": date_value(search_request.before, page.parsed.before),
            "sorts": SORTS,
            "topics": Topic.objects.values_list("slug", "name"),
            "kinds": Transcript.Kind.choices,
            "languages": [(code, language_name(code)) for code in archive_languages()],
        },
    )
