"""Quoted phrases answered by pairs of words: `TurnSearchDocument.pairs` holds every pair of
adjacent exact words of the turn ("the president", "美方 方表"), without positions, with a GIN
index of its own (PostgreSQL).

A phrase of common words ("of the people") used to find every turn holding all its words in the
GIN index of `exact` (hundreds of thousands at a million turns) and check each one's positions
for the order; it now first asks for the phrase's pairs, which only the turns holding the phrase
(or nearly: every pair somewhere) have, and checks the order on those alone.

Existing documents get their pairs from their `exact` vector's positions, in SQL; new ones are
written by the application with the other vectors
(archive.search.engines.postgres_documents.write_vectors).
"""

import django.contrib.postgres.search
from django.db import migrations

BACKFILL = """
UPDATE archive_turnsearchdocument AS document SET pairs = coalesce((
    SELECT array_to_tsvector(array_agg(DISTINCT first.lexeme || ' ' || second.lexeme))
    FROM (SELECT word.lexeme, position FROM unnest(document.exact) AS word,
          unnest(word.positions) AS position) AS first
    JOIN (SELECT word.lexeme, position FROM unnest(document.exact) AS word,
          unnest(word.positions) AS position) AS second
      ON second.position = first.position + 1
), ''::tsvector)
WHERE document.exact IS NOT NULL;
"""

INDEX = "CREATE INDEX archive_turnsearch_pairs_gin ON archive_turnsearchdocument USING gin (pairs);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)
        schema_editor.execute(INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS archive_turnsearch_pairs_gin;")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0010_participants_from_speakers"),
    ]

    operations = [
        migrations.AddField(
            model_name="turnsearchdocument",
            name="pairs",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
