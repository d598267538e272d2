"""Curation of people in the admin: people with their other names and offices, merging (and
undoing a merge), organisations and offices, label rules, participants, and "Curator changes":
every revision django-reversion recorded, with who and when."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from archive.history import curator_revision
from archive.models import (
    CuratorChange,
    LabelRule,
    Membership,
    Organization,
    Participant,
    Post,
    Speaker,
    SpeakerAlias,
    Transcript,
)
from archive.people.curation import (
    MERGE_COMMENT,
    add_rule,
    merge_revision_of,
    merge_speakers,
    merges_standing,
    new_person,
    set_participant_person,
    undo_merge,
)
from archive.search.indexing import reindex_turns


def apply_who_choices(
    transcript: Transcript,
    participants: dict[str, Participant] | None,
    choices: dict[str, dict],
    *,
    rules_only: bool = False,
) -> int:
    """Apply a curator's choices (archive.forms.WhoForm) to a transcript's participants (keyed as
    the form was), and make each choice with "rule" the rule for the transcript's source. With
    `rules_only` the choices were already applied by the ingest (keyed by label)."""
    applied = 0
    for key, choice in choices.items():
        if rules_only:
            participant = transcript.participations.filter(labels__icontains=key).first()
            labels = [key]
            speaker = participant.speaker if participant else None
        else:
            participant = participants[key]
            labels = participant.labels or [participant.name]
            speaker = {
                "person": choice["person"],
                "new": new_person(choice["name"]) if choice["who"] == "new" else None,
            }.get(choice["who"])
            participant = set_participant_person(participant, speaker, role=choice["role"])
            applied += 1
        if choice.get("rule"):
            for label in labels:
                add_rule(
                    label,
                    transcript.source_name,
                    speaker,
                    role=choice["role"],
                    start=choice.get("start"),
                    end=choice.get("end"),
                )
    return applied


# --- People ---------------------------------------------------------------------------------------


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    fields = ("label", "key")
    readonly_fields = ("key",)
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("post", "start_date", "end_date")
    autocomplete_fields = ("post",)
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(VersionAdmin):
    list_display = ("name", "title", "organisation", "kind", "turn_count", "needs_review", "merged")
    list_filter = ("kind", "needs_review", ("merged_into", admin.EmptyFieldListFilter))
    search_fields = ("name", "sort_name", "title", "organisation", "aliases__label", "identifier")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("identifier", "merged_into", "merge_undo")
    inlines = (SpeakerAliasInline, MembershipInline)
    actions = ("merge_selected", "mark_reviewed")

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

    @admin.display(description="merged into")
    def merged(self, obj):
        return obj.merged_into or ""

    @admin.display(description="undo")
    def merge_undo(self, obj):
        if not obj.pk or merge_revision_of(obj) is None:
            return ""
        url = reverse("admin:archive_speaker_undo_merge", args=[obj.pk])
        return format_html('<a class="button" href="{}">Undo this merge</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:person_id>/undo-merge/",
                self.admin_site.admin_view(self.undo_merge_view),
                name="archive_speaker_undo_merge",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Mark selected people as reviewed")
    def mark_reviewed(self, request, queryset):
        with curator_revision(request, "Reviewed"):
            for speaker in queryset.filter(needs_review=True):
                speaker.needs_review = False
                speaker.save(update_fields=["needs_review", "updated_at"])

    @admin.action(description="Merge selected people into one")
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
                with curator_revision(request, ""):
                    moved = merge_speakers(keep, speakers)
                # The revision is saved when the admin's request ends: the link names a merged
                # person, whose merge the undo page finds.
                merged = next(s for s in speakers if s.pk != keep.pk)
                undo = reverse("admin:archive_speaker_undo_merge", args=[merged.pk])
                self.message_user(
                    request,
                    format_html(
                        'Merged {} speaker(s) into {} ({} turns moved). <a href="{}">Undo</a>',
                        len(speakers) - 1,
                        keep,
                        moved,
                        undo,
                    ),
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

    def undo_merge_view(self, request, person_id):
        person = get_object_or_404(Speaker, pk=person_id)
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        revision = merge_revision_of(person)
        standing = merges_standing(revision) if revision else []
        if request.method == "POST" and standing:
            with curator_revision(request, f"Undid: {revision.comment}"):
                moved = undo_merge(revision)
            self.message_user(
                request, f"Merge undone ({moved} turns moved back).", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:archive_speaker_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Undo a merge",
            "revision": revision,
            "standing": standing,
        }
        return TemplateResponse(request, "admin/archive/speaker/undo_merge.html", context)


# --- Organisations, offices, rules, participants ------------------------------------------------


class PostInline(admin.TabularInline):
    model = Post
    fields = ("identifier", "label", "role")
    extra = 0
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(VersionAdmin):
    list_display = ("name", "classification", "parent")
    search_fields = ("name", "identifier")
    inlines = (PostInline,)


@admin.register(Post)
class PostAdmin(VersionAdmin):
    list_display = ("label", "role", "organization")
    list_filter = ("organization",)
    search_fields = ("label", "role", "identifier", "organization__name")


@admin.register(Membership)
class MembershipAdmin(VersionAdmin):
    list_display = ("person", "post", "start_date", "end_date")
    list_filter = ("post__organization", "post")
    search_fields = ("person__name", "post__label")
    autocomplete_fields = ("person", "post")


@admin.register(LabelRule)
class LabelRuleAdmin(VersionAdmin):
    list_display = ("label", "source", "start_date", "end_date", "speaker", "role")
    search_fields = ("label", "source", "speaker__name", "role")
    autocomplete_fields = ("speaker",)
    fields = ("label", "source", ("start_date", "end_date"), "speaker", "role")


@admin.register(Participant)
class ParticipantAdmin(VersionAdmin):
    list_display = ("name", "role", "transcript", "speaker", "resolved_by", "curated")
    list_filter = ("resolved_by", "curated", "kind")
    search_fields = ("name", "role", "transcript__title", "speaker__name")
    list_select_related = ("transcript", "speaker")
    autocomplete_fields = ("speaker",)
    raw_id_fields = ("transcript",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("transcript__original_text")

    def get_readonly_fields(self, request, obj=None):
        # A person is chosen in the transcript's "Who speaks", where the turns follow the choice
        # and a person already taking part keeps one participant (linked from the field's help).
        return ("speaker", "who_speaks") if obj else ()

    @admin.display(description="choose the person")
    def who_speaks(self, obj):
        url = reverse("admin:archive_transcript_who", args=[obj.transcript_id])
        return format_html('<a href="{}">Who speaks in this transcript</a>', url)

    def save_model(self, request, obj, form, change):
        """Its name and role are shown with its statements, in searches too: they are indexed
        again (and cached searches left behind: a new data version)."""
        super().save_model(request, obj, form, change)
        if change:
            reindex_turns(obj.turns.values_list("pk", flat=True))


# --- Every curator change -------------------------------------------------------------------------


@admin.register(CuratorChange)
class CuratorChangeAdmin(admin.ModelAdmin):
    """Every revision: who changed what, when, and why; a merge can be undone from here."""

    list_display = ("date_created", "user", "comment", "objects", "undo")
    list_filter = ("user",)
    search_fields = ("comment",)
    date_hierarchy = "date_created"
    list_select_related = ("user",)

    @admin.display(description="changed")
    def objects(self, obj):
        return ", ".join(v.object_repr for v in obj.version_set.all()[:5])

    @admin.display(description="")
    def undo(self, obj):
        standing = merges_standing(obj) if obj.comment.startswith(MERGE_COMMENT) else []
        if not standing:
            return ""
        url = reverse("admin:archive_speaker_undo_merge", args=[standing[0].pk])
        return format_html('<a href="{}">Undo this merge</a>', url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
