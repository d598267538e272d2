"""manage.py load_people: add the people dataset's missing people, offices and memberships (it is
loaded after every migrate too), then link the archive's speakers to them."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.people.linking import link_archive
from archive.people.popolo import DATASET, dump_people, load_people, read_dataset


class Command(BaseCommand):
    help = (
        "Load the people dataset (Popolo JSON: fixtures/people.json by default), adding what the "
        "archive lacks and never overwriting curators' edits; then link existing speakers to "
        "people. --dump writes the archive's people and offices as Popolo JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DATASET), help="a Popolo JSON file")
        parser.add_argument("--dump", metavar="FILE", help="write the people as Popolo JSON")
        parser.add_argument("--no-link", action="store_true", help="do not link speakers")

    def handle(self, *args, path: str, dump: str | None, no_link: bool, **options):
        if dump:
            Path(dump).write_text(
                json.dumps(dump_people(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            self.stdout.write(f"Wrote {dump}.")
            return
        try:
            data = read_dataset(Path(path))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        self.stdout.write(f"People: {load_people(data)}.")
        if not no_link:
            self.stdout.write(f"Archive: {link_archive()}.")
