"""Speaker list and speaker pages. (Placeholder: replaced by the search work.)"""

from django.http import HttpResponse


def speaker_list(request):
    return HttpResponse("speakers")


def speaker_detail(request, slug):
    return HttpResponse(slug)
