"""Organisations, offices (posts) and who held them (memberships), a transcript's participants, and
curators' label rules. Models of the ``archive`` app (imported by ``archive.models``); the person
is ``archive.models.Speaker``.

Dates of memberships are Popolo dates: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` where only the
month or the year is known, and an empty end for an office still held.
"""

from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Min, Q
from django.urls import reverse
from reversion.models import Revision

from archive.people.resolve import popolo_covers

popolo_date = RegexValidator(
    r"^\d{4}(-\d{2}(-\d{2})?)?$", "Use YYYY-MM-DD (or YYYY-MM, or YYYY when that is all we know)."
)


class Organization(models.Model):
    """A body that has offices: "The White House", "U.S. Department of State", "Ministry of Foreign
    Affairs of the People's Republic of China". `other_names` and the hosts of `links` say which
    transcript sources are this organisation's own (so "THE SECRETARY" at state.gov is its
    Secretary)."""

    identifier = models.SlugField(max_length=100, unique=True, help_text="Popolo id.")
    name = models.CharField(max_length=200)
    classification = models.CharField(max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    other_names = models.JSONField(default=list, blank=True, help_text="Other names, one a string.")
    links = models.JSONField(default=list, blank=True, help_text="Web addresses (URLs).")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """An office within an organisation, held by one person at a time or by several
    (a ministry's spokespersons)."""

    identifier = models.SlugField(max_length=100, unique=True, help_text="Popolo id.")
    label = models.CharField(max_length=200, help_text="“Secretary of State”")
    role = models.CharField(
        max_length=100,
        help_text="The office as a label names it: “Secretary” (“THE SECRETARY:”), “President”, "
        "“Spokesperson” (who answers “A:” at the organisation's briefings).",
    )
    other_labels = models.JSONField(default=list, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="posts")

    class Meta:
        ordering = ["organization__name", "label"]

    def __str__(self) -> str:
        return self.label


class Membership(models.Model):
    """A person holding a post between two dates."""

    person = models.ForeignKey(
        "archive.Speaker", on_delete=models.CASCADE, related_name="memberships"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="memberships")
    start_date = models.CharField(max_length=10, blank=True, validators=[popolo_date])
    end_date = models.CharField(
        max_length=10, blank=True, validators=[popolo_date], help_text="Empty while in office."
    )

    class Meta:
        ordering = ["start_date", "post__label"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "post", "start_date"], name="membership_unique_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.post} ({self.start_date}–{self.end_date})"

    def covers(self, day: datetime.date) -> bool:
        return popolo_covers(self.start_date, self.end_date, day)


class ParticipantQuerySet(models.QuerySet):
    def in_order(self) -> ParticipantQuerySet:
        """Participants with their speech turns there (`turn_count`), in the order of their
        first turn; those without a speech turn left out."""
        speech = Q(turns__kind="speech")
        return (
            self.annotate(
                turn_count=Count("turns", filter=speech),
                first_position=Min("turns__position", filter=speech),
            )
            .filter(turn_count__gt=0)
            .select_related("speaker")
            .order_by("transcript_id", "first_position")
        )

    def of_transcripts(self, transcript_ids) -> dict[int, list[Participant]]:
        """{transcript id: [participant, ...]} for these transcripts, with one query. Two
        participants of one person (left by a merge) show as one, with both counts."""
        found: dict[int, list[Participant]] = {}
        people: dict[tuple[int, int], Participant] = {}
        for participant in self.filter(transcript__in=list(transcript_ids)).in_order():
            key = (participant.transcript_id, participant.speaker_id)
            if participant.speaker_id is not None and key in people:
                people[key].turn_count += participant.turn_count
                continue
            people[key] = participant
            found.setdefault(participant.transcript_id, []).append(participant)
        return found


class Participant(models.Model):
    """Who speaks in one transcript: a person (`speaker`) in a role there ("Secretary of State"),
    or a role alone that is nobody across transcripts ("Moderator", "Reporter, Reuters")."""

    class ResolvedBy(models.TextChoices):
        CURATOR = "curator", "a curator's choice"
        NAME = "name", "the name in the label"
        TITLE = "title", "the transcript's title"
        OFFICE = "office", "who held the office that day"
        ROLE = "role", "a role in this transcript"
        NEW = "new", "a new person"

    transcript = models.ForeignKey(
        "archive.Transcript", on_delete=models.CASCADE, related_name="participations"
    )
    speaker = models.ForeignKey(
        "archive.Speaker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text="The person; empty for a role that is nobody in particular.",
    )
    name = models.CharField(max_length=200, help_text="As pages show it.")
    role = models.CharField(max_length=200, blank=True, help_text="Their role in this transcript.")
    organisation = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, default="official")
    labels = models.JSONField(default=list, blank=True, help_text="The labels printed for them.")
    resolved_by = models.CharField(max_length=10, choices=ResolvedBy.choices)
    curated = models.BooleanField(
        default=False, help_text="A curator decided who this is; re-ingesting keeps it."
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["transcript", "pk"]
        indexes = [models.Index(fields=["transcript", "speaker"], name="participant_speaker_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role and self.role != self.name else self.name

    def get_absolute_url(self) -> str:
        return self.speaker.get_absolute_url() if self.speaker_id else ""

    @property
    def display_name(self) -> str:
        """The person's name as it is now (a curator may rename them), else the role's."""
        return self.speaker.name if self.speaker_id else self.name

    @property
    def is_questioner(self) -> bool:
        return self.kind in {"journalist", "moderator", "unidentified"}

    @property
    def description(self) -> str:
        """ "Reporter, Reuters", "Moderator", or a person's role there ("Secretary of State")."""
        if self.speaker_id is None:
            return self.name
        return self.role


class LabelRule(models.Model):
    """A curator's decision: at this source (and between these dates), this label is this person,
    or a role that is nobody in particular. The first rule of resolution."""

    label = models.CharField(max_length=200, help_text="As printed, without its colon.")
    key = models.CharField(max_length=200, editable=False, db_index=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="The transcripts' source name; empty for any source."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    speaker = models.ForeignKey(
        "archive.Speaker",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="label_rules",
        help_text="The person; empty to leave the label a role.",
    )
    role = models.CharField(max_length=200, blank=True, help_text="The role, for a role rule.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "label", "start_date"]

    def __str__(self) -> str:
        who = self.speaker or self.role or "a role"
        where = f" at {self.source}" if self.source else ""
        return f"{self.label}{where} → {who}"

    def save(self, *args, **kwargs):
        from archive.people.names import label_fold

        self.key = label_fold(self.label)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_labelrule_change", args=[self.pk])


class CuratorChange(Revision):
    """A revision django-reversion recorded, as the admin lists it: "Curator changes"."""

    class Meta:
        proxy = True
        verbose_name = "curator change"
        verbose_name_plural = "curator changes"
