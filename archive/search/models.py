"""The search engines' own tables, part of the archive app (archive/models.py imports them):
the PostgreSQL engine's search documents, and the index tasks of the engines that keep an index
of their own (archive.search.indexing)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class TurnSearchDocument(models.Model):
    """The full-text search vectors of one turn, for the PostgreSQL search engine.

    On PostgreSQL a trigger on the turn table (migrations 0002-0004) fills this row in the same
    statement that writes the turn, so the database index is always in the same transaction as
    the data. `stemmed` (English configuration) answers words, `exact` ("simple" configuration,
    no stemming) answers quoted phrases. On SQLite the table exists but stays empty.
    """

    turn = models.OneToOneField(
        "archive.Turn", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    stemmed = SearchVectorField(null=True)
    exact = SearchVectorField(null=True)
    # Every pair of adjacent exact words ("the president"), without positions (migration 0011):
    # a quoted phrase first asks for its pairs, one GIN lookup that leaves (nearly) only the
    # turns that hold the phrase, and only those are checked for the words' order in `exact`.
    pairs = SearchVectorField(null=True)
    # Copies of the turn's and its transcript's facts, kept by the triggers of migration 0004, so
    # that matching, filtering, ordering and facet counts read this table alone (no join per
    # matching turn). Empty on SQLite, like the vectors.
    transcript = models.ForeignKey(
        "archive.Transcript",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    speaker = models.ForeignKey(
        "archive.Speaker",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    position = models.IntegerField(null=True)
    kind = models.CharField(max_length=12, null=True)  # noqa: DJ001 (the turn's; as all: NULL = not written)
    published = models.BooleanField(null=True)  # the transcript's, as the four below
    transcript_date = models.DateField(null=True)
    transcript_kind = models.CharField(max_length=20, null=True)  # noqa: DJ001
    year = models.SmallIntegerField(null=True)
    # The turn's language and what its vectors were made from (text, language and analysis
    # version, archive.search.engines.postgres_documents), written with the vectors; the trigger
    # clears the digest when the text or language changes without them (migration 0006).
    language = models.CharField(max_length=12, null=True)  # noqa: DJ001
    digest = models.CharField(max_length=16, null=True)  # noqa: DJ001

    def __str__(self) -> str:
        return f"search document of {self.turn_id}"


class IndexTask(models.Model):
    """Index work not yet applied: which turns an engine that keeps its own index (Whoosh, or
    another haystack backend) must bring up to date. Written in the same transaction as the
    change it describes, so a committed change always leaves its task behind, and deleted only
    once the index holds the change (archive.search.indexing): a crash between the commit and
    the index write loses nothing; the next writer applies what is left."""

    class Scope(models.TextChoices):
        TURN = "turn", "Turn"
        TRANSCRIPT = "transcript", "Every turn of a transcript"
        SPEAKER = "speaker", "Every turn of a speaker"

    scope = models.CharField(max_length=12, choices=Scope.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"index {self.scope} {self.object_id}"
