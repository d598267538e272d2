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
    with pytest.raises(CommandError, match="1 turns have no search vectors"):
        call_command("check_index")
    call_command("check_index", "--repair")
    assert TurnSearchDocument.objects.filter(turn=turn).exists()
    call_command("check_index")
