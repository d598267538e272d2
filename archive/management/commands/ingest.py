"""manage.py ingest PATH...: load transcript files or folders of them into the archive."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.batch import ingest_files
from archive.ingest.load import (
    FAILED,
    LOADED,
    SKIPPED,
    STATUSES,
    UNCHANGED,
    UPDATED,
    IngestOutcome,
    collect_files,
)
from archive.ingest.metadata import KINDS
from archive.search.indexing import bulk_indexing

METADATA_OPTIONS = (
    "title",
    "date",
    "source_url",
    "outlet",
    "kind",
    "location",
    "source_name",
    "language",
)
DRY_RUN_VERBS = {LOADED: "would load", UPDATED: "would update", UNCHANGED: "unchanged"}
SUMMARY_FILES = 20  # files that went well listed in the summary; problems are all listed


class ProgressBar:
    """A one-line progress bar on a terminal; an occasional "12/170 files" line otherwise."""

    WIDTH = 30

    def __init__(self, stream, total: int, *, enabled: bool = True) -> None:
        self.stream = stream
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 1
        self.tty = stream.isatty()
        self.every = max(10, total // 10)

    def clear(self) -> None:
        if self.enabled and self.tty and self.done:
            self.stream.write("\r\x1b[K", ending="")
            self.stream.flush()

    def advance(self, name: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.tty:
            filled = self.WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {name[-40:]}", ending="")
            self.stream.flush()
        elif self.done % self.every == 0 or self.done == self.total:
            self.stream.write(f"{self.done}/{self.total} files")

    def finish(self) -> None:
        if self.enabled and self.tty and self.done:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Load transcripts (.txt, .html, .htm files, or folders of them) into the archive. "
        "A sidecar <name>.json beside a file gives its metadata; the options override it."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        group = parser.add_argument_group("metadata (overrides sidecars and the text)")
        group.add_argument("--title")
        group.add_argument("--date", help="YYYY-MM-DD")
        group.add_argument("--source-url", dest="source_url")
        group.add_argument("--outlet", help="outlet or venue, e.g. 'Reuters NEXT'")
        group.add_argument("--kind", help=f"one of {', '.join(KINDS)}")
        group.add_argument("--location")
        group.add_argument("--source-name", dest="source_name")
        group.add_argument("--language", help="language code, e.g. en")
        parser.add_argument(
            "--source", help="force a source rule from archive/ingest/sources.toml (e.g. state)"
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="re-load transcripts whose text changed, keeping curators' edits",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report; write nothing"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="one JSON object per file on stdout; messages go to stderr",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="print only the summary and problems"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="load files in N worker processes at once (each file still in a transaction "
            "of its own); on PostgreSQL, one per core",
        )

    def handle(self, *args, **options):
        if problem := database_problem():
            raise CommandError(problem)
        overrides = {name: options[name] for name in METADATA_OPTIONS if options.get(name)}
        as_json, quiet, dry_run = options["json"], options["quiet"], options["dry_run"]
        messages = self.stderr if as_json else self.stdout  # stdout is for JSON alone

        items = collect_files(options["paths"])
        progress = ProgressBar(self.stderr, len(items), enabled=not quiet)
        outcomes: list[IngestOutcome] = []
        if options["jobs"] < 1:
            raise CommandError("--jobs takes a number of processes, 1 or more.")
        loaded = ingest_files(
            items,
            jobs=options["jobs"],
            metadata_overrides=overrides,
            update=options["update"],
            dry_run=dry_run,
            source=options["source"],
            texts=as_json,  # the JSON lines show the turns' texts; the report needs none
        )
        with bulk_indexing():
            for outcome in loaded:
                outcomes.append(outcome.for_summary())  # memory stays flat
                progress.clear()
                if as_json:
                    self.write_json(outcome, dry_run=dry_run)
                if not quiet or outcome.status in (SKIPPED, FAILED):
                    self.write_outcome(messages, outcome, dry_run=dry_run)
                progress.advance(outcome.file)
        progress.finish()

        self.write_summary(messages, outcomes, dry_run=dry_run, quiet=quiet)
        failed = sum(1 for outcome in outcomes if outcome.failed)
        if failed:
            raise CommandError(f"{failed} of {len(outcomes)} file(s) failed; see above.")

    def write_json(self, outcome: IngestOutcome, *, dry_run: bool) -> None:
        data = outcome.as_json()
        if not dry_run and not outcome.failed:
            data = {"file": data["file"], "status": outcome.status, **data}
        self.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def write_outcome(self, stream, outcome: IngestOutcome, *, dry_run: bool) -> None:
        verb = DRY_RUN_VERBS.get(outcome.status, outcome.status) if dry_run else outcome.status
        line = f"{verb:<12} {outcome.file}"
        if outcome.failed or outcome.status == SKIPPED:
            line += f": {outcome.describe_problem()}"
            style = self.style.ERROR if outcome.failed else self.style.WARNING
        else:
            title = outcome.metadata.title if outcome.metadata else ""
            line += f"  {title!r} ({len(outcome.turns)} turns, {len(outcome.speakers)} labels)"
            if outcome.reason:
                line += f": {outcome.reason}"
            style = self.style.SUCCESS if outcome.status in (LOADED, UPDATED) else str
        stream.write(style(line))
        if outcome.encoding and outcome.encoding not in ("utf-8", "ascii", "utf-8-sig"):
            stream.write(f"    read as {outcome.encoding}")
        for warning in outcome.warnings:
            stream.write(self.style.WARNING(f"    warning: {warning}"))

    def write_summary(self, stream, outcomes, *, dry_run: bool, quiet: bool) -> None:
        by_status = {status: [o for o in outcomes if o.status == status] for status in STATUSES}
        verbs = DRY_RUN_VERBS if dry_run else {}
        counts = ", ".join(f"{len(by_status[s])} {verbs.get(s, s)}" for s in STATUSES)
        prefix = "Dry run (nothing saved)" if dry_run else "Summary"
        stream.write(f"\n{prefix}: {len(outcomes)} file(s): {counts}")
        for status in STATUSES:
            group = by_status[status]
            if not group or (quiet and status not in (SKIPPED, FAILED)):
                continue
            heading = verbs.get(status, status)
            stream.write(f"{heading[:1].upper()}{heading[1:]}:")
            # Every problem is listed; files that went well, up to a screenful (each had its
            # line above, and a load of thousands would repeat them all).
            shown = group if status in (SKIPPED, FAILED) else group[:SUMMARY_FILES]
            for outcome in shown:
                detail = f": {outcome.describe_problem()}" if outcome.reason else ""
                stream.write(f"  {outcome.file}{detail}")
            if len(group) > len(shown):
                stream.write(f"  … and {len(group) - len(shown):,} more")


def database_problem() -> str | None:
    """Why the archive's database cannot take an ingest, in one line, or None. A SQLite file that
    does not exist yet is not created by asking."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    name = connection.settings_dict["NAME"]
    in_memory = connection.vendor == "sqlite" and connection.creation.is_in_memory_db(str(name))
    if connection.vendor == "sqlite" and not in_memory and not Path(name).exists():
        return f"There is no archive database at {name} yet: run `manage.py migrate` first."
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"Cannot use the archive database: {str(error).strip().splitlines()[0]}"
    if unapplied:
        return (
            f"The archive database ({name}) is not up to date ({len(unapplied)} migrations to "
            "apply): run `manage.py migrate` first."
        )
    return None
