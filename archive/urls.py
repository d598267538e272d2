"""URL map: the public archive under the "archive" namespace, the admin, the API and feeds."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import URLPattern, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from archive import api, feeds
from archive.sitemaps import SITEMAPS
from archive.views import alerts, citations, exports, pages, search, site, speakers, topics


def read_only(patterns: list) -> list:
    """Pages and feeds answer GET and HEAD, and any other method (OPTIONS, TRACE, POST ...) a 405
    naming those two, never the page. They take no form, so a POST gets that 405 rather than the
    CSRF check's 403. (The API answers the same way in JSON: archive.api.read_only.)"""
    return [
        URLPattern(
            pattern.pattern,
            csrf_exempt(require_safe(pattern.callback)),
            pattern.default_args,
            pattern.name,
        )
        if isinstance(pattern, URLPattern)
        else pattern
        for pattern in patterns
    ]


public_patterns = [
    *read_only(
        [
            path("", pages.home, name="home"),
            path("transcripts/", pages.transcript_list, name="transcript_list"),
            path("transcripts/<slug:slug>/", pages.transcript_detail, name="transcript_detail"),
            path(
                "transcripts/<slug:slug>.<str:fmt>",
                exports.transcript_export,
                name="transcript_export",
            ),
            path(
                "transcripts/<slug:slug>/cite.<str:fmt>",
                citations.transcript_citation,
                name="transcript_citation",
            ),
            path("turns/<str:key>/", pages.turn_detail, name="turn_detail"),
            path("turns/<str:key>/cite.<str:fmt>", citations.turn_citation, name="turn_citation"),
            path("search/", search.search, name="search"),
            path("speakers/", speakers.speaker_list, name="speaker_list"),
            path("speakers/<slug:slug>/", speakers.speaker_detail, name="speaker_detail"),
            path("topics/", topics.topic_list, name="topic_list"),
            path("topics/<slug:slug>/", topics.topic_detail, name="topic_detail"),
            path("about/", site.about, name="about"),
        ]
    ),
    path("feeds/", include(read_only(feeds.urlpatterns))),
    # Alerts take forms (POST), with Django's CSRF protection: archive.views.alerts.
    path("alerts/new/search/", alerts.follow, {"target": "search"}, name="alert_follow_search"),
    path(
        "alerts/new/<str:target>/<slug:slug>/",
        alerts.follow,
        name="alert_follow",
    ),
    path("alerts/confirm/<str:token>/", alerts.confirm, name="alert_confirm"),
    path("alerts/manage/<str:token>/", alerts.manage, name="alert_manage"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe, name="alert_unsubscribe"),
    path("api/", include(api.urlpatterns)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    *read_only(
        [
            path("robots.txt", site.robots_txt, name="robots_txt"),
            path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
            path(
                "sitemap-<section>.xml",
                sitemap_views.sitemap,
                {"sitemaps": SITEMAPS},
                name="django.contrib.sitemaps.views.sitemap",
            ),
        ]
    ),
    path("", include((public_patterns, "archive"))),
]
