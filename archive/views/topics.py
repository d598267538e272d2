"""Topic index and topic pages. (Placeholder: replaced by the search work.)"""

from django.http import HttpResponse


def topic_list(request):
    return HttpResponse("topics")


def topic_detail(request, slug):
    return HttpResponse(slug)
