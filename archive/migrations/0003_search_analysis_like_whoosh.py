"""PostgreSQL only: analyse turns for search the way the Whoosh engine does, so that both engines
find the same turns (archive/search_postgres.py, tests/test_search_engines.py).

What changes from 0002 (whose 'english' and 'simple' configurations disagreed with Whoosh):

* `parley_words` (the `stemmed` vector): Snowball's English stemmer (Porter2, as 'english')
  but no stop-word list: the engine leaves out the same stop words as Whoosh
  (archive.search.WORD_ANALYZER) before it asks the database, and PostgreSQL's list is longer,
  so a word Whoosh finds is never missing from the vector. Porter2 is `whoosh.lang.porter2`'s
  stemmer exactly (every word of the sample archive stems the same); Whoosh's default StemFilter
  is its own Porter port, which groups about 5% of the words differently (README, "Search on
  PostgreSQL").
* `parley_exact` (the `exact` vector): lower case, nothing left out, as 0002's 'simple'.
* Both fold accents (the `unaccent` extension, when the server has it), as Whoosh's accent_map.
* The trigger folds every quote style that archive.query.normalise_text folds, and reads the
  characters that split words for Whoosh but not for PostgreSQL's parser (hyphens and dashes,
  "/", "@", "&", "<", ">") as spaces: "so-called" is two words for both engines, "covid-19" is
  "covid" and "19", a URL is its host and path words.
* A word list for spelling suggestions: the materialised view `archive_search_word` (every word of
  the `exact` vectors of published speech turns, with how many turns use it and how often), filled
  by `archive.search_postgres.refresh_spelling_words()`, with a trigram index (`pg_trgm`).

* Two covering indexes, so that a search reads each matching turn's speaker, transcript,
  position and kind, and its topic tags, from an index alone (FACT_INDEXES below).

Every existing turn's vectors are recomputed (a few minutes for a million turns).
"""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

# Quote styles folded as archive.query._QUOTES folds them (“ ” „ ‟ « » ″ ＂ to ", ‘ ’ ‚ ‛ ʼ ′ ＇ ` ´
# to '), then word separators Whoosh's tokenizer splits on but PostgreSQL's parser keeps inside
# a token (hyphenated words, numbers, URLs, e-mail addresses), read as spaces.
DOUBLE_QUOTES = "“”„‟«»″＂"
SINGLE_QUOTES = "‘’‚‛ʼ′＇`´"
SEPARATORS = "-‐‑‒–—−/@&<>"
FOLD_FROM = DOUBLE_QUOTES + SINGLE_QUOTES + SEPARATORS
FOLD_TO = '"' * len(DOUBLE_QUOTES) + "'" * len(SINGLE_QUOTES) + " " * len(SEPARATORS)

WORD_TOKENS = "asciiword, asciihword, hword_asciipart"
ACCENTED_WORD_TOKENS = "word, numword, hword, numhword, hword_part, hword_numpart"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION parley_search_text(body text) RETURNS text AS $fn$
    SELECT translate(coalesce(body, ''), $q${FOLD_FROM}$q$, $q${FOLD_TO}$q$)
$fn$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

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
"""

# Every turn's vectors again. Into an emptied table with the indexes built afterwards: an UPDATE
# of every row would leave the table and its GIN indexes at twice their size until a VACUUM FULL,
# and building a GIN index at once is much faster than growing it row by row.
REBUILD = """
SET LOCAL maintenance_work_mem = '256MB';
DROP INDEX IF EXISTS archive_turnsearch_stemmed_gin;
DROP INDEX IF EXISTS archive_turnsearch_exact_gin;
TRUNCATE archive_turnsearchdocument;
INSERT INTO archive_turnsearchdocument (turn_id, stemmed, exact)
SELECT id, to_tsvector('{words}', {body}), to_tsvector('{exact}', {body}) FROM archive_turn;
SET CONSTRAINTS ALL IMMEDIATE; -- the deferred foreign-key checks, before CREATE INDEX
SET CONSTRAINTS ALL DEFERRED;
CREATE INDEX archive_turnsearch_stemmed_gin ON archive_turnsearchdocument USING gin (stemmed);
CREATE INDEX archive_turnsearch_exact_gin ON archive_turnsearchdocument USING gin (exact);
"""
REBUILD_FORWARD = REBUILD.format(
    words="parley_words", exact="parley_exact", body="parley_search_text(text)"
)
REBUILD_BACKWARD = REBUILD.format(
    words="english", exact="simple", body="translate(text, $q$’‘“”$q$, $q$''\"\"$q$)"
)

WORD_LIST = """
CREATE MATERIALIZED VIEW archive_search_word AS
SELECT word, ndoc AS turns, nentry AS occurrences
FROM ts_stat($sql$
    SELECT document.exact
    FROM archive_turnsearchdocument AS document
    JOIN archive_turn AS turn ON turn.id = document.turn_id
    JOIN archive_transcript AS transcript ON transcript.id = turn.transcript_id
    WHERE transcript.published AND turn.kind = 'speech'
$sql$)
WHERE word ~ '^[[:alpha:]][[:alpha:]'']+$'
WITH NO DATA;
CREATE UNIQUE INDEX archive_search_word_word ON archive_search_word (word);
"""

# Each matching turn's speaker, transcript, position and kind, and each match's topic tags, are
# then read from an index alone (an index-only scan), not from the wide rows of the tables.
FACT_INDEXES = """
CREATE INDEX archive_turn_search_facts ON archive_turn (id)
    INCLUDE (transcript_id, speaker_id, position, kind);
