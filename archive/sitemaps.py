"""sitemap.xml, on django.contrib.sitemaps: the archive's pages for search engines to crawl.

Only what the public sees: published transcripts and their statements, public speakers, topics
with statements, and the fixed pages. Each section is paged by the framework (50,000 addresses
a file) behind the index at /sitemap.xml.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from archive.models import Speaker, Topic, Transcript, Turn


class PageSitemap(Sitemap):
    """The fixed pages."""

    changefreq = "daily"

    def items(self):
        return ["archive:home", "archive:transcript_list", "archive:speaker_list",
                "archive:topic_list", "archive:about"]  # fmt: skip

    def location(self, name):
        return reverse(name)


def latest_transcript_change():
    return Transcript.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class TranscriptSitemap(Sitemap):
    changefreq = "monthly"

    def get_latest_lastmod(self):
        # One aggregate, not the framework's walk over every item, for the index's <lastmod>.
        return latest_transcript_change()

    def items(self):
        return Transcript.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, transcript):
        return transcript.updated_at


class TurnSitemap(Sitemap):
    """Every statement's permalink (speech turns of published transcripts)."""

    changefreq = "monthly"
    priority = 0.4

    def get_latest_lastmod(self):
        return latest_transcript_change()

    def items(self):
        return (
            Turn.objects.published()
            .speech()
            .select_related("transcript")
            .only("key", "position", "transcript__slug", "transcript__updated_at")
            .order_by("pk")
        )

    def lastmod(self, turn):
        return turn.transcript.updated_at


class SpeakerSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Speaker.objects.public().named().only("slug").order_by("pk")


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.with_statements().order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "transcripts": TranscriptSitemap,
    "statements": TurnSitemap,
    "speakers": SpeakerSitemap,
    "topics": TopicSitemap,
}
