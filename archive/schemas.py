"""The archive's JSON shapes, one per object, defined once.

The API answers with these (its OpenAPI document is generated from them), the transcript JSON
export (`/transcripts/<slug>.json`) and the search page's `?format=json` use the same ones, so a
speaker, a turn or a search hit looks alike wherever it is read. Each larger shape extends the
smaller one: a transcript in a list is its summary plus counts, its detail is the list item
plus participants and links.

Shapes are filled from model instances by attribute (and `resolve_*` for what is computed);
URLs are absolute, built from the request in the validation context:
`Speaker.model_validate(speaker, context={"request": request})`, or `dump()` below. Ninja does
the same for the values an API view returns.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field, WithJsonSchema

from archive import models

Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
SpeakerKind = Literal[tuple(models.Speaker.Kind.values)]
TranscriptKind = Literal[tuple(models.Transcript.Kind.values)]
TurnKind = Literal[tuple(models.Turn.Kind.values)]
EXPORT_FORMATS = ("json", "csv", "txt", "xml")


def absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


def dump(schema: type[Schema], obj: Any, request) -> dict:
    """`obj` (a model instance, or a dict) in `schema`'s shape, as JSON-ready data."""
    shaped = schema.model_validate(obj, context={"request": request})
    return shaped.model_dump(mode="json", by_alias=True)


# --- Speakers ------------------------------------------------------------------------------------


class Speaker(Schema):
    """A person who speaks in transcripts."""

    slug: str
    name: str
    sort_name: str = Field(description="For sorting by family name: “Blinken, Antony”.")
    title: str
    organisation: str
    kind: SpeakerKind
    is_questioner: bool = Field(description="Journalists, moderators and unidentified questioners.")
    url: Url = Field(description="The speaker's page.")

    @staticmethod
    def resolve_url(speaker: models.Speaker, context) -> str:
        return absolute(context, speaker.get_absolute_url())


class SpeakerItem(Speaker):
    """A speaker in a list, with their number of statements."""

    # Filled from Speaker.objects.with_turn_counts().

    turn_count: int = Field(ge=0, description="Published speech turns.")
    api_url: Url

    @staticmethod
    def resolve_api_url(speaker: models.Speaker, context) -> str:
        return absolute(context, reverse("archive:api_speaker_detail", args=[speaker.slug]))


class Office(Schema):
    """An office a person held, between two dates (Popolo dates: YYYY-MM-DD, or YYYY-MM or YYYY
    when only that is known; no end while in office)."""

    label: str = Field(description="“Secretary of State”")
    organisation: str
    start_date: str | None
    end_date: str | None

    @staticmethod
    def resolve_label(membership) -> str:
        return membership.post.label

    @staticmethod
    def resolve_organisation(membership) -> str:
        return membership.post.organization.name

    @staticmethod
    def resolve_start_date(membership) -> str | None:
        return membership.start_date or None

    @staticmethod
    def resolve_end_date(membership) -> str | None:
        return membership.end_date or None


class SpeakerDetail(SpeakerItem):
    description: str
    other_names: list[str] = Field(description="Other names, other scripts included.")
    offices: list[Office]
    turns_url: Url = Field(description="The speaker's turns in the API.")
    transcripts_url: Url = Field(description="The transcripts the speaker takes part in.")

    @staticmethod
    def resolve_other_names(speaker: models.Speaker) -> list[str]:
        return [alias.label for alias in speaker.aliases.all()]

    @staticmethod
    def resolve_offices(speaker: models.Speaker) -> list:
        return sorted(speaker.memberships.all(), key=lambda m: m.start_date, reverse=True)

    @staticmethod
    def resolve_turns_url(speaker: models.Speaker, context) -> str:
        return absolute(context, f"{reverse('archive:api_turn_list')}?speaker={speaker.slug}")

    @staticmethod
    def resolve_transcripts_url(speaker: models.Speaker, context) -> str:
        url = reverse("archive:api_transcript_list")
        return absolute(context, f"{url}?speaker={speaker.slug}")


# --- Topics --------------------------------------------------------------------------------------


class Topic(Schema):
    """An issue that statements are about."""

    slug: str
    name: str
    description: str
    url: Url = Field(description="The topic's page.")

    @staticmethod
    def resolve_url(topic: models.Topic, context) -> str:
        return absolute(context, topic.get_absolute_url())


