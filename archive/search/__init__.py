"""Search: the query language, text analysis, the engines, and the page of results.

How a search runs:

    query.py      what a person typed -> ParsedQuery (pure Python; never fails, says what it ignored)
    page.py       run_search(SearchRequest) -> SearchPage: resolves names, asks the engine, adds
                  facet links, notes and suggestions (the one entry point for views, feeds, API)
    engine.py     the engine interface (EngineQuery -> EngineResult) and get_engine(), the one
                  place an engine is chosen (settings.PARLEY_SEARCH_ENGINE)
    engines/      whoosh/ (the embedded default), postgres.py, haystack.py (any haystack backend)
    analysis.py   ONE folding table and ONE analysis of text into words, for every engine
    documents.py  ONE definition of what is searchable and of a turn's search document
    snippets.py   highlighted extracts, and the transcript page's find
    indexing.py   keeping an engine's index true after every commit

The names below are the ones the rest of the archive uses; they are imported when first used,
so that the pure modules (query, analysis) can be imported without Django.
"""

from importlib import import_module

_EXPORTS = {
    "run_search": "page",
    "SearchRequest": "page",
    "SearchPage": "page",
    "SORTS": "page",
    "MAX_PAGE": "page",
    "PER_PAGE": "engine",
    "Hit": "engine",
    "get_engine": "engine",
    "build_snippet": "snippets",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"archive.search.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'archive.search' has no attribute {name!r}")
