"""The archive's data: speakers (people) and their other names, transcripts and their turns,
topics and tags. Offices, participants and label rules live in ``archive.people.models``."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.text import slugify

from archive.counts import RankedByCount, count_of, counted, ranked_by_count
from archive.languages import name as language_name
from archive.people.names import sort_name_for

STAGE_DIRECTION_RE = re.compile(r"(\((?:[^()]{1,80})\)|\[(?:[^\[\]]{1,80})\])")


def unique_slug(
    model: type[models.Model], text: str, *, max_length: int = 80, exclude_pk=None
) -> str:
    """A slug for `text` that no other row of `model` uses yet ("blinken", "blinken-2", ...)."""
    base = cut_at_word(slugify(text, allow_unicode=False), max_length) or "item"
    candidate, n = base, 1
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = f"{cut_at_word(base, max_length - len(suffix))}{suffix}"
    return candidate


def cut_at_word(slug: str, limit: int) -> str:
    """`slug` in at most `limit` characters, cut between words rather than inside a word."""
    if len(slug) <= limit:
        return slug.strip("-")
    cut = slug[: limit + 1].rfind("-")
    return (slug[:cut] if cut > limit // 2 else slug[:limit]).strip("-")


def validate_web_url(value: str) -> None:
    """Only http(s) sources: a transcript's page links to its source, and a `javascript:` or
    `data:` address there would run in the reader's browser."""
    from archive.ingest.metadata import is_web_url

    if value and not is_web_url(value):
        raise ValidationError("Enter an http:// or https:// address.", code="invalid_scheme")


def new_turn_key() -> str:
    """A short random key for a turn's permalink (stable across re-ingest)."""
    return secrets.token_hex(5)


class SpeakerQuerySet(models.QuerySet):
    def public(self) -> SpeakerQuerySet:
        """Speakers with a page: people (never a placeholder, nor someone merged into another)
        with at least one speech turn in a published transcript. The one rule for /speakers/,
        the home page's counts, search facets, the API and feeds. (Found speaker by speaker, turn
        by turn until the first in a published transcript: PostgreSQL plans an EXISTS, or a
        join with the transcripts, over far more rows, 0.3 to 1.7 s at a million turns.)"""
        published = Transcript.objects.published().filter(pk=OuterRef("transcript_id"))
        first = Turn.objects.speech().filter(speaker=OuterRef("pk")).order_by()
        first = first.filter(IsNull(Subquery(published.values("pk")), False)).values("pk")
        return self.named().filter(IsNull(Subquery(first[:1]), False))

    def with_turn_counts(self) -> SpeakerQuerySet:
        """Each speaker with `turn_count`: their published speech turns (archive.counts)."""
        return counted(self, "by_speaker")

    def by_turn_count(self) -> RankedByCount:
        """These speakers, most statements first, then by family name: a sequence to page."""
        return ranked_by_count(self, "by_speaker", then=("sort_name", "name", "pk"))

    def named(self) -> SpeakerQuerySet:
        """Leave out placeholders ("Questioner, press briefing (7 Jun 2021)", from before
        participants) and people merged into another: nobody to follow."""
        return self.exclude(kind=Speaker.Kind.UNIDENTIFIED).filter(merged_into=None)

    def participating(self, transcript_ids) -> dict[int, list[Speaker]]:
        """A transcript's participants: the speakers of its speech turns, in the order of their
        first turn, each annotated with `turn_count` (their speech turns there). One query for
        any number of transcripts: {transcript id: [speaker, ...]}."""
        rows = (
            self.named()
            .filter(turns__transcript__in=list(transcript_ids), turns__kind=Turn.Kind.SPEECH)
            .annotate(
                transcript_id=models.F("turns__transcript"),
                first_position=Min("turns__position"),
                turn_count=Count("turns"),
            )
            .order_by("transcript_id", "first_position")
        )
        found: dict[int, list[Speaker]] = {}
        for speaker in rows:
            found.setdefault(speaker.transcript_id, []).append(speaker)
        return found

    def participants_in(self, transcript: Transcript) -> list[Speaker]:
        return self.participating([transcript.pk]).get(transcript.pk, [])


