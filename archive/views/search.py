"""The search page, /search/?q=… (and the same search as JSON with ?format=json)."""

from django.http import JsonResponse
from django.shortcuts import render

from archive.models import Topic, Transcript
from archive.search import SORTS, SearchRequest, run_search


def search(request):
    if request.GET.get("format") == "csv":
        from archive.views.exports import search_csv_response

        return search_csv_response(request)
    search_request = SearchRequest.from_querydict(request.GET)
    page = run_search(search_request)
    if request.GET.get("format") == "json":
        return JsonResponse(page.as_json(), json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "archive/search.html",
        {
            "page": page,
            "search": search_request,
            "sorts": SORTS,
            "topics": Topic.objects.values_list("slug", "name"),
            "kinds": Transcript.Kind.choices,
        },
    )
