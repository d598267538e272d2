"""Load a file written by `export_archive` into an empty archive, then rebuild the search index."""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.models import Transcript
from archive.portability import PEOPLE_MODELS, drop_unsafe_source_urls, rebuild_search_index


class Command(BaseCommand):
    help = "Import an archive written by export_archive into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File written by export_archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Import even though the archive already holds transcripts (rows with the same "
            "ids are overwritten).",
        )

    def handle(self, *args, path: str, force: bool, **options):
        if Transcript.objects.exists() and not force:
            raise CommandError(
                "The archive already holds transcripts; import into an empty database "
                "(after `migrate`) or pass --force."
            )
        empty = not Transcript.objects.exists()
        try:
            with transaction.atomic():
                if empty:
                    # The people dataset loaded with the schema gives way to the archive's copy.
                    for label in PEOPLE_MODELS:
                        apps.get_model(label).objects.all().delete()
                call_command("loaddata", path, verbosity=0)
                dropped = drop_unsafe_source_urls()
        except Exception as error:  # loaddata raises many kinds; report one clear line
            raise CommandError(f"Could not import {path}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {path}"))
        if dropped:
            what = (
                "1 source URL that was not http(s) was"
                if dropped == 1
                else f"{dropped} source URLs that were not http(s) were"
            )
            self.stdout.write(self.style.WARNING(f"{what} dropped."))
        rebuild_search_index(self.stdout)
