"""Counting statements for lists: a page's rows counted as a subquery (`count_of`), and the
counts over the whole archive (`statement_counts`: published speech turns in all, by speaker and
by topic), counted once per data version (archive.caching.per_version) and given to the rows a list
shows (`counted`: a queryset whose rows carry `turn_count`; `ranked_by_count`: rows most
counted first, a page at a time).

Counting every statement of a million takes about a second; the home page, /speakers/, /topics/
and the API's lists each needed it on every request. The counts change only with the data, so
they are kept until the data version moves (every change of published data moves it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from django.apps import apps
from django.db import models
from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable


def count_of(rows: models.QuerySet) -> Coalesce:
    """How many of `rows` (a queryset tied to the outer row by OuterRef), as an annotation: a
    subquery counted for the rows a page shows, where a join with GROUP BY would count every
    row of the archive before a page of them is taken (and the page count would repeat it).
    For many rows of which a page is shown (transcripts); speakers and topics, all of which are
    counted to rank them, take their counts from `statement_counts`."""
    number = rows.order_by().annotate(n=models.Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(number, output_field=IntegerField()), 0)


FEW = 3  # rows that count their own statements rather than take the archive's counts


def statement_counts(using: str, of: str, *, if_not_kept=None):
    """The archive's published statements (speech turns) as the database `using` holds them:
    `of` "total" (how many), "by_speaker" or "by_topic" ({id: how many}, visible tags only);
    each counted once per data version, apart (a list needs one of them; while a load makes a
    new version every second, each is counted again when asked). With `if_not_kept`: if it is
    not counted yet for this version, if_not_kept()."""
    from archive.caching import per_version

    count = partial(_COUNTERS[of], using)
    return per_version(f"statements-{of}", count, using, if_kept=if_not_kept)


def _statements(using: str) -> models.QuerySet:
    # The model from the registry: archive.models builds its querysets with this module.
    return apps.get_model("archive", "Turn").objects.using(using).published().speech()


def _total(using: str) -> int:
    return _statements(using).count()


def _by_speaker(using: str, ids: Sequence[int] | None = None) -> dict[int, int]:
    statements = _statements(using).exclude(speaker=None)
    if ids is not None:
        statements = statements.filter(speaker__in=ids)
    rows = statements.order_by().values("speaker").annotate(n=Count("pk"))
    return dict(rows.values_list("speaker", "n"))


def _by_topic(using: str, ids: Sequence[int] | None = None) -> dict[int, int]:
    tags = apps.get_model("archive", "TurnTopic").objects.using(using).visible()
    tags = tags.filter(turn__in=_statements(using))
    if ids is not None:
        tags = tags.filter(topic__in=ids)
    rows = tags.order_by().values("topic").annotate(n=Count("pk"))
    return dict(rows.values_list("topic", "n"))


_COUNTERS = {"total": _total, "by_speaker": _by_speaker, "by_topic": _by_topic}


class _Counted(ModelIterable):
    """Model instances, each with `turn_count` (0 when it has none), from statement_counts(),
    counted once per data version for the whole archive; a few rows (a speaker's or a topic's
    own page) count their own statements in one query when those are not counted yet (rather
    than wait a second for the whole archive's after each change, at a million statements)."""

    counts_by = ""  # what statement_counts() counts
    count_own = None  # (database alias, ids) -> {id: count}

    def __iter__(self):
        rows = list(super().__iter__())
        using = self.queryset.db
        if not rows:
            return
        ids = [row.pk for row in rows]
        own = (lambda: self.count_own(using, ids)) if len(ids) <= FEW else None
        counts = statement_counts(using, self.counts_by, if_not_kept=own)
        for row in rows:
            row.turn_count = counts.get(row.pk, 0)
            yield row


class _CountedSpeakers(_Counted):
    counts_by = "by_speaker"
    count_own = staticmethod(_by_speaker)


class _CountedTopics(_Counted):
    counts_by = "by_topic"
    count_own = staticmethod(_by_topic)


_COUNTED = {"by_speaker": _CountedSpeakers, "by_topic": _CountedTopics}


def counted(queryset: models.QuerySet, by: str, *, only_counted: bool = False) -> models.QuerySet:
    """`queryset`, whose rows come with their `turn_count` from statement_counts() `by`
    ("by_speaker", "by_topic"): a queryset still, filtered, ordered and sliced by its own fields
    as any other (not by `turn_count`, which is given to the rows it yields: `ranked_by_count`
    orders by it). `only_counted`: only rows with some statement."""
    if only_counted:
        counts = statement_counts(queryset.db, by)
        queryset = queryset.filter(pk__in=[pk for pk, n in counts.items() if n])
    queryset = queryset.all()
    queryset._iterable_class = _COUNTED[by]  # Django's hook for what a queryset yields
    return queryset


def ranked_by_count(queryset: models.QuerySet, by: str, then: Sequence[str]) -> RankedByCount:
    """The rows of `queryset` by their count in statement_counts() `by`, most first, then by the
    fields `then`."""
    return RankedByCount(queryset, statement_counts(queryset.db, by), then)


class RankedByCount(Sequence):
    """The rows of a queryset by their count, most first, then by `then` (fields of the row),
    each with its `turn_count`: a sequence a Paginator pages through, which reads the keys of
    every row once and the rows of a page only."""

    def __init__(self, queryset: models.QuerySet, counts: Mapping[int, int], then: Sequence[str]):
        self._counts = counts
        self._queryset = queryset.order_by()
        self._queryset._iterable_class = ModelIterable  # the counts are at hand: given below
        # Ordered by `then` in the database (its collation, as the list by name is), then by
        # count, a stable sort keeping that order among equal counts.
        ids = self._queryset.order_by(*then).values_list("pk", flat=True)
        self._ids = sorted(ids, key=lambda pk: -counts.get(pk, 0))

    def __len__(self) -> int:
        return len(self._ids)

    def count(self) -> int:
        return len(self._ids)

    def __iter__(self):
        return iter(self[:])  # one query, not one a row

    def __getitem__(self, index):
        if isinstance(index, int):
            if not -len(self) <= index < len(self):
                raise IndexError(index)
            start = index % len(self)
            return self[start : start + 1][0]
        ids = self._ids[index]
        rows = {row.pk: row for row in self._queryset.filter(pk__in=ids)}
        for row in rows.values():
            row.turn_count = self._counts.get(row.pk, 0)
        return [rows[pk] for pk in ids if pk in rows]
