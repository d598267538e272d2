"""Home, browse, transcript and turn pages. (Placeholder: replaced by the pages work.)"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from archive.models import Transcript, Turn


def home(request):
    return HttpResponse("Parley")


def transcript_list(request):
    return HttpResponse("transcripts")


def transcript_detail(request, slug):
    transcript = get_object_or_404(Transcript.objects.published(), slug=slug)
    return HttpResponse(transcript.title)


def turn_detail(request, key):
    turn = get_object_or_404(Turn.objects.published(), key=key)
    return HttpResponse(turn.text)
