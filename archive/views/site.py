"""The site's own pages: About, robots.txt (sitemap.xml is django.contrib.sitemaps')."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from archive.counts import statement_counts
from archive.models import Speaker, Transcript

# Pages without end (every search, every alert) and the admin are not for crawlers.
ROBOTS_DISALLOW = ["/admin/", "/search/", "/feeds/search/", "/alerts/", "/api/search/"]


def about(request):
    """Where the transcripts come from, how speakers are resolved, how to report a correction."""
    published = Transcript.objects.published()
    sources = (
        published.exclude(source_name="")
        .values("source_name")
        .annotate(count=Count("pk"), first=Min("date"), last=Max("date"))
        .order_by("-count", "source_name")
    )
    context = {
        "sources": sources,
        "unnamed_sources": published.filter(source_name="").count(),
        "transcript_count": published.count(),
        "turn_count": statement_counts(published.db, "total"),
        "speaker_count": Speaker.objects.public().count(),
        "corrections_email": settings.PARLEY_CORRECTIONS_EMAIL,
    }
    return render(request, "archive/about.html", context)


def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
