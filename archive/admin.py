"""Curation in the Django admin (staff only): transcripts, turns, topics and tags. People,
offices, label rules and the change history are in ``archive/people/admin.py``.

Transcripts: metadata on the change page (light at any length: the turns are not inline), the
turns edited a page at a time ("Edit turns"), who each label is ("Who speaks"), "Add transcript
from text" (paste or upload, preview with who each label resolves to and why, choose, save: the
same ``ingest_text`` as ``manage.py ingest``); topics with phrases and re-tagging; topic tags a
curator adds or removes. Every change is recorded by django-reversion (archive.history).

Curators' decisions are recorded so that re-ingesting and re-tagging keep them: a changed turn
speaker sets ``Turn.speaker_curated``, an edited metadata field is listed in
``Transcript.curated_fields``, and removing a tag marks it rejected instead of deleting it.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion.admin import VersionAdmin

from archive.alerts import admin as alerts_admin  # noqa: F401 (registers the alerts' admin)
from archive.forms import (
    ReassignLabelForm,
    TranscriptTextForm,
    WhoForm,
    forget_draft,
    turn_formset,
)
from archive.history import curator_revision
from archive.ingest.load import FAILED, SKIPPED, UNCHANGED, ingest_text
from archive.models import Participant, Topic, Transcript, Turn, TurnTopic
from archive.people.admin import apply_who_choices
from archive.people.curation import participant_for, reassign_label
from archive.topics import tag_turns

TURNS_PER_PAGE = 50  # the turn editor's page: about 260 form fields, far below Django's 1,000


def mark_speaker_curated(turn: Turn, changed_fields) -> None:
    """A curator who picks a turn's speaker has decided it: re-ingesting keeps the choice."""
    if "speaker" in changed_fields:
        turn.speaker_curated = True


@contextmanager
def _nothing():
    yield


def reject_tags(tags) -> int:
    """Remove tags the way a curator does: keep them as rejected, so re-tagging leaves them out."""
    count = 0
    for tag in tags:
        if not tag.rejected or tag.origin != TurnTopic.Origin.CURATOR:
            tag.rejected = True
            tag.origin = TurnTopic.Origin.CURATOR
            tag.save()
        count += 1
    return count


# --------------------------------------------------------------------------------------------
# Transcripts and turns


