"""The topics index and a page per topic: every tagged statement in date order."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render

from archive.caching import per_version
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
    counted = per_version(f"topic-{topic.pk}", lambda: _counted(tagged), tagged.db)
    speakers = counted["speakers"]
    speaker_slug = request.GET.get("speaker", "")
    selected = next((s for s in speakers if s["slug"] == speaker_slug), None)
    listed = tagged.filter(speaker__slug=speaker_slug) if selected else tagged
    listed = listed.for_listing().order_by("transcript__date", "transcript_id", "position")
    paginator = Paginator(listed, TURNS_PER_PAGE)
    if not selected:
        paginator.count = counted["total"]
    page_obj = paginator.get_page(request.GET.get("page"))
    matcher = TopicMatcher.for_topic(topic)
    for turn in page_obj.object_list:
        # The snippet shows the phrase that caused the tag, found as the tagger found it (in
        # the turn's language); a curator's tag without a phrase shows the turn's beginning.
        spans = matcher.match_spans(turn.text, turn.text_language) if matcher else []
        turn.snippet = snippet_marking(turn.text, spans) if spans else build_snippet(turn.text, ())
    months = _months(listed) if selected else counted["months"]
    return render(
        request,
        "archive/topic_detail.html",
        {
            "topic": topic,
            "page_obj": page_obj,
            "total": page_obj.paginator.count,
            "speakers": speakers,
            "selected_speaker": selected,
            "mentions": months,
        },
    )


def _counted(tagged) -> dict:
    """What a topic's page counts over all its statements (who speaks on it most, how many
    statements a month, how many in all): counted once per data version (at a million
    statements a topic can hold a quarter of them)."""
    speakers = (
        Speaker.objects.filter(turns__in=tagged)
        .values("slug", "name")
        .annotate(count=Count("turns"))
        .order_by("-count", "name")
    )
    return {"speakers": list(speakers[:50]), "months": _months(tagged), "total": tagged.count()}


def _months(turns) -> list[tuple]:
    months = (
        turns.filter(transcript__date__isnull=False)
        .annotate(month=TruncMonth("transcript__date"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return [(row["month"], row["count"]) for row in months]