class Speaker(models.Model):
    """A person who speaks in transcripts: a real individual (a Popolo person), found by their
    names and the offices they held (`memberships`). Roles that are nobody in particular
    ("Moderator", "Reporter, Reuters") are a transcript's participants, not speakers."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", "Official"
        JOURNALIST = "journalist", "Journalist"
        MODERATOR = "moderator", "Moderator"
        INTERPRETER = "interpreter", "Interpreter"
        UNIDENTIFIED = "unidentified", "Unidentified"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField("title or role", max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICIAL)
    description = models.TextField(blank=True)
    sort_name = models.CharField(max_length=200, blank=True, help_text="“Blinken, Antony”")
    family_name = models.CharField(
        max_length=100, blank=True, help_text="What “SECRETARY BLINKEN:” calls them by."
    )
    gender = models.CharField(
        max_length=20,
        blank=True,
        help_text="Popolo's gender, where “MR.” and “MRS.” tell two people apart.",
    )
    identifier = models.SlugField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Id in the people dataset (fixtures/people.json), for people that come from it.",
    )
    needs_review = models.BooleanField(
        default=False,
        help_text="Created from a label that named nobody known: a curator should check who this is.",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_people",
        help_text="Merged into this person (their page redirects there; the merge can be undone).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        indexes = [models.Index(fields=["kind"], name="speaker_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Speaker, self.name, exclude_pk=self.pk)
        if not self.sort_name:
            self.sort_name = sort_name_for(self.name, self.family_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:speaker_detail", kwargs={"slug": self.slug})

    @property
    def is_questioner(self) -> bool:
        return self.kind in {self.Kind.JOURNALIST, self.Kind.MODERATOR, self.Kind.UNIDENTIFIED}


class SpeakerAlias(models.Model):
    """Another name of a person (Popolo `other_names`: "Antony J. Blinken", "耿爽", "Путин"), or a
    label a curator said always names them ("SECRETARY BLINKEN"): matched exactly, anywhere."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(max_length=200, help_text="The label as printed, without its colon.")
    key = models.CharField(
        max_length=200,
        unique=True,
        editable=False,
        help_text="Normalised label used for matching (case, spacing and full stops ignored).",
    )

    class Meta:
        ordering = ["label"]
        verbose_name = "other name"
        verbose_name_plural = "other names"

    def __str__(self) -> str:
        return f"{self.label} → {self.speaker}"

    def save(self, *args, **kwargs):
        from archive.ingest.labels import label_key

        self.key = label_key(self.label)
        super().save(*args, **kwargs)


class TranscriptQuerySet(models.QuerySet):
    def published(self) -> TranscriptQuerySet:
        """What the public sees: an unpublished transcript has no page and adds to no count."""
        return self.filter(published=True)

    def with_turn_counts(self) -> TranscriptQuerySet:
        """Annotate `turn_count`: speech turns (stage directions are not statements)."""
        return self.annotate(
            turn_count=count_of(Turn.objects.filter(transcript=OuterRef("pk")).speech())
        )

    def with_participants(self, transcripts) -> list[Transcript]:
        """Give each of these transcripts its `participants` (the people who speak in it:
        Speaker.objects.participating) and its `participant_roles` (everyone who speaks, people
        and roles, as Participant.objects.of_transcripts), with two queries."""
        transcripts = list(transcripts)
        found = Speaker.objects.participating(t.pk for t in transcripts)
        roles = Participant.objects.of_transcripts(t.pk for t in transcripts)
        for transcript in transcripts:
            transcript.participants = found.get(transcript.pk, [])
            transcript.participant_roles = roles.get(transcript.pk, [])
        return transcripts

    def languages(self) -> list[str]:
        """The languages the statements of published transcripts are in: the transcripts',
        and the turns' own where they differ."""
        own = (
            Turn.objects.published()
            .exclude(language="")
            .order_by()
            .values_list("language", flat=True)
            .distinct()
        )
        found = set(self.published().order_by().values_list("language", flat=True).distinct())
        return sorted(found | set(own))

    def featuring(self, speaker_slug: str) -> TranscriptQuerySet:
        """Transcripts in which this speaker has a speech turn."""
        return self.filter(
            pk__in=Turn.objects.speech().filter(speaker__slug=speaker_slug).values("transcript")
        )


