"""manage.py check_index: compare the search engine's index with the database; --repair fixes it."""

from django.core.management.base import BaseCommand, CommandError

from archive.caching import bump_data_version
from archive.search.engine import SearchUnavailable, get_engine
from archive.search.indexing import pending_tasks


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
        engine = get_engine()
        report = engine.check()
        self.stdout.write(
            f"Database: {report.expected} searchable turns; {engine.name} index: "
            f"{report.indexed} entries."
        )
        if not engine.keeps_own_index and (pending := pending_tasks()):
            self.stdout.write(
                f"{pending} index tasks pending (changes committed but not yet in the index; "
                "the next write or --repair applies them)."
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
        try:
            engine.repair(report)
        except SearchUnavailable as error:
            raise CommandError(str(error)) from None
        bump_data_version()  # searches cached before the repair are not served after it
        after = engine.check()
        if not after.ok:
            raise CommandError(f"{len(after.differing)} turns still differ after the repair.")
        self.stdout.write(self.style.SUCCESS(f"Repaired {len(report.differing)} turns."))
