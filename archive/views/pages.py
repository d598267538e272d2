"""Home, browse, transcript and turn pages: the archive's reading room.

Every query here starts from `published()`: an unpublished transcript has no public page, is
in no list and adds to no count.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from archive.counts import statement_counts
from archive.exchanges import exchange_of
from archive.filters import TranscriptPageFilters
from archive.models import Participant, Speaker, Topic, Transcript, Turn
from archive.search.query import parse_query
from archive.search.snippets import highlight, text_matches
from archive.views.citations import citation_context, transcript_work, turn_work

TRANSCRIPTS_PER_PAGE = 25
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def home(request):
    transcripts = Transcript.objects.published()
    dates = transcripts.aggregate(first=Min("date"), last=Max("date"))
    context = {
        "transcript_count": transcripts.count(),
        "speaker_count": Speaker.objects.public().count(),
        "turn_count": statement_counts(transcripts.db, "total"),
        "first_date": dates["first"],
        "last_date": dates["last"],
        "recent_transcripts": transcripts.order_by("-date", "-pk")[:6],
        "top_topics": Topic.objects.with_statements().by_turn_count()[:10],
        "top_speakers": Speaker.objects.public().by_turn_count()[:8],
    }
    return render(request, "archive/home.html", context)


def transcript_list(request):
    """All published transcripts, newest first, narrowed by year and month, kind, outlet and
    speaker (TranscriptPageFilters, read leniently), with facet counts in the sidebar."""
    published = Transcript.objects.published()
    filters = TranscriptPageFilters.from_query(request.GET)
    transcripts = filters.apply(published).with_turn_counts()
    page = Paginator(transcripts.order_by("-date", "-pk"), TRANSCRIPTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = Transcript.objects.with_participants(page.object_list)

    # Each facet counts what choosing one of its values would give: every other filter applies.
    years = (
        filters.without("year")
        .apply(published)
        .exclude(date=None)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    months = []
    if filters.year:
        months = [
            {**row, "name": MONTH_NAMES[row["month"] - 1]}
            for row in filters.without("month")
            .apply(published)
            .exclude(date=None)
            .annotate(month=ExtractMonth("date"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("month")
        ]
    kind_labels = dict(Transcript.Kind.choices)
    kinds = [
        {**row, "label": kind_labels.get(row["kind"], row["kind"])}
        for row in filters.without("kind")
        .apply(published)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("-count", "kind")
    ]
    outlets = (
        filters.without("outlet")
        .apply(published)
        .exclude(outlet="")
        .values("outlet")
        .annotate(count=Count("pk"))
        .order_by("-count", "outlet")
    )
    speaker = None
    if filters.speaker:
        speaker = Speaker.objects.public().filter(slug=filters.speaker).first()

    context = {
        "page_obj": page,
        "transcripts": page.object_list,
        "filters": filters,
        "month_name": MONTH_NAMES[filters.month - 1] if filters.month else "",
        "kind_label": kind_labels.get(filters.kind, ""),
        "filter_speaker": speaker,
        "is_filtered": filters.active,
        "years": years,
        "months": months,
        "kinds": kinds,
        "outlets": outlets,
    }
    return render(request, "archive/transcript_list.html", context)


def _prepare_turn(turn: Turn, clauses=()) -> Turn:
    """Attach what the turn partial shows: paragraphs split into plain text, stage directions
    and the words that match `clauses` (archive.search.snippets.highlight, in the turn's
    language), to be marked."""
    language = turn.text_language
    turn.display_paragraphs = [
        [
            {"stage": is_stage, "pieces": highlight(text, clauses, language)}
            for text, is_stage in paragraph
        ]
        for paragraph in turn.paragraph_parts()
    ]
    return turn


def _neighbours(transcript: Transcript) -> tuple[Transcript | None, Transcript | None]:
    """The published transcripts just before and just after this one by date."""
    if transcript.date is None:
        return None, None
    published = Transcript.objects.published().exclude(date=None)
    previous = (
        published.filter(
            Q(date__lt=transcript.date) | Q(date=transcript.date, pk__lt=transcript.pk)
        )
        .order_by("-date", "-pk")
        .first()
    )
    following = (
        published.filter(
            Q(date__gt=transcript.date) | Q(date=transcript.date, pk__gt=transcript.pk)
        )
        .order_by("date", "pk")
        .first()
    )
    return previous, following


def transcript_detail(request, slug):
    """The whole transcript, every turn anchored. `?q=` keeps only the turns that match the
    words and phrases of the query as a search would (archive.search.snippets), highlighted;
    `?hl=` ("read in context" from a search) keeps every turn and highlights the matches, each
    matching turn linked to the previous and next match."""
    transcript = get_object_or_404(Transcript.objects.published(), slug=slug)
    turns = list(
        transcript.turns.select_related("speaker", "participant__speaker")
        .with_visible_tags()
        .order_by("position")
    )
    for turn in turns:
        turn.transcript = transcript  # its language, without a query per turn

    query = request.GET.get("q", "").strip()[:200]
    highlighted = "" if query else request.GET.get("hl", "").strip()[:200]
    clauses = parse_query(query or highlighted).clauses
    matching = [
        turn
        for turn in turns
        if clauses
        and turn.kind == Turn.Kind.SPEECH
        and text_matches(turn.text, clauses, turn.text_language)
    ]
    shown = matching if query else turns
    for turn in shown:
        _prepare_turn(turn, clauses)
    if highlighted:
        for number, turn in enumerate(matching):
            turn.match = {
                "number": number + 1,
                "previous": matching[number - 1] if number else None,
                "next": matching[number + 1] if number + 1 < len(matching) else None,
            }

    previous, following = _neighbours(transcript)
    context = {
        "transcript": transcript,
        "turns": shown,
        "total_turns": len(turns),
        # Everyone who speaks, people and roles, with their role in it ("Reporter, Reuters").
        "participants": Participant.objects.of_transcripts([transcript.pk]).get(transcript.pk, []),
        "query": query,
        "highlighted": highlighted if clauses else "",
        "matches": matching,
        "previous_transcript": previous,
        "next_transcript": following,
        "export_formats": EXPORT_LINKS,
        **citation_context(
            transcript_work(request, transcript),
            reverse("archive:transcript_citation", args=[transcript.slug, "__fmt__"]),
        ),
    }
    return render(request, "archive/transcript_detail.html", context)


EXPORT_LINKS = [("json", "JSON"), ("csv", "CSV"), ("txt", "Plain text"), ("xml", "Akoma Ntoso XML")]


def turn_detail(request, key):
    """One statement with the question it answers (or a question with its answers), the
    statements either side, its citations and the way back into its transcript."""
    turn = get_object_or_404(
        Turn.objects.published().for_listing().with_visible_tags(),
        key=key,
    )
    _prepare_turn(turn)
    exchange = exchange_of(turn)
    for other in (exchange.question, *exchange.answers):
        if other is not None:
            other.transcript = turn.transcript
            _prepare_turn(other)
    work = turn_work(request, turn)
    context = {
        "turn": turn,
        "transcript": turn.transcript,
        "exchange": exchange,
        "previous_turn": exchange.previous,
        "next_turn": exchange.next,
        "permalink": work.permalink,
        "transcript_url": request.build_absolute_uri(turn.transcript.get_absolute_url()),
        "corrections_email": settings.PARLEY_CORRECTIONS_EMAIL,
        **citation_context(work, reverse("archive:turn_citation", args=[turn.key, "__fmt__"])),
    }
    return render(request, "archive/turn_detail.html", context)
