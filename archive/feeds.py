"""Atom feeds: the latest transcripts, and the latest statements of a speaker, on a topic or
matching any search. Only published transcripts ever appear.

What RFC 4287 asks, each feed gives: an author (the archive, for every entry that names none of
its own), a self link that answers (the search feed's with its query), and permanent ids made
from settings.PARLEY_SITE_URL (archive.site), whatever Host the request came in on; the links a
reader follows stay on the host they asked. A statement is its paragraphs as HTML content, one
escaped <p> each."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from archive.models import Speaker, Topic, Transcript, Turn
from archive.site import permanent_url
from archive.views.exports import turns_for_hits
from archive.xmlchars import xml_safe

FEED_LENGTH = 30


def _as_datetime(date: datetime.date | None) -> datetime.datetime | None:
    if date is None:
        return None
    return datetime.datetime.combine(date, datetime.time(12, 0), tzinfo=datetime.UTC)


class XmlSafeAtomFeed(Atom1Feed):
    """Atom without the characters XML 1.0 forbids, wherever they come from: a turn's text, a
    name, or the query of a search feed (Django's writer refuses them with an error)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.feed = _xml_safe_values(self.feed)

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(*args, **kwargs)
        self.items[-1] = _xml_safe_values(self.items[-1])

    def add_item_elements(self, handler, item) -> None:
        """Django's Atom entry, and its `content` (HTML) when the feed gives one."""
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def _xml_safe_values(values: dict) -> dict:
    def safe(value):
        if isinstance(value, str):
            return xml_safe(value)
        if isinstance(value, list | tuple):
            return type(value)(safe(item) for item in value)
        return value

    return {key: safe(value) for key, value in values.items()}


class ArchiveFeed(Feed):
    """What every feed of the archive shares: Atom, the archive as author, a self link and an
    id from the feed's own path (`feed_path`), entry ids from each item's permanent address."""

    feed_type = XmlSafeAtomFeed
    author_name = "Parley"

    def feed_path(self, obj) -> str:
        raise NotImplementedError

    def feed_url(self, obj) -> str:
        return self.feed_path(obj)

    def feed_guid(self, obj) -> str:
        return permanent_url(self.feed_path(obj))

    def item_guid(self, item) -> str:
        return permanent_url(item.get_absolute_url())


class TranscriptFeed(ArchiveFeed):
    title = "Parley: latest transcripts"
    subtitle = "Diplomatic interviews, briefings and remarks, as they are added to the archive."

    def feed_path(self, obj) -> str:
        return reverse("archive:transcript_feed")

    def link(self):
        return reverse("archive:transcript_list")

    def items(self):
        return Transcript.objects.published().order_by("-date", "-pk")[:FEED_LENGTH]

    def item_title(self, transcript):
        return transcript.title

    def item_description(self, transcript):
        """The transcript's facts, as the HTML that Atom's summary is (escaped)."""
        parts = [transcript.get_kind_display(), transcript.outlet, transcript.location]
        return escape(" · ".join(part for part in parts if part))

    def item_author_name(self, transcript):
        return transcript.source_name or None

    def item_pubdate(self, transcript):
        return _as_datetime(transcript.date)

    def item_updateddate(self, transcript):
        return transcript.updated_at


class TurnFeed(ArchiveFeed):
    """Statements (turns) as feed entries: linked to their permalink, full text as content."""

    def item_title(self, turn):
        who = turn.speaker_name or "Statement"
        return f"{who} in “{turn.transcript.title}”"

    def item_description(self, turn):
        return None  # no summary: the whole statement is the content

    def item_extra_kwargs(self, turn):
        """The statement as HTML content: a <p> per paragraph, the text escaped."""
        return {"content": "".join(f"<p>{escape(text)}</p>" for text in turn.paragraphs)}

    def item_link(self, turn):
        return turn.get_absolute_url()

    def item_author_name(self, turn):
        return turn.speaker.name if turn.speaker else None

    def item_pubdate(self, turn):
        return _as_datetime(turn.transcript.date)

    def item_updateddate(self, turn):
        return turn.transcript.updated_at

    @staticmethod
    def latest(turns):
        return (
            turns.published()
            .speech()
            .for_listing()
            .order_by("-transcript__date", "-transcript__pk", "position")[:FEED_LENGTH]
        )


class SpeakerFeed(TurnFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Speaker.objects.public(), slug=slug)

    def feed_path(self, speaker) -> str:
        return reverse("archive:speaker_feed", args=[speaker.slug])

    def title(self, speaker):
        return f"Parley: statements by {speaker.name}"

    def link(self, speaker):
        return speaker.get_absolute_url()

    def items(self, speaker):
        return self.latest(Turn.objects.by_speaker(speaker))


class TopicFeed(TurnFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def feed_path(self, topic) -> str:
        return reverse("archive:topic_feed", args=[topic.slug])

    def title(self, topic):
        return f"Parley: statements on {topic.name}"

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        return self.latest(Turn.objects.on_topic(topic))


class SearchFeed(TurnFeed):
    """Any search, newest statements first: the same parameters as the search page (q in the
    query language, speaker, topic, kind, after, before), through archive.search.run_search."""

    def get_object(self, request):
        from archive.search import SearchRequest

        search_request = SearchRequest.from_querydict(request.GET)
        if not any(search_request.params(sort="", page="").values()):
            raise Http404("A search feed needs a query: /feeds/search/?q=...")
        search_request.sort, search_request.page = "newest", 1
        search_request.per_page, search_request.facets = FEED_LENGTH, False
        return search_request

    def feed_path(self, search_request) -> str:
        return reverse("archive:search_feed") + search_request.querystring(sort="", page="")

    def title(self, search_request):
        return f"Parley: search for “{search_request.q or 'filtered statements'}”"

    def link(self, search_request):
        return reverse("archive:search") + search_request.querystring(sort="", page="")

    def items(self, search_request):
        from archive.search import run_search

        return turns_for_hits(run_search(search_request).hits)


urlpatterns = [
    path("transcripts/", TranscriptFeed(), name="transcript_feed"),
    path("speakers/<slug:slug>/", SpeakerFeed(), name="speaker_feed"),
    path("topics/<slug:slug>/", TopicFeed(), name="topic_feed"),
    path("search/", SearchFeed(), name="search_feed"),
]
