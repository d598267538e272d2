"""manage.py load_sample: load the sample archive in fixtures/ (idempotent)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.ingest.load import (
    FAILED,
    LOADED,
    UPDATED,
    bulk_indexing,
    collect_files,
    ingest_file,
)
from archive.ingest.speakers import load_known_speakers
from archive.models import Turn
from archive.topics import load_topics, tag_turns


class Command(BaseCommand):
    help = (
        "Load the sample archive from fixtures/: speakers, topics, then the transcripts, then "
        "the search index. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", default=str(settings.BASE_DIR / "fixtures"), help="fixtures folder"
        )
        parser.add_argument(
            "--extra",
            action="store_true",
            help="also load fixtures/extra/ (two more White House transcripts that also speak "
            "of the Minsk agreements)",
        )

    def handle(self, *args, **options):
        from pathlib import Path

        folder = Path(options["fixtures"])
        try:
            speakers = json.loads((folder / "speakers.json").read_text(encoding="utf-8"))
            topics = json.loads((folder / "topics.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the fixtures in {folder}: {error}") from None

        with transaction.atomic():
            new_speakers, new_aliases = load_known_speakers(speakers)
            new_topics = load_topics(topics)
        self.stdout.write(
            f"Speakers: {new_speakers} added, {new_aliases} aliases added; "
            f"topics: {new_topics} added."
        )

        outcomes = []
        with bulk_indexing():
            folders = [folder / "transcripts"] + ([folder / "extra"] if options["extra"] else [])
            for item in collect_files(folders):
                outcome = item if not isinstance(item, Path) else ingest_file(item)
                outcomes.append(outcome)
                if outcome.status == FAILED:
                    self.stderr.write(f"failed {outcome.file}: {outcome.describe_problem()}")
            changed = sum(1 for o in outcomes if o.status in (LOADED, UPDATED))
            self.stdout.write(
                f"Transcripts: {changed} loaded, {len(outcomes) - changed} already there."
            )
            if new_topics:
                # Ingest tags new transcripts; new topics need older transcripts tagged too.
                self.stdout.write(f"Topics: {tag_turns()}.")

        self.build_search_index()
        if any(o.status == FAILED for o in outcomes):
            raise CommandError("some sample transcripts failed to load; see above.")

    def build_search_index(self) -> None:
        """Build the haystack index when the search app registers one and it is still empty
        (a fresh index folder); after that, saves keep it current. Quietly nothing before the
        search app lands."""
        try:
            from haystack import connections
            from haystack.query import SearchQuerySet

            if not connections["default"].get_unified_index().get_indexed_models():
                return
            if SearchQuerySet().count() or not Turn.objects.published().speech().exists():
                return
        except Exception as error:  # an unconfigured or absent index must not stop the sample
            self.stderr.write(f"Search index not updated: {error}")
            return
        call_command("update_index", remove=True, verbosity=0)
        self.stdout.write("Search index built.")
