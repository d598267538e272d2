"""URL map: the public archive under the "archive" namespace, the admin, the API and feeds."""

from django.contrib import admin
from django.urls import include, path

from archive import api, feeds
from archive.views import exports, pages, search, speakers, topics

public_patterns = [
    path("", pages.home, name="home"),
    path("transcripts/", pages.transcript_list, name="transcript_list"),
    path("transcripts/<slug:slug>/", pages.transcript_detail, name="transcript_detail"),
    path(
        "transcripts/<slug:slug>.<str:fmt>",
        exports.transcript_export,
        name="transcript_export",
    ),
    path("turns/<str:key>/", pages.turn_detail, name="turn_detail"),
    path("search/", search.search, name="search"),
    path("speakers/", speakers.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", speakers.speaker_detail, name="speaker_detail"),
    path("topics/", topics.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", topics.topic_detail, name="topic_detail"),
    path("feeds/", include(feeds.urlpatterns)),
    path("api/", include(api.urlpatterns)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((public_patterns, "archive"))),
]