CREATE INDEX archive_turntopic_search_facts ON archive_turntopic (turn_id)
    INCLUDE (topic_id, rejected);
"""

TRIGRAM_INDEX = """
CREATE INDEX archive_search_word_trigram ON archive_search_word USING gist (word gist_trgm_ops);
"""

BACKWARD = r"""
DROP MATERIALIZED VIEW IF EXISTS archive_search_word;
DROP INDEX IF EXISTS archive_turn_search_facts;
DROP INDEX IF EXISTS archive_turntopic_search_facts;
CREATE OR REPLACE FUNCTION parley_turn_search_document() RETURNS trigger AS $fn$
DECLARE
    body text := translate(coalesce(NEW.text, ''), $q$’‘“”$q$, $q$''""$q$);
BEGIN
    INSERT INTO archive_turnsearchdocument (turn_id, stemmed, exact)
    VALUES (NEW.id, to_tsvector('english', body), to_tsvector('simple', body))
    ON CONFLICT (turn_id) DO UPDATE SET stemmed = EXCLUDED.stemmed, exact = EXCLUDED.exact;
    RETURN NULL;
END
$fn$ LANGUAGE plpgsql;
"""

DROP_ANALYSIS = """
DROP FUNCTION IF EXISTS parley_search_text(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS parley_words;
DROP TEXT SEARCH CONFIGURATION IF EXISTS parley_exact;
DROP TEXT SEARCH DICTIONARY IF EXISTS parley_english;
"""


def try_extension(schema_editor, name: str) -> bool:
    """CREATE EXTENSION, in a savepoint: both extensions are "trusted" (PostgreSQL 13+), so the
    database owner may create them; without them search still works, less well."""
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
        return True
    except DatabaseError as error:
        log.warning("PostgreSQL extension %s is not available (%s)", name, error)
        return False


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    unaccent = "unaccent, " if try_extension(schema_editor, "unaccent") else ""
    trigram = try_extension(schema_editor, "pg_trgm")
    schema_editor.execute(
        f"""
        CREATE TEXT SEARCH DICTIONARY parley_english (TEMPLATE = snowball, Language = english);
        CREATE TEXT SEARCH CONFIGURATION parley_words (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION parley_words
            ALTER MAPPING FOR {WORD_TOKENS} WITH parley_english;
        ALTER TEXT SEARCH CONFIGURATION parley_words
            ALTER MAPPING FOR {ACCENTED_WORD_TOKENS} WITH {unaccent}parley_english;
        CREATE TEXT SEARCH CONFIGURATION parley_exact (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION parley_exact
            ALTER MAPPING FOR {ACCENTED_WORD_TOKENS} WITH {unaccent}simple;
        """
    )
    schema_editor.execute(FUNCTION)
    schema_editor.execute(REBUILD_FORWARD)
    schema_editor.execute(FACT_INDEXES)
    schema_editor.execute(WORD_LIST)
    if trigram:
        schema_editor.execute(TRIGRAM_INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)
        schema_editor.execute(REBUILD_BACKWARD)
        schema_editor.execute(DROP_ANALYSIS)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_turn_search_document"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
