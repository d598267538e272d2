"""Moving an archive between databases: what an export holds, and the index rebuilt after import."""

from archive.ingest.metadata import is_web_url
from archive.models import Transcript
from archive.search.engine import get_engine

# Everything a curator can have touched, in dependency order. The PostgreSQL search documents are
# left out: the database derives them from the turns again on import.
ARCHIVE_MODELS = (
    "archive.Organization",
    "archive.Post",
    "archive.Speaker",
    "archive.SpeakerAlias",
    "archive.Membership",
    "archive.LabelRule",
    "archive.Topic",
    "archive.Transcript",
    "archive.Participant",
    "archive.Turn",
    "archive.TurnTopic",
)
# What an empty archive already holds (the people dataset, loaded with the schema), which an
# import replaces with the exported archive's own copy (curators' edits included), children first.
PEOPLE_MODELS = (
    "archive.Membership",
    "archive.LabelRule",
    "archive.SpeakerAlias",
    "archive.Speaker",
    "archive.Post",
    "archive.Organization",
)


def drop_unsafe_source_urls() -> int:
    """Empty the source URLs that are not http(s) (an archive written before they were checked
    may hold a `javascript:` one); how many were dropped."""
    unsafe = [
        transcript.pk
        for transcript in Transcript.objects.exclude(source_url="").only("pk", "source_url")
        if not is_web_url(transcript.source_url)
    ]
    # No search document holds the source URL: nothing to reindex.
    return Transcript.objects.filter(pk__in=unsafe).update(source_url="")


def rebuild_search_index(stdout=None) -> None:
    """Rebuild the engine's index after a bulk load (an engine that keeps its index in the
    database needs nothing)."""
    engine = get_engine()
    if not engine.keeps_own_index:
        engine.rebuild()
        if stdout is not None:
            stdout.write("Search index rebuilt.")
