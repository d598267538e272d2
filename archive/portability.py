"""Moving an archive between databases: what an export holds, and the index rebuilt after import."""

from django.conf import settings
from django.core.management import call_command

# Everything a curator can have touched, in dependency order. The PostgreSQL search documents are
# left out: the database derives them from the turns again on import.
ARCHIVE_MODELS = (
    "archive.Speaker",
    "archive.SpeakerAlias",
    "archive.Topic",
    "archive.Transcript",
    "archive.Turn",
    "archive.TurnTopic",
)


def rebuild_search_index(stdout=None) -> None:
    """Rebuild the haystack index after a bulk load (PostgreSQL search needs nothing)."""
    if settings.PARLEY_SEARCH_ENGINE != "postgres":
        call_command("rebuild_index", interactive=False, verbosity=0)
        if stdout is not None:
            stdout.write("Search index rebuilt.")
