"""Curation in the Django admin (staff only).

Transcripts with their turns; "Add transcript from text" (paste or upload, preview, confirm:
the same ``ingest_text`` as ``manage.py ingest``); speakers with aliases, merging and label
reassignment; topics with phrases and re-tagging; topic tags a curator adds or removes.

Curators' decisions are recorded so that re-ingesting and re-tagging keep them: a changed turn
speaker sets ``Turn.speaker_curated``, an edited metadata field is listed in
``Transcript.curated_fields``, and removing a tag marks it rejected instead of deleting it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.forms import Textarea
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from archive.alerts import admin as alerts_admin  # noqa: F401 (registers the alerts' admin)
from archive.forms import ReassignLabelForm, TranscriptTextForm
from archive.ingest.load import FAILED, SKIPPED, UNCHANGED, ingest_text
from archive.ingest.speakers import merge_speakers, reassign_label
from archive.models import Speaker, SpeakerAlias, Topic, Transcript, Turn, TurnTopic
from archive.topics import tag_turns


def mark_speaker_curated(turn: Turn, changed_fields) -> None:
    """A curator who picks a turn's speaker has decided it: re-ingesting keeps the choice."""
    if "speaker" in changed_fields:
        turn.speaker_curated = True


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


class TurnInline(admin.TabularInline):
    model = Turn
    fields = ("position", "label", "speaker", "speaker_curated", "kind", "text")
    readonly_fields = ("position", "speaker_curated")
    autocomplete_fields = ("speaker",)
    ordering = ("position",)
    extra = 0
    show_change_link = True
    formfield_overrides = {
        Turn._meta.get_field("text").__class__: {"widget": Textarea(attrs={"rows": 4, "cols": 80})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "kind", "source_name", "published", "turn_count")
    list_filter = ("published", "kind", "source_name", "date")
    search_fields = ("title", "outlet", "location", "source_key", "source_url")
    date_hierarchy = "date"
    actions = ("publish", "unpublish")
    inlines = (TurnInline,)
    readonly_fields = ("source_key", "content_hash", "curated_fields", "original_text")
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
        (
            "Provenance",
            {
                "classes": ("collapse",),
                "description": "How this transcript was ingested. Fields you edit above are "
                "listed as curated and a re-ingest (--update) leaves them alone.",
                "fields": ("source_key", "content_hash", "curated_fields", "original_text"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(turn_total=Count("turns"))

    @admin.display(description="turns", ordering="turn_total")
    def turn_count(self, obj):
        return obj.turn_total

    def save_model(self, request, obj, form, change):
        if change:
            edited = set(form.changed_data) & set(Transcript.CURATABLE_FIELDS)
            obj.curated_fields = sorted(set(obj.curated_fields) | edited)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Turn:
            return super().save_formset(request, form, formset, change)
        retag = []
        for turn_form in formset.forms:
            if turn_form.instance.pk and turn_form.has_changed():
                mark_speaker_curated(turn_form.instance, turn_form.changed_data)
                if "text" in turn_form.changed_data:
                    retag.append(turn_form.instance)
        super().save_formset(request, form, formset, change)
        if retag:
            tag_turns(turns=retag)

    @admin.action(description="Publish selected transcripts")
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected transcripts")
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool) -> None:
        # One save per transcript (not QuerySet.update) so that the search index hears of it.
        count = 0
        with transaction.atomic():
            for transcript in queryset.exclude(published=published):
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
        ]
        return own + super().get_urls()

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
                outcome = ingest_text(
                    form.cleaned_data["text"],
                    filename=form.cleaned_data.get("filename") or None,
                    metadata=form.metadata(),
                    hints=form.hint_dict(),
                    warnings=getattr(form, "read_warnings", []),
                    update=form.cleaned_data.get("update", False),
                    dry_run=not confirm,
                )
                if confirm and outcome.status not in (FAILED, SKIPPED):
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
                context.update(outcome=outcome, carried=form.carried())
        context["form"] = form
        return TemplateResponse(request, "admin/archive/transcript/add_from_text.html", context)

    def reassign_label_view(self, request, object_id):
        transcript = get_object_or_404(Transcript, pk=object_id)
        if not self.has_change_permission(request, transcript):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ReassignLabelForm(request.POST or None, transcript=transcript)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                speaker, count = reassign_label(
                    transcript,
                    form.cleaned_data["label"],
                    form.cleaned_data.get("speaker"),
                    new_name=form.cleaned_data.get("new_speaker_name", "").strip(),
                    new_kind=form.cleaned_data.get("new_speaker_kind"),
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
class TurnAdmin(admin.ModelAdmin):
    list_display = ("__str__", "speaker", "kind", "excerpt")
    list_filter = ("kind", "speaker_curated", "transcript__published")
    search_fields = ("text", "label", "key", "transcript__title")
    list_select_related = ("transcript", "speaker")
    autocomplete_fields = ("speaker",)
    raw_id_fields = ("transcript",)
    readonly_fields = ("key", "transcript", "position")
    fields = (
        "transcript",
        "position",
        "key",
        "label",
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
# Speakers


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    fields = ("label", "key")
    readonly_fields = ("key",)
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "organisation", "kind", "turn_count", "alias_list")
    list_filter = ("kind",)
    search_fields = ("name", "title", "organisation", "aliases__label")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (SpeakerAliasInline,)
    actions = ("merge_selected",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(turn_total=Count("turns", distinct=True))
            .prefetch_related("aliases")
        )

    @admin.display(description="turns", ordering="turn_total")
    def turn_count(self, obj):
        return obj.turn_total

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(alias.label for alias in obj.aliases.all())

    @admin.action(description="Merge selected speakers into one")
    def merge_selected(self, request, queryset):
        speakers = list(queryset.order_by("name"))
        if len(speakers) < 2:
            self.message_user(request, "Select at least two speakers to merge.", messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            keep = next((s for s in speakers if str(s.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, "Choose the speaker to keep.", messages.ERROR)
            else:
                with transaction.atomic():
                    moved = merge_speakers(keep, speakers)
                self.message_user(
                    request,
                    f"Merged {len(speakers) - 1} speaker(s) into {keep} ({moved} turns moved).",
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Merge speakers",
            "speakers": speakers,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/speaker/merge.html", context)


# --------------------------------------------------------------------------------------------
# Topics and tags


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
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
class TurnTopicAdmin(admin.ModelAdmin):
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
        count = reject_tags(queryset)
        self.message_user(request, f"{count} tag(s) removed.", messages.SUCCESS)

    @admin.action(description="Restore selected tags")
    def restore_selected(self, request, queryset):
        count = 0
        for tag in queryset.filter(rejected=True):
            tag.rejected = False
            tag.origin = TurnTopic.Origin.CURATOR
            tag.save()
            count += 1
        self.message_user(request, f"{count} tag(s) restored.", messages.SUCCESS)