class TopicItem(Topic):
    """A topic in a list, with its number of statements."""

    # Filled from Topic.objects.with_turn_counts().

    turn_count: int = Field(ge=0, description="Published speech turns tagged with the topic.")
    api_url: Url

    @staticmethod
    def resolve_api_url(topic: models.Topic, context) -> str:
        return absolute(context, reverse("archive:api_topic_detail", args=[topic.slug]))


class TopicDetail(TopicItem):
    turns_url: Url = Field(description="The topic's turns in the API.")

    @staticmethod
    def resolve_turns_url(topic: models.Topic, context) -> str:
        return absolute(context, f"{reverse('archive:api_turn_list')}?topic={topic.slug}")


# --- Transcripts ---------------------------------------------------------------------------------


class TranscriptRef(Schema):
    """A transcript, as a turn names it."""

    slug: str
    title: str
    date: datetime.date | None
    url: Url = Field(description="The transcript's page.")

    @staticmethod
    def resolve_url(transcript: models.Transcript, context) -> str:
        return absolute(context, transcript.get_absolute_url())


class TranscriptSummary(TranscriptRef):
    """A transcript's metadata, without its turns."""

    kind: TranscriptKind
    kind_display: str
    outlet: str
    location: str
    language: str
    source_name: str
    source_url: str = Field(description="An http(s) address, or empty.")

    @staticmethod
    def resolve_kind_display(transcript: models.Transcript) -> str:
        return transcript.get_kind_display()

    @staticmethod
    def resolve_source_url(transcript: models.Transcript) -> str:
        return transcript.source_link


class TranscriptItem(TranscriptSummary):
    """A transcript in a list, with its number of statements."""

    # Filled from Transcript.objects.with_turn_counts().

    turn_count: int = Field(ge=0, description="Speech turns.")
    api_url: Url

    @staticmethod
    def resolve_api_url(transcript: models.Transcript, context) -> str:
        return absolute(context, reverse("archive:api_transcript_detail", args=[transcript.slug]))


class ExportLinks(Schema):
    """The transcript's downloads."""

    json_: Url = Field(alias="json")
    csv: Url
    txt: Url
    xml: Url = Field(description="Akoma Ntoso 3.0.")


class Participant(Schema):
    """Who speaks in one transcript: a person in their role there, or a role alone that is nobody
    across transcripts ("Moderator", "Reporter, Reuters")."""

    name: str
    role: str = Field(description="Their role in the transcript.")
    kind: SpeakerKind
    speaker: str | None = Field(description="The person's slug; null for a role alone.")
    resolved_by: Literal["curator", "name", "title", "office", "role", "new"]

    @staticmethod
    def resolve_name(participant: models.Participant) -> str:
        return participant.display_name

    @staticmethod
    def resolve_role(participant: models.Participant) -> str:
        return participant.role or participant.name

    @staticmethod
    def resolve_speaker(participant: models.Participant) -> str | None:
        return participant.speaker.slug if participant.speaker_id else None


class TranscriptDetail(TranscriptItem):
    """One transcript: its metadata, who takes part, and links to its turns and exports."""

    # `participants` and `participant_roles` from Transcript.objects.with_participants().

    participants: list[Speaker] = Field(description="The people who speak in it.")
    participant_roles: list[Participant] = Field(
        description="Everyone who speaks in it, people and roles, in order of their first turn."
    )
    turns_url: Url = Field(description="The transcript's turns in the API, in order.")
    exports: ExportLinks

    @staticmethod
    def resolve_turns_url(transcript: models.Transcript, context) -> str:
        url = reverse("archive:api_turn_list")
        return absolute(context, f"{url}?transcript={transcript.slug}")

    @staticmethod
    def resolve_exports(transcript: models.Transcript, context) -> dict:
        return {
            fmt: absolute(
                context, reverse("archive:transcript_export", args=[transcript.slug, fmt])
            )
            for fmt in EXPORT_FORMATS
        }


# --- Turns ---------------------------------------------------------------------------------------


