"""Haystack's declaration of the turn index (haystack finds it by this module's name).

The fields are those of archive.search.documents.turn_document(), the one definition of a
turn's search document. The text is indexed twice: `text` (stemmed words, stored for snippets)
and `exact` (unstemmed words, for quoted phrases and spelling). Everything a result shows is
stored, so a page of results needs no database query.
"""

from __future__ import annotations

from haystack import fields, indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID

from archive.models import Turn
from archive.search.documents import searchable, turn_document


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
    date = indexes.IntegerField()
    order = indexes.IntegerField()
    year = indexes.FacetCharField()
    kind = indexes.FacetCharField()
    language = indexes.FacetCharField()
    topics = fields.FacetMultiValueField()
    published = indexes.BooleanField()
    digest = indexes.CharField(indexed=False)

    def get_model(self):
        return Turn

    def index_queryset(self, using=None):
        return searchable()

    def should_update(self, instance, **kwargs):
        return False  # archive.search.indexing decides, after the transaction commits

    def prepare(self, obj: Turn) -> dict:
        """The whole document in one pass (haystack's per-field prepare is much slower)."""
        document = turn_document(obj)
        document["exact"] = document["text"]
        document.update(
            {ID: f"archive.turn.{obj.pk}", DJANGO_CT: "archive.turn", DJANGO_ID: str(obj.pk)}
        )
        return document

    def full_prepare(self, obj, with_string_facet=True):
        self.prepared_data = self.prepare(obj)
        return self.prepared_data