class Transcript(models.Model):
    """One interview, briefing or set of remarks, as ingested."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        BRIEFING = "briefing", "Press briefing"
        PRESS_CONFERENCE = "press-conference", "Press conference"
        REMARKS = "remarks", "Remarks"
        CALL = "call", "Press call"
        GAGGLE = "gaggle", "Press gaggle"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    # Metadata fields a curator may edit; an edited field is listed in `curated_fields`
    # and a re-ingest (--update) leaves it alone.
    CURATABLE_FIELDS = (
        "title",
        "date",
        "kind",
        "outlet",
        "location",
        "source_url",
        "source_name",
        "language",
    )

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    outlet = models.CharField("outlet or venue", max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=12, default="en")
    source_key = models.CharField(
        max_length=500,
        unique=True,
        help_text="Where the transcript came from (source URL or file name): re-ingesting the same "
        "source updates this transcript.",
    )
    original_text = models.TextField(help_text="The text exactly as ingested.")
    content_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the original text."
    )
    published = models.BooleanField(default=True, db_index=True)
    curated_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["published", "-date"], name="transcript_pub_date_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            stem = f"{self.date:%Y-%m-%d} {self.title}" if self.date else self.title
            self.slug = unique_slug(Transcript, stem, max_length=100, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:transcript_detail", kwargs={"slug": self.slug})

    @property
    def language_name(self) -> str:
        return language_name(self.language or "en")

    def clean(self) -> None:
        try:
            validate_web_url(self.source_url)
        except ValidationError as error:
            raise ValidationError({"source_url": error}) from None

    @property
    def source_link(self) -> str:
        """The source URL where it is safe to link to (http or https), else "": what pages,
        exports and the API show, whatever an older archive may hold."""
        from archive.ingest.metadata import is_web_url

        return self.source_url if is_web_url(self.source_url) else ""


class TurnQuerySet(models.QuerySet):
    def published(self) -> TurnQuerySet:
        return self.filter(transcript__published=True)

    def speech(self) -> TurnQuerySet:
        return self.filter(kind=Turn.Kind.SPEECH)

    def by_speaker(self, speaker: Speaker) -> TurnQuerySet:
        return self.filter(speaker=speaker)

    def on_topic(self, topic: Topic | str) -> TurnQuerySet:
        """Turns with a visible tag of this topic (a Topic or its slug; rejected tags never
        count)."""
        tags = TurnTopic.objects.visible()
        tags = (
            tags.filter(topic__slug=topic) if isinstance(topic, str) else tags.filter(topic=topic)
        )
        return self.filter(pk__in=tags.values("turn"))

    def for_listing(self) -> TurnQuerySet:
        """What a list of turns shows: speaker and transcript without a query per row (and
        without the transcript's original text, which can be megabytes, once per turn)."""
        return self.select_related("speaker", "participant__speaker", "transcript").defer(
            "transcript__original_text"
        )

    def around(self, turn: Turn, span: int) -> TurnQuerySet:
        """The turns within `span` positions of `turn`, in order, speakers selected."""
        positions = (turn.position - span, turn.position + span)
        turns = self.filter(transcript_id=turn.transcript_id, position__range=positions)
        return turns.select_related("speaker").order_by("position")

    def with_visible_tags(self) -> TurnQuerySet:
        """Prefetch each turn's visible topic tags (with their topics) as `visible_tags`."""
        return self.prefetch_related(
            Prefetch(
                "topic_tags",
                queryset=TurnTopic.objects.visible().select_related("topic"),
                to_attr="visible_tags",
            )
        )


class Turn(models.Model):
    """One labelled contribution to a transcript, in order."""

    class Kind(models.TextChoices):
        SPEECH = "speech", "Speech"
        NARRATIVE = "narrative", "Stage direction / narrative"

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    key = models.CharField(max_length=16, unique=True, default=new_turn_key, editable=False)
    label = models.CharField(max_length=200, blank=True, help_text="The label exactly as printed.")
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, related_name="turns", null=True, blank=True
    )
    participant = models.ForeignKey(
        "archive.Participant",
        on_delete=models.SET_NULL,
        related_name="turns",
        null=True,
        blank=True,
        help_text="Who speaks, in this transcript; `speaker` is always the participant's person.",
    )
    speaker_curated = models.BooleanField(
        default=False, help_text="Set when a curator chose the speaker; a re-ingest keeps it."
    )
    text = models.TextField(help_text="Paragraphs separated by a blank line.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SPEECH)
    language = models.CharField(
        max_length=12,
        blank=True,
        help_text="The turn's language (ISO 639-1) when it is not the transcript's: an "
        "interpreted question, a bilingual press conference. Blank: the transcript's.",
    )
    topics = models.ManyToManyField("Topic", through="TurnTopic", related_name="turns", blank=True)

    objects = TurnQuerySet.as_manager()

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "position"], name="turn_unique_position"),
        ]
        indexes = [
            models.Index(fields=["speaker", "transcript"], name="turn_speaker_idx"),
            models.Index(
                fields=["language"], name="turn_own_language_idx", condition=~Q(language="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transcript} #{self.position} ({self.label or self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("archive:turn_detail", kwargs={"key": self.key})

    def get_context_url(self) -> str:
        """The transcript page opened at this turn."""
        return f"{self.transcript.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"t{self.position}"

    @property
    def is_question(self) -> bool:
        """A question (an interviewer's, a journalist's, a moderator's) rather than an answer:
        by the participant's kind, else the speaker's, or for a turn nobody is assigned to, by
        its label ("Q")."""
        if self.participant_id is not None:
            return self.participant.is_questioner
        if self.speaker_id is not None:
            return self.speaker.is_questioner
        from archive.ingest.labels import is_anonymous, label_key

        return is_anonymous(self.label) or label_key(self.label) == "moderator"

    @property
    def text_language(self) -> str:
        """The language the turn is in: its own, else its transcript's."""
        return self.language or self.transcript.language or "en"

    @property
    def language_name(self) -> str:
        return language_name(self.text_language)

    @property
    def role(self) -> str:
        """ "question" or "answer" (is_question), as the search results and API name it."""
        return "question" if self.is_question else "answer"

    @property
    def speaker_name(self) -> str:
        """Who speaks, as pages show it: the participant's name ("Antony Blinken", "Moderator",
        "Reporter, Reuters"), else the speaker's, else the label as printed."""
        if self.participant_id is not None:
            return self.participant.display_name
        if self.speaker_id is not None:
            return self.speaker.name
        return (self.label or "").title()

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]

    def paragraph_parts(self) -> list[list[tuple[str, bool]]]:
        """Each paragraph as (text, is_stage_direction) pieces, so pages can set
        "(Laughter.)" or "(As interpreted.)" apart without changing the stored text."""
        result = []
        for paragraph in self.paragraphs:
            pieces = [
                (piece, bool(STAGE_DIRECTION_RE.fullmatch(piece)))
                for piece in STAGE_DIRECTION_RE.split(paragraph)
                if piece
            ]
            result.append(pieces)
        return result


class TopicQuerySet(models.QuerySet):
    def with_turn_counts(self) -> TopicQuerySet:
        """Each topic with `turn_count`: published speech turns with a visible tag of it."""
        return counted(self, "by_topic")

    def with_statements(self) -> TopicQuerySet:
        """Topics that some published statement is tagged with, each with `turn_count`."""
        return counted(self, "by_topic", only_counted=True)

    def by_turn_count(self) -> RankedByCount:
        """These topics, most statements first, then by name: a sequence to page or slice."""
        return ranked_by_count(self, "by_topic", then=("name", "pk"))


class Topic(models.Model):
    """An issue that statements are about, identified by phrases ("JCPOA", "Iran nuclear deal")."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    phrases = models.TextField(
        blank=True,
        help_text="One phrase per line; a turn that contains any of them is tagged automatically. "
        "Case and apostrophe styles are ignored.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Topic, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:topic_detail", kwargs={"slug": self.slug})

    @property
    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]


class TurnTopicQuerySet(models.QuerySet):
    def visible(self) -> TurnTopicQuerySet:
        """Tags that show: every tag but those a curator rejected."""
        return self.filter(rejected=False)


class TurnTopic(models.Model):
    """A turn tagged with a topic, automatically or by a curator.

    A curator's decision (origin=curator) is never changed by automatic tagging: a tag the
    curator removed stays as `rejected=True` so that re-tagging does not bring it back.
    """

    class Origin(models.TextChoices):
        AUTO = "auto", "Automatic"
        CURATOR = "curator", "Curator"

    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="topic_tags")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="turn_tags")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.AUTO)
    rejected = models.BooleanField(
        default=False,
        help_text="A curator removed this tag; automatic tagging will not add it back.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TurnTopicQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "turn"]
        constraints = [models.UniqueConstraint(fields=["turn", "topic"], name="turntopic_unique")]
        indexes = [models.Index(fields=["topic", "rejected"], name="turntopic_topic_idx")]

    def __str__(self) -> str:
        state = "rejected" if self.rejected else self.get_origin_display().lower()
        return f"{self.topic} on {self.turn} ({state})"


# The search engines' own tables (archive/search/models.py): defined there, part of this app.
# Offices, memberships, participants and label rules (archive/people/models.py) belong to this app.
from archive.alerts.models import Alert, AlertDelivery  # noqa: E402, F401 (this app's models too)
from archive.caching import DataVersion  # noqa: E402, F401
from archive.people.models import (  # noqa: E402, F401
    CuratorChange,
    LabelRule,
    Membership,
    Organization,
    Participant,
    Post,
)
from archive.search.models import IndexTask, TurnSearchDocument  # noqa: E402, F401
