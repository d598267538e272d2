"""On PostgreSQL every turn's search vectors are written by the database in the same transaction."""

import pytest
from django.db import connection

from archive.models import Speaker, Transcript, Turn, TurnSearchDocument

pytestmark = pytest.mark.django_db


def make_turn(text: str) -> Turn:
    transcript = Transcript.objects.create(
        title="Briefing", source_key="briefing.txt", original_text=text, content_hash="h" * 64
    )
    speaker = Speaker.objects.create(name="Ned Price")
    return Turn.objects.create(
        transcript=transcript, position=1, label="MR. PRICE", speaker=speaker, text=text
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search trigger exists on PostgreSQL only"
)
def test_turn_writes_its_search_document_in_the_same_transaction():
    turn = make_turn("We’ve said the Minsk agreements must be implemented.")
    document = TurnSearchDocument.objects.get(turn=turn)
    assert "minsk" in document.exact and "agreements" in document.exact
    assert "agreement" in document.stemmed
    assert "'ve'" in document.exact  # the curly apostrophe was folded before splitting

    turn.text = "Taiwan Strait"
    turn.save()
    document.refresh_from_db()
    assert "taiwan" in document.exact and "minsk" not in document.exact

    turn.delete()
    assert not TurnSearchDocument.objects.filter(pk=turn.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search triggers exist on PostgreSQL only"
)
def test_search_document_follows_its_turns_and_transcripts_facts():
    import datetime

    turn = make_turn("The Minsk agreements.")
    document = TurnSearchDocument.objects.get(turn=turn)
    assert (document.transcript_id, document.speaker_id, document.position, document.kind) == (
        turn.transcript_id,
        turn.speaker_id,
        1,
        "speech",
    )
    assert document.published is True and document.transcript_kind == "other"
    vectors = document.exact

    other = Speaker.objects.create(name="Jen Psaki")
    turn.speaker, turn.position, turn.kind = other, 2, Turn.Kind.NARRATIVE
    turn.save()
    transcript = turn.transcript
    transcript.published, transcript.date, transcript.kind = (
        False,
        datetime.date(2022, 3, 8),
        "call",
    )
    transcript.save()
    document.refresh_from_db()
    assert (document.speaker_id, document.position, document.kind) == (other.pk, 2, "narrative")
    assert (document.published, document.transcript_date, document.year) == (
        False,
        datetime.date(2022, 3, 8),
        2022,
    )
    assert document.transcript_kind == "call" and document.exact == vectors


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no search trigger")
def test_sqlite_keeps_no_search_documents():
    make_turn("The Minsk agreements.")
    assert TurnSearchDocument.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search trigger exists on PostgreSQL only"
)
def test_check_index_on_postgres_finds_and_repairs_turns_without_search_vectors(settings):
    from django.core.management import CommandError, call_command

    settings.PARLEY_SEARCH_ENGINE = "postgres"
    turn = make_turn("The Minsk agreements.")
    TurnSearchDocument.objects.filter(turn=turn).delete()
    with pytest.raises(CommandError, match="differs from the database in 1 turns"):
        call_command("check_index")
    call_command("check_index", "--repair")
    assert TurnSearchDocument.objects.filter(turn=turn).exists()
    call_command("check_index")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search trigger exists on PostgreSQL only"
)
def test_check_index_on_postgres_finds_and_repairs_documents_with_stale_facts(settings, capsys):
    from django.core.management import CommandError, call_command

    settings.PARLEY_SEARCH_ENGINE = "postgres"
    turn = make_turn("The Minsk agreements.")
    TurnSearchDocument.objects.filter(turn=turn).update(published=False, position=9)
    with pytest.raises(CommandError, match="differs from the database in 1 turns"):
        call_command("check_index")
    assert "1 stale" in capsys.readouterr().out
    call_command("check_index", "--repair")
    document = TurnSearchDocument.objects.get(turn=turn)
    assert (document.published, document.position) == (True, 1)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search vectors are written on PostgreSQL only"
)
def test_a_word_too_long_for_postgresql_is_left_out_and_the_rest_is_searchable():
    turn = make_turn("Sanctions " + "x" * 3000 + " on the Minsk agreements.")
    document = TurnSearchDocument.objects.get(turn=turn)
    assert "minsk" in document.exact and "x" * 3000 not in document.exact


def test_a_vector_keeps_under_postgresqls_limits():
    from archive.search.engines.postgres_documents import tsvector

    assert tsvector(["a" * 3000, "minsk"]) == "'minsk':2"
    huge = tsvector([f"word{n}" for n in range(300_000)] + ["minsk"] * 500)
    assert "'word0':1 " in huge and "'minsk'" not in huge  # the last words are left out
    if connection.vendor == "postgresql":  # and PostgreSQL takes what is left
        with connection.cursor() as cursor:
            cursor.execute("SELECT length(%s::tsvector)", [huge])
            assert cursor.fetchone()[0] > 50_000
