"""The topics index and a page per topic: every tagged statement in date order."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render

from archive.models import Speaker, Topic, Turn
from archive.search import build_snippet
from archive.search.snippets import snippet_marking
from archive.topics import TopicMatcher

TURNS_PER_PAGE = 25


def _tagged(topic: Topic):
    return Turn.objects.published().speech().on_topic(topic)


def topic_list(request):
    topics = Topic.objects.with_turn_counts().order_by("name")
    return render(request, "archive/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    tagged = _tagged(topic)
    speakers = (
        Speaker.objects.filter(turns__in=tagged)
        .values("slug", "name")
        .annotate(count=Count("turns"))
        .order_by("-count", "name")
    )
    speakers = list(speakers[:50])
    speaker_slug = request.GET.get("speaker", "")
    selected = next((s for s in speakers if s["slug"] == speaker_slug), None)
    listed = tagged.filter(speaker__slug=speaker_slug) if selected else tagged
    listed = listed.for_listing().order_by("transcript__date", "transcript_id", "position")
    page_obj = Paginator(listed, TURNS_PER_PAGE).get_page(request.GET.get("page"))
    matcher = TopicMatcher.for_topic(topic)
    for turn in page_obj.object_list:
        # The snippet shows the phrase that caused the tag, found as the tagger found it (in
        # the turn's language); a curator's tag without a phrase shows the turn's beginning.
        spans = matcher.match_spans(turn.text, turn.text_language) if matcher else []
        turn.snippet = snippet_marking(turn.text, spans) if spans else build_snippet(turn.text, ())
    months = (
        listed.filter(transcript__date__isnull=False)
        .annotate(month=TruncMonth("transcript__date"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return render(
        request,
        "archive/topic_detail.html",
        {
            "topic": topic,
            "page_obj": page_obj,
            "total": page_obj.paginator.count,
            "speakers": speakers,
            "selected_speaker": selected,
            "mentions": [(row["month"], row["count"]) for row in months],
        },
    )
