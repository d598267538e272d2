"""Haystack index declarations: one search document per speech turn of a published transcript.

The text is indexed twice: `text` (stemmed words, stored for snippets) and `exact` (unstemmed
words and every run of two and three adjacent words, for quoted phrases and spelling). Everything a result shows is stored, so a page of results needs no
database query. `digest` fingerprints the document so that check_index can spot stale entries.
"""

from __future__ import annotations

import hashlib

from haystack import fields, indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID

from archive.models import Turn
from archive.query import normalise_text
from archive.search import order_key


class TurnIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    exact = indexes.CharField(stored=False)
    speaker_name = indexes.CharField(indexed=False)
    speaker_slug = indexes.FacetCharField()
    role = indexes.CharField(indexed=False)
    label = indexes.CharField(indexed=False)
    key = indexes.CharField(indexed=False)
    position = indexes.IntegerField(indexed=False)
    transcript_title = indexes.CharField(indexed=False)
    transcript_slug = indexes.CharField(indexed=False)
    transcript_date = indexes.CharField(indexed=False)
    date = indexes.IntegerField()  # YYYYMMDD, 0 when undated: for after:/before:
    order = indexes.IntegerField()  # date and position, for newest/oldest (32 bits)
    year = indexes.FacetCharField()
    kind = indexes.FacetCharField()
    topics = fields.FacetMultiValueField()
    published = indexes.BooleanField()
    digest = indexes.CharField(indexed=False)

    def get_model(self):
        return Turn

    def index_queryset(self, using=None):
        return (
            Turn.objects.published()
            .speech()
            .select_related("speaker", "transcript")
            .with_visible_tags()
        )

    def should_update(self, instance, **kwargs):
        return False  # archive.search_signals decides, after the transaction commits

    def prepare(self, obj: Turn) -> dict:
        """The whole document in one pass (haystack's per-field prepare is much slower)."""
        transcript = obj.transcript
        speaker = obj.speaker
        day = transcript.date
        date_number = int(day.strftime("%Y%m%d")) if day else 0
        text = normalise_text(obj.text)
        topics = sorted(tag.topic.slug for tag in obj.visible_tags)
        document = {
            "text": text,
            "exact": text,
            "speaker_name": obj.speaker_name,
            "speaker_slug": speaker.slug if speaker else "",
            "role": obj.role,
            "label": obj.label or "",
            "key": obj.key,
            "position": obj.position,
            "transcript_title": transcript.title,
            "transcript_slug": transcript.slug,
            "transcript_date": day.isoformat() if day else "",
            "date": date_number,
            "order": order_key(day, obj.position),
            "year": str(day.year) if day else "",
            "kind": transcript.kind,
            "topics": topics,
            "published": bool(transcript.published),
        }
        document["digest"] = document_digest(document)
        document.update(
            {ID: f"archive.turn.{obj.pk}", DJANGO_CT: "archive.turn", DJANGO_ID: str(obj.pk)}
        )
        return document

    def full_prepare(self, obj, with_string_facet=True):
        self.prepared_data = self.prepare(obj)
        return self.prepared_data


def document_digest(document: dict) -> str:
    """A fingerprint of what the index holds for a turn (sorted fields, digest itself left out)."""
    parts = [
        f"{name}={document[name]!r}"
        for name in sorted(document)
        if name not in ("digest", "exact", "shingles", ID, DJANGO_CT, DJANGO_ID)
    ]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]
