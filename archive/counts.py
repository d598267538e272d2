"""Counting related rows as an annotation, for lists shown a page at a time."""

from __future__ import annotations

from django.db import models
from django.db.models import IntegerField, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: models.QuerySet) -> Coalesce:
    """How many of `rows` (a queryset tied to the outer row by OuterRef), as an annotation: a
    subquery counted for the rows a page shows, where a join with GROUP BY would count every
    row of the archive before a page of them is taken (and the page count would repeat it).
    For many rows of which a page is shown (transcripts); a few rows all counted (topics,
    speakers) are faster with one join and GROUP BY."""
    number = rows.order_by().annotate(n=models.Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(number, output_field=IntegerField()), 0)
