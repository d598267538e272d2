"""Copy each turn's facts into its search document, so that a search reads one table.

A search used to join every matching turn to archive_turn (speaker, position, kind) and
archive_transcript (published, date, kind) before it could filter, count and facet: about half
of its time for a common word on a million turns. The search document now carries copies:

* the turn's transcript, speaker, position and kind, written by the turn trigger (which now
  also fires when any of them changes, and then leaves the vectors alone);
* the transcript's published flag, date (and year) and kind, written by the turn trigger from
  the transcript row, and by a new trigger on archive_transcript when one of them changes.

Indexes (PostgreSQL only; not partial, so that the planner never reads one of them just for
its published-speech condition in place of the GIN index):

* archive_turnsearch_order (transcript_date NULLS FIRST, position, turn_id): newest/oldest
  pages walk it in order and stop after a page, instead of sorting every match;
* archive_turnsearch_speaker (speaker_id): a phrase + speaker: search combines it with the GIN
  index (BitmapAnd) instead of reading every turn with the phrase;
* archive_turnsearch_transcript (transcript_id, all rows): the transcript trigger's lookup.

The table is rebuilt rather than updated in place, as in 0003 (an UPDATE of every row would
leave the table and its GIN indexes at twice their size); the vectors are copied, not
recomputed. On SQLite the columns are added and stay empty, like the vectors.
"""

import django.db.models.deletion
from django.db import migrations, models

FACTS = (
    "transcript_id, speaker_id, position, kind, published, transcript_date, transcript_kind, year"
)

FORWARD = f"""
CREATE OR REPLACE FUNCTION parley_turn_search_document() RETURNS trigger AS $fn$
DECLARE
    body text;
    is_published boolean;
    on_date date;
    of_kind varchar;
BEGIN
    SELECT transcript.published, transcript.date, transcript.kind
    INTO is_published, on_date, of_kind
    FROM archive_transcript AS transcript WHERE transcript.id = NEW.transcript_id;
    IF TG_OP = 'UPDATE' AND NEW.text IS NOT DISTINCT FROM OLD.text THEN
        -- Only the facts changed (a curator chose the speaker...): the vectors stay.
        UPDATE archive_turnsearchdocument
        SET ({FACTS}) = (NEW.transcript_id, NEW.speaker_id, NEW.position, NEW.kind, is_published,
                         on_date, of_kind, extract(year FROM on_date))
        WHERE turn_id = NEW.id;
        IF FOUND THEN
            RETURN NULL;
        END IF;  -- no document yet (check_index --repair rewrites the text): write it whole
    END IF;
    body := parley_search_text(NEW.text);
    INSERT INTO archive_turnsearchdocument (turn_id, stemmed, exact, {FACTS})
    VALUES (NEW.id, to_tsvector('parley_words', body), to_tsvector('parley_exact', body),
            NEW.transcript_id, NEW.speaker_id, NEW.position, NEW.kind, is_published, on_date,
            of_kind, extract(year FROM on_date))
    ON CONFLICT (turn_id) DO UPDATE SET ({FACTS}, stemmed, exact) = (
        EXCLUDED.transcript_id, EXCLUDED.speaker_id, EXCLUDED.position, EXCLUDED.kind,
        EXCLUDED.published, EXCLUDED.transcript_date, EXCLUDED.transcript_kind, EXCLUDED.year,
        EXCLUDED.stemmed, EXCLUDED.exact);
    RETURN NULL;
END
$fn$ LANGUAGE plpgsql;

DROP TRIGGER archive_turn_search_document ON archive_turn;
CREATE TRIGGER archive_turn_search_document
    AFTER INSERT OR UPDATE OF text, transcript_id, speaker_id, position, kind ON archive_turn
    FOR EACH ROW EXECUTE FUNCTION parley_turn_search_document();

CREATE OR REPLACE FUNCTION parley_transcript_search_facts() RETURNS trigger AS $fn$
BEGIN
    UPDATE archive_turnsearchdocument
    SET (published, transcript_date, transcript_kind, year)
        = (NEW.published, NEW.date, NEW.kind, extract(year FROM NEW.date))
    WHERE transcript_id = NEW.id;
    RETURN NULL;
END
$fn$ LANGUAGE plpgsql;

CREATE TRIGGER archive_transcript_search_facts
    AFTER UPDATE OF published, date, kind ON archive_transcript
    FOR EACH ROW
    WHEN (OLD.published IS DISTINCT FROM NEW.published OR OLD.date IS DISTINCT FROM NEW.date
          OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION parley_transcript_search_facts();

SET LOCAL maintenance_work_mem = '256MB';
CREATE TEMPORARY TABLE parley_search_vectors ON COMMIT DROP AS
    SELECT turn_id, stemmed, exact FROM archive_turnsearchdocument;
DROP INDEX IF EXISTS archive_turnsearch_stemmed_gin;
DROP INDEX IF EXISTS archive_turnsearch_exact_gin;
TRUNCATE archive_turnsearchdocument;
INSERT INTO archive_turnsearchdocument (turn_id, stemmed, exact, {FACTS})
SELECT turn.id, vectors.stemmed, vectors.exact, turn.transcript_id, turn.speaker_id,
       turn.position, turn.kind, transcript.published, transcript.date, transcript.kind,
       extract(year FROM transcript.date)
FROM parley_search_vectors AS vectors
JOIN archive_turn AS turn ON turn.id = vectors.turn_id
JOIN archive_transcript AS transcript ON transcript.id = turn.transcript_id;
DROP TABLE parley_search_vectors;
SET CONSTRAINTS ALL IMMEDIATE; -- the deferred foreign-key checks, before CREATE INDEX
SET CONSTRAINTS ALL DEFERRED;
CREATE INDEX archive_turnsearch_stemmed_gin ON archive_turnsearchdocument USING gin (stemmed);
CREATE INDEX archive_turnsearch_exact_gin ON archive_turnsearchdocument USING gin (exact);
CREATE INDEX archive_turnsearch_order
    ON archive_turnsearchdocument (transcript_date NULLS FIRST, position, turn_id);
CREATE INDEX archive_turnsearch_speaker ON archive_turnsearchdocument (speaker_id);
CREATE INDEX archive_turnsearch_transcript ON archive_turnsearchdocument (transcript_id);
ANALYZE archive_turnsearchdocument;
"""

