"""What a list may be narrowed by, declared once for a page and its API twin (house style rule 8).

Each declaration names its fields with their types and limits and knows how to `apply()` them
to a queryset through the models' read rules. The API takes them strictly: ninja validates the
query string against the declaration, refuses what does not fit with a 400 that says why, and
writes the same declaration into the OpenAPI document. A page takes them leniently
(`from_query()`): a value that does not fit is ignored, as if it had not been given.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

import pydantic
from ninja import Schema
from pydantic import Field, model_validator

from archive.schemas import SpeakerKind, TranscriptKind, TurnKind
from archive.search import MAX_PAGE, SORTS, SearchRequest
from archive.search.page import TIMELINE_SPLITS, TIMELINE_UNITS

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, Field(min_length=1, max_length=100, pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
PageSize = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page (at most {MAX_PAGE_SIZE}).")
]


class Parameters(Schema):
    """Query parameters, read strictly by ninja or leniently by `from_query()`."""

    @classmethod
    def from_query(cls, params) -> Self:
        """The lenient reading of a query string (a QueryDict): empty and invalid values are
        dropped, one by one, and the rest kept."""
        data = {name: params.get(name) for name in cls.model_fields if params.get(name)}
        while True:
            try:
                return cls.model_validate(data)
            except pydantic.ValidationError as error:
                invalid = {e["loc"][0] for e in error.errors() if e["loc"]} & data.keys()
                if not invalid:
                    return cls()
                for name in invalid:
                    del data[name]


class Filters(Parameters):
    """Every filter is optional; None (its default) means "not narrowed by this". The fields
    are typed without `| None` so that the document says `integer`, not `integer or null`:
    pydantic does not validate defaults, and a query string has no null to send."""

    def without(self, *names: str) -> Self:
        """The same filters less `names` (a facet counts what choosing its values would give)."""
        return self.model_copy(update=dict.fromkeys(names))

    @property
    def active(self) -> bool:
        return any(value is not None for value in self.model_dump().values())


class Paging(Parameters):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: PageSize = DEFAULT_PAGE_SIZE


# --- Transcripts: /transcripts/ and /api/transcripts/ -------------------------------------------


class TranscriptFilters(Filters):
    year: int = Field(None, ge=1, le=9999, description="Year of the transcript's date.")
    kind: TranscriptKind = Field(None, description="Kind of transcript.")
    outlet: Text = Field(None, description="Outlet or venue, exactly.")
    speaker: Slug = Field(None, description="Slug of a speaker who takes part.")

    def apply(self, transcripts):
        if self.year is not None:
            transcripts = transcripts.filter(date__year=self.year)
        if self.kind is not None:
            transcripts = transcripts.filter(kind=self.kind)
        if self.outlet is not None:
            transcripts = transcripts.filter(outlet=self.outlet)
        if self.speaker is not None:
            transcripts = transcripts.featuring(self.speaker)
        return transcripts


class TranscriptPageFilters(TranscriptFilters):
    """The browsing page also narrows a year to one of its months."""

    month: int = Field(None, ge=1, le=12)

    @model_validator(mode="after")
    def _month_needs_a_year(self) -> Self:
        if self.year is None:
            self.month = None
        return self

    def apply(self, transcripts):
        transcripts = super().apply(transcripts)
        if self.year is not None and self.month is not None:
            transcripts = transcripts.filter(date__month=self.month)
        return transcripts


# --- Speakers: /speakers/ and /api/speakers/ -----------------------------------------------------


class SpeakerFilters(Filters):
    kind: SpeakerKind = Field(None, description="Kind of speaker.")
    organisation: Text = Field(None, description="Organisation, case-insensitively.")

    def apply(self, speakers):
        if self.kind is not None:
            speakers = speakers.filter(kind=self.kind)
        if self.organisation is not None:
            speakers = speakers.filter(organisation__iexact=self.organisation)
        return speakers


class SpeakerPageFilters(SpeakerFilters):
    """The page also orders by name (the default) or by number of statements."""

    sort: Literal["name", "count"] = Field(None)

    def apply(self, speakers):
        speakers = super().apply(speakers)
        if self.sort == "count":
            return speakers.by_turn_count()
        return speakers.order_by("sort_name", "name", "pk")  # by family name


# --- Turns: /api/turns/ --------------------------------------------------------------------------


class TurnFilters(Filters):
    transcript: Slug = Field(None, description="Slug of a transcript.")
    speaker: Slug = Field(None, description="Slug of a speaker.")
    topic: Slug = Field(None, description="Slug of a topic.")
    kind: TurnKind = Field(None, description="speech or narrative.")

    def apply(self, turns):
        if self.transcript is not None:
            turns = turns.filter(transcript__slug=self.transcript)
        if self.speaker is not None:
            turns = turns.filter(speaker__slug=self.speaker)
        if self.topic is not None:
            turns = turns.on_topic(self.topic)
        if self.kind is not None:
            turns = turns.filter(kind=self.kind)
        return turns


# --- Search: /api/search/ (the search page reads the same parameters its own way) --------------


class SearchParams(Schema):
    """The search page's parameters: the query language in `q`, the form's filters beside it."""

    # The lengths are those at which SearchRequest.from_querydict cuts what the page is given.

    q: str = Field(
        min_length=1,
        max_length=10_000,
        pattern=r"\S",
        description='Words, "phrases", OR, -exclusions and filters (speaker:, topic:, kind:, '
        "after:, before:), e.g. `speaker:blinken`. What the language cannot use is ignored "
        "and said in `notes`, never refused.",
    )
    speaker: Text = Field(None, description="A speaker's slug or name.")
    topic: Text = Field(None, description="A topic's slug or name.")
    kind: Text = Field(None, description="A kind of transcript.")
    after: Text = Field(None, description="On or after a date (2021, 2021-06, 2021-06-30).")
    before: Text = Field(None, description="On or before a date.")
    sort: Literal[tuple(SORTS)] = Field("relevance", description="Order of results.")
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description=f"Page number, from 1 (at most {MAX_PAGE})."
    )
    page_size: PageSize = DEFAULT_PAGE_SIZE
    per: Literal[TIMELINE_UNITS] = Field(
        None,
        description="The timeline's statements a month or a year (months for up to three "
        "years of results, else years).",
    )
    split: Literal[TIMELINE_SPLITS] = Field(
        None, description="Split the timeline's counts by speaker (the five with most, by name)."
    )

    def search_request(self) -> SearchRequest:
        return SearchRequest(
            q=self.q,
            speaker=self.speaker or "",
            topic=self.topic or "",
            kind=self.kind or "",
            after=self.after or "",
            before=self.before or "",
            sort=self.sort,
            page=self.page,
            per_page=self.page_size,
            per=self.per or "",
            split=self.split or "",
        )
