"""The speaker list (people, by family name) and a page per person: the offices they held, their
turns, topics and appearances over time."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, redirect, render

from archive.caching import per_version
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
            # People are officials or journalists; moderators and the like are roles.
            "kinds": [
                (kind, label)
                for kind, label in Speaker.Kind.choices
                if kind in (Speaker.Kind.OFFICIAL, Speaker.Kind.JOURNALIST)
            ],
            "kind": filters.kind or "",
            "organisations": list(organisations),
            "organisation": filters.organisation or "",
            "order": filters.sort or "name",
        },
    )


def offices_held(speaker: Speaker, turns) -> list[dict]:
    """The offices a person held, with dates, and how many of their statements fall in each term
    (a link searches them)."""
    offices = []
    for membership in speaker.memberships.select_related("post__organization").order_by(
        "-start_date"
    ):
        start, end = membership.start_date, membership.end_date
        within = turns.all()
        if start:
            within = within.filter(transcript__date__gte=_first_day(start))
        if end:
            within = within.filter(transcript__date__lte=_last_day(end))
        offices.append(
            {
                "label": membership.post.label,
                "organisation": membership.post.organization.name,
                "start": start,
                "end": end,
                "count": within.count(),
                "after": _first_day(start) if start else "",
                "before": _last_day(end) if end else "",
            }
        )
    return offices


def _first_day(popolo_date: str) -> str:
    return (popolo_date + "-01-01"[len(popolo_date) - 4 :])[:10]


def _last_day(popolo_date: str) -> str:
    if len(popolo_date) == 4:
        return f"{popolo_date}-12-31"
    if len(popolo_date) == 7:
        year, month = int(popolo_date[:4]), int(popolo_date[5:])
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return (following - datetime.timedelta(days=1)).isoformat()
    return popolo_date


def speaker_detail(request, slug):
    merged = Speaker.objects.filter(slug=slug).exclude(merged_into=None).first()
    if merged is not None:
        return redirect(merged.merged_into, permanent=False)
    speaker = get_object_or_404(Speaker.objects.public(), slug=slug)
    turns = Turn.objects.published().speech().by_speaker(speaker)
    counted = per_version(f"speaker-{speaker.pk}", lambda: _counted(speaker, turns), turns.db)
    newest_first = turns.for_listing().order_by("-transcript__date", "-transcript_id", "position")
    paginator = Paginator(newest_first, TURNS_PER_PAGE)
    paginator.count = counted["turn_count"]
    page_obj = paginator.get_page(request.GET.get("page"))
    for turn in page_obj.object_list:
        turn.snippet = build_snippet(turn.text, ())
    return render(
        request,
        "archive/speaker_detail.html",
        {"speaker": speaker, "page_obj": page_obj, **counted},
    )


def _counted(speaker: Speaker, turns) -> dict:
    """What a person's page counts over all their statements (in each office, by topic, by
    month, in all): counted once per data version (thousands of statements for some)."""
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
    return {
        "offices": offices_held(speaker, turns),
        "turn_count": turns.count(),
        "transcript_count": transcripts.count(),
        "top_topics": list(top_topics),
        "appearances": [(row["month"], row["count"]) for row in appearances],
    }
