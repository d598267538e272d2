"""Transcript exports. (Placeholder: replaced by the pages work.)"""

from django.http import Http404


def transcript_export(request, slug, fmt):
    raise Http404("Unknown format")
