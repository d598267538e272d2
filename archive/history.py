"""Curators' change history, on django-reversion: which models are versioned, and helpers for the
revisions the admin records (who, when, what).

Every change a curator makes in the admin is saved inside a revision (the admin's VersionAdmin
pages, and ``curator_revision()`` around the custom views and actions): turn edits, speaker
reassignments, merges, publish / unpublish, topic tags, people and offices. The admin shows an
object's history on its History page and every revision under "Curator changes"; a merge's
revision holds the state from before the merge, which "Undo" restores. Ingest records nothing: it
is not a curator's change.
"""

from __future__ import annotations

from contextlib import contextmanager

import reversion
from django.db.models.signals import pre_save
from django.dispatch import receiver

from archive.models import (
    LabelRule,
    Membership,
    Organization,
    Participant,
    Post,
    Speaker,
    SpeakerAlias,
    Topic,
    Transcript,
    Turn,
    TurnTopic,
)

reversion.register(Speaker, follow=("aliases", "memberships"))
reversion.register(SpeakerAlias)
reversion.register(Membership)
reversion.register(Post)
reversion.register(Organization)
reversion.register(Participant)
reversion.register(LabelRule)
# The original text (up to 20 MB) is never edited; versions leave it out.
reversion.register(Transcript, exclude=("original_text",))
reversion.register(Turn, follow=("topic_tags",))
reversion.register(TurnTopic)
reversion.register(Topic)


@receiver(pre_save, sender=Transcript)
def keep_the_original_text_on_revert(sender, instance, raw=False, **kwargs):
    """A version has no original text (see above): reverting to it keeps the stored one."""
    if raw and not instance.original_text and instance.pk:
        stored = Transcript.objects.filter(pk=instance.pk).values_list("original_text", flat=True)
        instance.original_text = stored.first() or ""


@contextmanager
def curator_revision(request, comment: str):
    """A revision for one curator action, recorded under the request's user."""
    with reversion.create_revision():
        user = getattr(request, "user", None)
        reversion.set_user(user if user is not None and user.is_authenticated else None)
        reversion.set_comment(comment)
        yield
