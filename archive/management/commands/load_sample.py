"""manage.py load_sample: load the sample archive in fixtures/ (idempotent)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.ingest.load import (
    FAILED,
    LOADED,
    UPDATED,
    collect_files,
    ingest_file,
)
from archive.ingest.speakers import load_known_speakers
from archive.search.engine import get_engine
from archive.search.indexing import bulk_indexing
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
        """Bring the engine's index up to date with the archive, when the engine keeps one of
        its own (a fresh index folder is built; after that, saves keep it current)."""
        engine = get_engine()
        if engine.keeps_own_index:
            return
        report = engine.check()
        if not report.ok:
            engine.repair(report)
            self.stdout.write("Search index built.")