# Back to 0003's trigger, which writes the vectors only; the columns are then removed.
BACKWARD = """
DROP TRIGGER IF EXISTS archive_transcript_search_facts ON archive_transcript;
DROP FUNCTION IF EXISTS parley_transcript_search_facts();
DROP INDEX IF EXISTS archive_turnsearch_order;
DROP INDEX IF EXISTS archive_turnsearch_speaker;
DROP INDEX IF EXISTS archive_turnsearch_transcript;
CREATE OR REPLACE FUNCTION parley_turn_search_document() RETURNS trigger AS $fn$
DECLARE
    body text := parley_search_text(NEW.text);
BEGIN
    INSERT INTO archive_turnsearchdocument (turn_id, stemmed, exact)
    VALUES (NEW.id, to_tsvector('parley_words', body), to_tsvector('parley_exact', body))
    ON CONFLICT (turn_id) DO UPDATE SET stemmed = EXCLUDED.stemmed, exact = EXCLUDED.exact;
    RETURN NULL;
END
$fn$ LANGUAGE plpgsql;
DROP TRIGGER archive_turn_search_document ON archive_turn;
CREATE TRIGGER archive_turn_search_document
    AFTER INSERT OR UPDATE OF text ON archive_turn
    FOR EACH ROW EXECUTE FUNCTION parley_turn_search_document();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_search_analysis_like_whoosh"),
    ]

    operations = [
        migrations.AddField(
            model_name="turnsearchdocument",
            name="transcript",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="archive.transcript",
            ),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="speaker",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="archive.speaker",
            ),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="position",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="kind",
            field=models.CharField(max_length=12, null=True),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="published",
            field=models.BooleanField(null=True),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="transcript_date",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="transcript_kind",
            field=models.CharField(max_length=20, null=True),
        ),
        migrations.AddField(
            model_name="turnsearchdocument",
            name="year",
            field=models.SmallIntegerField(null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
