"""Write the whole archive (speakers, aliases, transcripts, turns, topics, tags) to one JSON file.

The file round-trips through `import_archive`, on SQLite or PostgreSQL alike: it is how an archive
moves from the embedded default to a PostgreSQL deployment without losing curated edits.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.portability import ARCHIVE_MODELS


class Command(BaseCommand):
    help = "Export the whole archive to a JSON file (.json or .json.gz) that import_archive reads."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Output file, e.g. parley-archive.json.gz")

    def handle(self, *args, path: str, **options):
        call_command(
            "dumpdata",
            *ARCHIVE_MODELS,
            output=path,
            indent=None,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Archive written to {path}"))