@admin.register(Transcript)
class TranscriptAdmin(VersionAdmin):
    change_list_template = "admin/archive/transcript/change_list.html"
    list_display = ("title", "date", "kind", "source_name", "published", "turn_count")
    list_filter = ("published", "kind", "source_name", "date")
    search_fields = ("title", "outlet", "location", "source_key", "source_url")
    date_hierarchy = "date"
    actions = ("publish", "unpublish")
    readonly_fields = (
        "turns_summary",
        "participants_summary",
        "source_key",
        "content_hash",
        "curated_fields",
        "original_text_summary",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    ("date", "kind"),
                    ("outlet", "location"),
                    ("source_url", "source_name"),
                    ("language", "published"),
                )
            },
        ),
        ("Turns and who speaks", {"fields": ("turns_summary", "participants_summary")}),
        (
            "Provenance",
            {
                "classes": ("collapse",),
                "description": "How this transcript was ingested. Fields you edit above are "
                "listed as curated and a re-ingest (--update) leaves them alone.",
                "fields": (
                    "source_key",
                    "content_hash",
                    "curated_fields",
                    "original_text_summary",
                ),
            },
        ),
    )

    def get_queryset(self, request):
        # The original text (up to 20 MB) is never read for a list or a change page.
        return (
            super().get_queryset(request).defer("original_text").annotate(turn_total=Count("turns"))
        )

    @admin.display(description="turns", ordering="turn_total")
    def turn_count(self, obj):
        return obj.turn_total

    @admin.display(description="turns")
    def turns_summary(self, obj):
        pages = -(-obj.turn_total // TURNS_PER_PAGE)
        url = reverse("admin:archive_transcript_turns", args=[obj.pk])
        return format_html(
            '{} turns · <a href="{}">Edit turns</a> ({} page{})',
            obj.turn_total,
            url,
            pages,
            "" if pages == 1 else "s",
        )

    @admin.display(description="who speaks")
    def participants_summary(self, obj):
        participants = Participant.objects.of_transcripts([obj.pk]).get(obj.pk, [])
        url = reverse("admin:archive_transcript_who", args=[obj.pk])
        names = ", ".join(f"{p.display_name} ({p.description})" for p in participants[:12])
        more = "…" if len(participants) > 12 else ""
        return format_html('{}{} · <a href="{}">Who speaks</a>', names, more, url)

    @admin.display(description="original text")
    def original_text_summary(self, obj):
        url = reverse("admin:archive_transcript_original", args=[obj.pk])
        size = Transcript.objects.filter(pk=obj.pk).values_list("original_text", flat=True)
        return format_html('<a href="{}">The text as ingested</a>', url) if size.exists() else ""

    def save_model(self, request, obj, form, change):
        if change:
            edited = set(form.changed_data) & set(Transcript.CURATABLE_FIELDS)
            obj.curated_fields = sorted(set(obj.curated_fields) | edited)
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected transcripts")
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected transcripts")
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool) -> None:
        # One save per transcript (not QuerySet.update) so that the search index hears of it.
        count = 0
        state = "Published" if published else "Unpublished"
        with curator_revision(request, f"{state} from the transcript list"):
            for transcript in queryset.exclude(published=published).defer("original_text"):
                transcript.published = published
                transcript.save(update_fields=["published", "updated_at"])
                count += 1
        state = "published" if published else "unpublished"
        self.message_user(request, f"{count} transcript(s) {state}.", messages.SUCCESS)

    def get_urls(self):
        own = [
            path(
                "add-from-text/",
                self.admin_site.admin_view(self.add_from_text_view),
                name="archive_transcript_add_from_text",
            ),
            path(
                "<path:object_id>/reassign-label/",
                self.admin_site.admin_view(self.reassign_label_view),
                name="archive_transcript_reassign_label",
            ),
            path(
                "<path:object_id>/turns/",
                self.admin_site.admin_view(self.turns_view),
                name="archive_transcript_turns",
            ),
            path(
                "<path:object_id>/who/",
                self.admin_site.admin_view(self.who_view),
                name="archive_transcript_who",
            ),
            path(
                "<path:object_id>/original/",
                self.admin_site.admin_view(self.original_view),
                name="archive_transcript_original",
            ),
        ]
        return own + super().get_urls()

    def _page_context(self, request, transcript, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": transcript,
            "title": title,
            **extra,
        }

    def turns_view(self, request, object_id):
        """The turn editor: a page of turns at a time (label, who speaks, kind, text)."""
        transcript = get_object_or_404(Transcript.objects.defer("original_text"), pk=object_id)
        if not self.has_change_permission(request, transcript):
            return HttpResponseRedirect(reverse("admin:index"))
        participants = list(transcript.participations.select_related("speaker"))
        turns = transcript.turns.select_related("participant__speaker").order_by("position")
        page = Paginator(turns, TURNS_PER_PAGE).get_page(request.GET.get("page"))
        page_turns = Turn.objects.filter(pk__in=[t.pk for t in page.object_list]).order_by(
            "position"
        )
        formset = turn_formset(
            request.POST if request.method == "POST" else None,
            queryset=page_turns,
            participants=participants,
        )
        if request.method == "POST" and formset.is_valid():
            changed = [f for f in formset.forms if f.has_changed()]
            with curator_revision(request, f"Edited {len(changed)} turn(s) of “{transcript}”"):
                retag = []
                for turn_form in changed:
                    turn = turn_form.save(commit=False)
                    if "participant" in turn_form.changed_data:
                        turn.speaker_curated = True
                        turn.speaker = turn.participant.speaker if turn.participant else None
                    turn.save()
                    if "text" in turn_form.changed_data:
                        retag.append(turn)
                if retag:
                    tag_turns(turns=retag)
            self.message_user(request, f"{len(changed)} turn(s) saved.", messages.SUCCESS)
            return HttpResponseRedirect(f"{request.path}?page={page.number}")
        context = self._page_context(
            request,
            transcript,
            f"Turns of “{transcript}”",
            formset=formset,
            page_obj=page,
            media=self.media + formset.media,
        )
        return TemplateResponse(request, "admin/archive/transcript/turns.html", context)

    def who_view(self, request, object_id):
        """Who each participant is: keep, pick a person, create one, or leave it a role; a choice
        can become the rule for the transcript's source."""
        transcript = get_object_or_404(Transcript.objects.defer("original_text"), pk=object_id)
        if not self.has_change_permission(request, transcript):
            return HttpResponseRedirect(reverse("admin:index"))
        participants = Participant.objects.of_transcripts([transcript.pk]).get(transcript.pk, [])
        keys = [str(p.pk) for p in participants]
        form = WhoForm(request.POST or None, keys=keys)
        if request.method == "POST" and form.is_valid():
            with curator_revision(request, f"Decided who speaks in “{transcript}”"):
                by_key = {str(p.pk): p for p in participants}
                changed = apply_who_choices(transcript, by_key, form.choices())
            self.message_user(request, f"{changed} participant(s) decided.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        rows = [(p, fields) for p, (_, fields) in zip(participants, form.rows(), strict=True)]
        context = self._page_context(
            request,
            transcript,
            f"Who speaks in “{transcript}”",
            form=form,
            rows=rows,
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/archive/transcript/who.html", context)

    def original_view(self, request, object_id):
        transcript = get_object_or_404(Transcript, pk=object_id)
        if not self.has_view_permission(request, transcript):
            return HttpResponseRedirect(reverse("admin:index"))
        return HttpResponse(transcript.original_text, content_type="text/plain; charset=utf-8")

    def add_from_text_view(self, request):
        """Paste or upload -> preview (a dry run) -> confirm (the real ingest)."""
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add transcript from text",
        }
        form = TranscriptTextForm()
        if request.method == "POST":
            form = TranscriptTextForm(request.POST, request.FILES)
            if form.is_valid():
                confirm = "confirm" in request.POST
                labels = request.POST.getlist("label")
                who = WhoForm(request.POST, keys=labels)
                choices = who.choices() if labels and who.is_valid() else {}
                if labels and not who.is_valid():
                    confirm = False  # show the preview again with the problem
                with curator_revision(request, "Added from text") if confirm else _nothing():
                    outcome = ingest_text(
                        form.cleaned_data["text"],
                        filename=form.cleaned_data.get("filename") or None,
                        metadata=form.metadata(),
                        hints=form.hint_dict(),
                        warnings=getattr(form, "read_warnings", []),
                        update=form.cleaned_data.get("update", False),
                        dry_run=not confirm,
                        choices=choices,
                    )
                    if confirm and outcome.transcript and outcome.status not in (FAILED, SKIPPED):
                        apply_who_choices(outcome.transcript, None, choices, rules_only=True)
                if confirm and outcome.status not in (FAILED, SKIPPED):
                    forget_draft(form.cleaned_data.get("draft") or "")
                    transcript = outcome.transcript
                    verb = {UNCHANGED: "was already loaded"}.get(outcome.status, outcome.status)
                    self.message_user(
                        request,
                        f"“{transcript}” {verb} ({transcript.turns.count()} turns).",
                        messages.SUCCESS if outcome.status != UNCHANGED else messages.WARNING,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:archive_transcript_change", args=[transcript.pk])
                    )
                carried = form.carried()
                if not labels:
                    labels = list(dict.fromkeys(s["label"] for s in outcome.speakers))
                    who = WhoForm(keys=labels)
                context.update(
                    outcome=outcome,
                    carried=carried,
                    who=who,
                    who_rows=list(zip(outcome.speakers, who.rows(), strict=False)),
                    media=self.media + who.media,
                )
                form = TranscriptTextForm(initial=carried.initial)
        context["form"] = form
        return TemplateResponse(request, "admin/archive/transcript/add_from_text.html", context)

    def reassign_label_view(self, request, object_id):
        transcript = get_object_or_404(Transcript, pk=object_id)
        if not self.has_change_permission(request, transcript):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ReassignLabelForm(request.POST or None, transcript=transcript)
        if request.method == "POST" and form.is_valid():
            label = form.cleaned_data["label"]
            with curator_revision(request, f"Reassigned “{label}” in “{transcript}”"):
                speaker, count = reassign_label(
                    transcript,
                    label,
                    form.cleaned_data.get("speaker"),
                    new_name=form.cleaned_data.get("new_speaker_name", "").strip(),
                    new_kind=form.cleaned_data.get("new_speaker_kind"),
                    role=(form.cleaned_data.get("role") or "").strip(),
                )
            self.message_user(
                request,
                f"{count} turn(s) labelled {form.cleaned_data['label']!r} now belong to {speaker}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:archive_transcript_change", args=[transcript.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": transcript,
            "title": f"Reassign a label in “{transcript}”",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/archive/transcript/reassign_label.html", context)


class TurnTopicInline(admin.TabularInline):
    model = TurnTopic
    fields = ("topic", "origin", "rejected")
    readonly_fields = ("origin",)
    autocomplete_fields = ("topic",)
    extra = 0


@admin.register(Turn)
class TurnAdmin(VersionAdmin):
    list_display = ("__str__", "speaker", "kind", "excerpt")
    list_filter = ("kind", "speaker_curated", "transcript__published")
    search_fields = ("text", "label", "key", "transcript__title")
    list_select_related = ("transcript", "speaker")
    autocomplete_fields = ("speaker",)
    raw_id_fields = ("transcript", "participant")
    readonly_fields = ("key", "transcript", "position")
    fields = (
        "transcript",
        "position",
        "key",
        "label",
        "participant",
        "speaker",
        "speaker_curated",
        "kind",
        "text",
    )
    inlines = (TurnTopicInline,)

    @admin.display(description="text")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(90)

    def save_model(self, request, obj, form, change):
        mark_speaker_curated(obj, form.changed_data)
        # A turn's speaker is its participant's person, whichever of the two the curator chose.
        if "participant" in form.changed_data:
            obj.speaker = obj.participant.speaker if obj.participant else None
            obj.speaker_curated = True
        elif "speaker" in form.changed_data:
            obj.participant = participant_for(obj.transcript, obj.speaker)
        super().save_model(request, obj, form, change)
        if "text" in form.changed_data:
            tag_turns(turns=[obj])

    def save_formset(self, request, form, formset, change):
        if formset.model is not TurnTopic:
            return super().save_formset(request, form, formset, change)
        tags = formset.save(commit=False)
        for tag in tags:
            tag.origin = TurnTopic.Origin.CURATOR
            tag.save()
        reject_tags(formset.deleted_objects)
        formset.save_m2m()


# --------------------------------------------------------------------------------------------
# Topics and tags


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ("name", "phrase_summary", "tag_count")
    search_fields = ("name", "phrases", "description")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("retag",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tag_total=Count("turn_tags"))

    @admin.display(description="phrases")
    def phrase_summary(self, obj):
        return Truncator(", ".join(obj.phrase_list)).chars(80)

    @admin.display(description="tagged turns", ordering="tag_total")
    def tag_count(self, obj):
        return obj.tag_total

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        result = tag_turns(topics=[obj])
        self.message_user(request, f"Tagging for {obj}: {result}.", messages.INFO)

    @admin.action(description="Re-run tagging")
    def retag(self, request, queryset):
        result = tag_turns(topics=queryset)
        self.message_user(request, f"Re-tagged: {result}.", messages.SUCCESS)


@admin.register(TurnTopic)
class TurnTopicAdmin(VersionAdmin):
    """Every tag. Adding one makes a curator tag; deleting one rejects it, so that automatic
    tagging does not bring it back ("Restore" undoes that)."""

    list_display = ("topic", "turn_link", "origin", "rejected", "created_at")
    list_filter = ("origin", "rejected", "topic")
    search_fields = ("turn__text", "turn__transcript__title", "topic__name")
    list_select_related = ("topic", "turn__transcript")
    raw_id_fields = ("turn",)
    autocomplete_fields = ("topic",)
    fields = ("turn", "topic", "rejected")
    actions = ("reject_selected", "restore_selected")

    @admin.display(description="turn")
    def turn_link(self, obj):
        url = reverse("admin:archive_turn_change", args=[obj.turn_id])
        return format_html('<a href="{}">{}</a>', url, obj.turn)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting would let re-tagging bring tags back
        return actions

    def save_model(self, request, obj, form, change):
        obj.origin = TurnTopic.Origin.CURATOR
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        reject_tags([obj])

    def delete_queryset(self, request, queryset):
        reject_tags(queryset)

    @admin.action(description="Remove selected tags (they stay removed)")
    def reject_selected(self, request, queryset):
        with curator_revision(request, "Removed topic tags"):
            count = reject_tags(queryset)
        self.message_user(request, f"{count} tag(s) removed.", messages.SUCCESS)

    @admin.action(description="Restore selected tags")
    def restore_selected(self, request, queryset):
        count = 0
        with curator_revision(request, "Restored topic tags"):
            for tag in queryset.filter(rejected=True):
                tag.rejected = False
                tag.origin = TurnTopic.Origin.CURATOR
                tag.save()
                count += 1
        self.message_user(request, f"{count} tag(s) restored.", messages.SUCCESS)
