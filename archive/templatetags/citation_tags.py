"""A turn's citation in the Chicago style, for the transcript page's "Cite" under each turn."""

from django import template

from archive import citations
from archive.views.citations import turn_work

register = template.Library()


@register.simple_tag(takes_context=True)
def chicago_citation(context, turn):
    return citations.as_html(citations.chicago(turn_work(context["request"], turn)))