class TranscriptTurn(Schema):
    """A turn (a statement, or a stage direction) within its transcript."""

    # Filled from Turn.objects.for_listing().with_visible_tags() (or the speaker selected and
    # the visible tags prefetched): no query per turn.

    key: str = Field(description="The turn's permanent key (its permalink).")
    position: int = Field(ge=1)
    label: str = Field(description="The speaker label as printed.")
    kind: TurnKind
    speaker: Speaker | None
    participant: Participant | None = Field(
        description="Who speaks, in this transcript: a person in their role there, or a role."
    )
    text: str = Field(description="Paragraphs separated by a blank line.")
    language: str = Field(
        description="The language the turn is in (ISO 639-1): its own where it differs from "
        "its transcript's (an interpreted question), else the transcript's."
    )
    url: Url = Field(description="The turn's permalink page.")
    context_url: Url = Field(description="The transcript page opened at this turn.")
    topics: list[str] = Field(description="Slugs of the topics the turn is tagged with.")

    @staticmethod
    def resolve_url(turn: models.Turn, context) -> str:
        return absolute(context, turn.get_absolute_url())

    @staticmethod
    def resolve_context_url(turn: models.Turn, context) -> str:
        return absolute(context, turn.get_context_url())

    @staticmethod
    def resolve_language(turn: models.Turn) -> str:
        return turn.text_language

    @staticmethod
    def resolve_topics(turn: models.Turn) -> list[str]:
        return [tag.topic.slug for tag in turn.visible_tags]


class Turn(TranscriptTurn):
    """A turn (a statement, or a stage direction), with the transcript it belongs to."""

    transcript: TranscriptRef


class SearchHit(Turn):
    """A turn that matches a search."""

    snippet: str = Field(description="HTML: escaped text around the matches, in <mark>.")


# --- Lists ---------------------------------------------------------------------------------------


class Page(Schema):
    """The envelope of every list: one page of `results`."""

    count: int = Field(ge=0, description="All matching items.")
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    num_pages: int = Field(ge=1)
    next: Url | None
    previous: Url | None


class TranscriptPage(Page):
    results: list[TranscriptItem]


class TurnPage(Page):
    results: list[Turn]


class SpeakerPage(Page):
    results: list[SpeakerItem]


class TopicPage(Page):
    results: list[TopicItem]


class Facet(Schema):
    """One value of a facet and how many results have it."""

    value: str
    label: str
    count: int = Field(ge=0)


class Suggestion(Schema):
    """Another search to try."""

    text: str = Field(description="What to search instead, as a person reads it.")
    query: str = Field(description="Its parameters, as a query string (?q=...).")


class TimelineSeries(Schema):
    """One series of a split timeline: a speaker (by slug), or "Others" together."""

    key: str = Field(description='A speaker\'s slug, or "Others".')
    label: str


class TimelinePeriod(Schema):
    """The statements found in one month or year."""

    period: str = Field(description='"2021-12" (a month) or "2021" (a year).')
    count: int = Field(ge=0)
    series: dict[str, int] | None = Field(
        None, description="With split=speaker: the count of each series (by key) in the period."
    )


class Timeline(Schema):
    """Mentions over time: the statements found, a month or a year, from the first period with
    any to the last (periods without any count 0)."""

    unit: Literal["month", "year"]
    split: Literal["speaker"] | None = Field(description="What the counts are split by, if any.")
    series: list[TimelineSeries] = Field(description="The series of a split timeline.")
    periods: list[TimelinePeriod]


class SearchResults(Page):
    """A search: one page of hits, with what the query was understood as."""

    results: list[SearchHit]
    count_is_estimate: bool = Field(
        description="True when count (and the facet counts) are estimates: PostgreSQL search, "
        "a query matching very many statements."
    )
    query: str = Field(description="The query as understood.")
    notes: list[str] = Field(description="What was ignored or changed in the query, and why.")
    facets: dict[str, list[Facet]] = Field(
        description="Counts by speaker, topic, year and kind of transcript."
    )
    suggestions: list[Suggestion] = Field(description="Other searches, when nothing matched.")
    timeline: Timeline | None = Field(
        description="Mentions over time (statements a month or a year; `per`, `split`); null "
        "when nothing was searched."
    )


# --- Transcript export and errors --------------------------------------------------------------


class TranscriptExport(Schema):
    """`/transcripts/<slug>.json`: the whole transcript."""

    transcript: TranscriptSummary
    participants: list[Speaker]
    turns: list[TranscriptTurn]


class ErrorDetail(Schema):
    status: int
    message: str


class Error(Schema):
    """Every error the API answers: `{"error": {"status": 404, "message": "..."}}`."""

    error: ErrorDetail
