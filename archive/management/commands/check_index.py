"""manage.py check_index: compare the search index with the database; --repair fixes it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from archive.models import Turn
from archive.search_signals import compare_index, sync_index


class Command(BaseCommand):
    help = (
        "Report every turn whose search index entry differs from the database (missing, stale "
        "or not public any more); with --repair, re-index exactly those turns."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix what differs")
        parser.add_argument(
            "--show", type=int, default=20, help="list at most this many turn ids of each kind"
        )

    def handle(self, *args, repair=False, show=20, **options):
        if settings.PARLEY_SEARCH_ENGINE == "postgres":
            self.check_database_vectors(repair)
            return
        try:
            report = compare_index()
        except NotImplementedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Database: {report.expected} published speech turns; index: {report.indexed} entries."
        )
        for name, ids, meaning in (
            ("missing", report.missing, "in the database, not in the index"),
            ("stale", report.stale, "in the index with out-of-date content"),
            ("extra", report.extra, "in the index but deleted, unpublished or not speech"),
        ):
            if ids:
                listed = ", ".join(str(pk) for pk in sorted(ids)[:show])
                more = f" (and {len(ids) - show} more)" if len(ids) > show else ""
                self.stdout.write(f"{len(ids)} {name} ({meaning}): turn {listed}{more}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
            return
        if not repair:
            raise CommandError(
                f"The index differs from the database in {len(report.differing)} turns; "
                "run check_index --repair."
            )
        sync_index(report.differing, wait=120.0)
        after = compare_index()
        if not after.ok:
            raise CommandError(f"{len(after.differing)} turns still differ after the repair.")
        self.stdout.write(self.style.SUCCESS(f"Repaired {len(report.differing)} turns."))

    def check_database_vectors(self, repair: bool) -> None:
        """PostgreSQL: a trigger writes each turn's search vectors in the turn's own transaction,
        so they can only be missing if the trigger was dropped or rows were loaded around it."""
        missing = Turn.objects.filter(search_document__isnull=True)
        count = missing.count()
        self.stdout.write(
            f"Database search (PostgreSQL): {Turn.objects.count()} turns, {count} without "
            "search vectors."
        )
        if not count:
            self.stdout.write(self.style.SUCCESS("The search vectors match the turns."))
            return
        if not repair:
            raise CommandError(f"{count} turns have no search vectors; run check_index --repair.")
        missing.update(text=F("text"))  # rewriting the text fires the trigger again
        self.stdout.write(self.style.SUCCESS(f"Repaired {count} turns."))
