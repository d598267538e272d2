"""The speaker list and a page per speaker: their turns, topics and appearances over time."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render

from archive.filters import SpeakerPageFilters
from archive.models import Speaker, Transcript, Turn, TurnTopic
from archive.search import build_snippet

SPEAKERS_PER_PAGE = 60
TURNS_PER_PAGE = 20


def speaker_list(request):
    """Public speakers by name (or by number of statements), narrowed by kind and organisation
    (SpeakerPageFilters, read leniently)."""
    filters = SpeakerPageFilters.from_query(request.GET)
    speakers = filters.apply(Speaker.objects.public().with_turn_counts())
    organisations = (
        Speaker.objects.public()
        .exclude(organisation="")
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )
    page_obj = Paginator(speakers, SPEAKERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "archive/speaker_list.html",
        {
            "page_obj": page_obj,
            "speakers": page_obj.object_list,
            "kinds": Speaker.Kind.choices,
            "kind": filters.kind or "",
            "organisations": list(organisations),
            "organisation": filters.organisation or "",
            "order": filters.sort or "name",
        },
    )


def speaker_detail(request, slug):
    speaker = get_object_or_404(Speaker.objects.public(), slug=slug)
    turns = Turn.objects.published().speech().by_speaker(speaker)
    newest_first = turns.for_listing().order_by("-transcript__date", "-transcript_id", "position")
    page_obj = Paginator(newest_first, TURNS_PER_PAGE).get_page(request.GET.get("page"))
    for turn in page_obj.object_list:
        turn.snippet = build_snippet(turn.text, ())
    top_topics = (
        TurnTopic.objects.visible()
        .filter(turn__in=turns)
        .values("topic__slug", "topic__name")
        .annotate(count=Count("turn", distinct=True))
        .order_by("-count", "topic__name")[:10]
    )
    transcripts = Transcript.objects.published().featuring(speaker.slug)
    appearances = (
        transcripts.filter(date__isnull=False)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(count=Count("pk", distinct=True))
        .order_by("month")
    )
    return render(
        request,
        "archive/speaker_detail.html",
        {
            "speaker": speaker,
            "page_obj": page_obj,
            "turn_count": turns.count(),
            "transcript_count": transcripts.count(),
            "top_topics": list(top_topics),
            "appearances": [(row["month"], row["count"]) for row in appearances],
        },
    )
