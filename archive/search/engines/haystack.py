"""Any haystack backend (Solr, Elasticsearch, OpenSearch ...) as a search engine, through
haystack's SearchQuerySet: PARLEY_SEARCH_ENGINE=haystack with PARLEY_HAYSTACK_ENGINE naming the
backend. The Whoosh engine (archive.search.engines.whoosh) builds on this class and answers
searches and checks through its own backend's faster paths.

The index holds archive.search.documents.turn_document() for every searchable turn
(archive/search_indexes.py); archive.search.indexing tells the engine which turns changed,
after each commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management import call_command
from haystack import connections
from haystack.inputs import Clean, Exact
from haystack.query import SQ, SearchQuerySet

from archive.models import Turn
from archive.search.analysis import fold
from archive.search.documents import hit_from_document, searchable, turn_document
from archive.search.engine import EngineQuery, EngineResult, IndexReport, SearchUnavailable

TURN_PREFIX = "archive.turn."
FACET_FIELDS = (
    ("speaker", "speaker_slug"),
    ("topic", "topics"),
    ("year", "year"),
    ("kind", "kind"),
)


class HaystackEngine:
    name = "haystack"
    keeps_own_index = False

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def backend(self):
        return connections[self.using].get_backend()

    @property
    def index(self):
        return connections[self.using].get_unified_index().get_index(Turn)

    # --- reading ---------------------------------------------------------------------------------

    def search(self, query: EngineQuery) -> EngineResult:
        sqs = SearchQuerySet(using=self.using).models(Turn).filter(published=True)
        for clause in query.clauses:
            condition = None
            for term in clause.terms:
                part = (
                    SQ(exact=Exact(fold(term.text).lower()))
                    if term.phrase
                    else SQ(text=Clean(fold(term.text)))
                )
                condition = part if condition is None else condition | part
            sqs = sqs.exclude(condition) if clause.exclude else sqs.filter(condition)
        if query.speaker_slugs is not None:
            sqs = sqs.filter(speaker_slug__in=list(query.speaker_slugs))
        for slug in query.topic_slugs:
            sqs = sqs.filter(topics=slug)
        if query.kinds:
            sqs = sqs.filter(kind__in=list(query.kinds))
        if query.after:
            sqs = sqs.filter(date__gte=int(query.after.strftime("%Y%m%d")))
        if query.before:
            sqs = sqs.filter(date__lte=int(query.before.strftime("%Y%m%d")))
        if query.sort == "newest":
            sqs = sqs.order_by("-order")
        elif query.sort == "oldest":
            sqs = sqs.order_by("order")
        if query.facets:
            for _, field in FACET_FIELDS:
                sqs = sqs.facet(field, limit=query.facet_limit)
        elif query.timeline:
            sqs = sqs.facet("year", limit=-1)
        total = sqs.count()
        hits = [
            hit_from_document(int(result.pk), result.get_stored_fields(), query.clauses)
            for result in sqs[query.offset : query.offset + query.limit]
        ]
        facets: dict[str, list[tuple[str, int]]] = {}
        if query.facets:
            counts = sqs.facet_counts().get("fields", {})
            for ours, field in FACET_FIELDS:
                facets[ours] = [(str(v), int(c)) for v, c in counts.get(field, []) if c]
        timeline = []
        if query.timeline:
            # By year, from the year facet (months would need a facet of their own).
            years = sqs.facet_counts().get("fields", {}).get("year", [])
            timeline = [(str(year), "", int(count)) for year, count in years if year and count]
        return EngineResult(total=total, hits=hits, facets=facets, timeline=timeline)

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, list[str]]:
        return {}  # a backend's own spelling suggester is not wired in

    # --- keeping the index true --------------------------------------------------------------------

    def update(self, turn_ids: Iterable[int], wait: float) -> bool:
        """Index the searchable ones of these turns and remove the others (the backend's own
        client decides how long to wait)."""
        turn_ids = set(turn_ids)
        turns = list(searchable().filter(pk__in=turn_ids))
        if turns:
            self.backend.update(self.index, turns)
        for pk in turn_ids - {turn.pk for turn in turns}:
            self.backend.remove(f"{TURN_PREFIX}{pk}")
        return True

    def rebuild(self) -> None:
        call_command("rebuild_index", interactive=False, verbosity=0, using=[self.using])

    def after_bulk_load(self) -> None:
        pass

    def indexed_digests(self) -> dict[int, str]:
        """{turn id: digest} of every turn document in the index."""
        results = SearchQuerySet(using=self.using).models(Turn).values_list("django_id", "digest")
        return {int(pk): digest or "" for pk, digest in results}

    def check(self) -> IndexReport:
        """Compare every searchable turn's document (by its digest) with the index, reading the
        turns in batches (memory holds the index's digests, not the archive's documents)."""
        indexed = self.indexed_digests()
        count = len(indexed)
        expected = 0
        missing, stale = set(), set()
        queryset = searchable().order_by("pk")
        last = 0
        while True:
            batch = list(queryset.filter(pk__gt=last)[:2000])
            if not batch:
                break
            for turn in batch:
                expected += 1
                digest = indexed.pop(turn.pk, None)
                if digest is None:
                    missing.add(turn.pk)
                elif digest != turn_document(turn)["digest"]:
                    stale.add(turn.pk)
            last = batch[-1].pk
        return IndexReport(expected, count, missing=missing, stale=stale, extra=indexed.keys())

    def repair(self, report: IndexReport) -> None:
        """Apply the pending index tasks, then bring every differing turn up to date."""
        from archive.search.indexing import BULK_WAIT, apply_pending

        if not (apply_pending(wait=BULK_WAIT) and self.update(report.differing, wait=BULK_WAIT)):
            raise SearchUnavailable(f"Gave up waiting for {self.lock_holder()}; try again later.")

    def lock_holder(self) -> str:
        """What holds the index when a write cannot proceed, for a message."""
        return "the search index"
