"""The API's OpenAPI 3.1 description, served at /api/openapi.json.

Written as data next to the views it describes (archive/api.py); tests validate the document
and check every endpoint's answers against these schemas.
"""

from __future__ import annotations

from archive.models import Speaker, Transcript, Turn

MAX_PAGE_SIZE = 100


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(type_: str, **extra) -> dict:
    return {"type": [type_, "null"], **extra}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {"status": {"type": "integer"}, "message": STRING},
            }
        },
    },
    "Page": {
        "type": "object",
        "required": ["count", "page", "page_size", "num_pages", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0, "description": "All matching items."},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "num_pages": {"type": "integer", "minimum": 1},
            "next": _nullable("string", format="uri"),
            "previous": _nullable("string", format="uri"),
            "results": {"type": "array"},
        },
    },
    "Speaker": {
        "type": "object",
        "required": ["slug", "name", "title", "organisation", "kind", "is_questioner", "url"],
        "properties": {
            "slug": STRING,
            "name": STRING,
            "title": STRING,
            "organisation": STRING,
            "kind": {"type": "string", "enum": Speaker.Kind.values},
            "is_questioner": {
                "type": "boolean",
                "description": "Journalists, moderators and unidentified questioners.",
            },
            "url": URL,
        },
    },
    "SpeakerItem": {
        "allOf": [
            _ref("Speaker"),
            {
                "type": "object",
                "required": ["turn_count", "api_url"],
                "properties": {"turn_count": {"type": "integer"}, "api_url": URL},
            },
        ]
    },
    "SpeakerDetail": {
        "allOf": [
            _ref("SpeakerItem"),
            {
                "type": "object",
                "required": ["description", "turns_url", "transcripts_url"],
                "properties": {"description": STRING, "turns_url": URL, "transcripts_url": URL},
            },
        ]
    },
    "TopicItem": {
        "type": "object",
        "required": ["slug", "name", "description", "url", "turn_count", "api_url"],
        "properties": {
            "slug": STRING,
            "name": STRING,
            "description": STRING,
            "url": URL,
            "turn_count": {"type": "integer"},
            "api_url": URL,
        },
    },
    "TopicDetail": {
        "allOf": [
            _ref("TopicItem"),
            {"type": "object", "required": ["turns_url"], "properties": {"turns_url": URL}},
        ]
    },
    "TranscriptItem": {
        "type": "object",
        "required": [
            "slug",
            "title",
            "date",
            "kind",
            "kind_display",
            "outlet",
            "location",
            "language",
            "source_name",
            "source_url",
            "url",
            "turn_count",
            "api_url",
        ],  # fmt: skip
        "properties": {
            "slug": STRING,
            "title": STRING,
            "date": _nullable("string", format="date"),
            "kind": {"type": "string", "enum": Transcript.Kind.values},
            "kind_display": STRING,
            "outlet": STRING,
            "location": STRING,
            "language": STRING,
            "source_name": STRING,
            "source_url": STRING,
            "url": URL,
            "turn_count": {"type": "integer", "description": "Speech turns."},
            "api_url": URL,
        },
    },
    "TranscriptDetail": {
        "allOf": [
            _ref("TranscriptItem"),
            {
                "type": "object",
                "required": ["participants", "turns_url", "exports"],
                "properties": {
                    "participants": {"type": "array", "items": _ref("Speaker")},
                    "turns_url": URL,
                    "exports": {
                        "type": "object",
                        "required": ["json", "csv", "txt", "xml"],
                        "properties": {"json": URL, "csv": URL, "txt": URL, "xml": URL},
                    },
                },
            },
        ]
    },
    "Turn": {
        "type": "object",
        "required": [
            "key",
            "position",
            "label",
            "kind",
            "speaker",
            "text",
            "url",
            "context_url",
            "transcript",
        ],
        "properties": {
            "key": {"type": "string", "description": "The turn's permanent key (its permalink)."},
            "position": {"type": "integer", "minimum": 1},
            "label": {"type": "string", "description": "The speaker label as printed."},
            "kind": {"type": "string", "enum": Turn.Kind.values},
            "speaker": {"oneOf": [_ref("Speaker"), {"type": "null"}]},
            "text": {"type": "string", "description": "Paragraphs separated by a blank line."},
            "url": URL,
            "context_url": {**URL, "description": "The transcript page opened at this turn."},
            "transcript": {
                "type": "object",
                "required": ["slug", "title", "date", "url"],
                "properties": {
                    "slug": STRING,
                    "title": STRING,
                    "date": _nullable("string", format="date"),
                    "url": URL,
                },
            },
            "topics": {"type": "array", "items": STRING, "description": "Topic slugs."},
        },
    },
    "SearchHit": {
        "allOf": [
            _ref("Turn"),
            {
                "type": "object",
                "required": ["snippet"],
                "properties": {
                    "snippet": {
                        "type": "string",
                        "description": "HTML: escaped text around the matches, in <mark>.",
                    }
                },
            },
        ]
    },
    "Facet": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["value", "label", "count"],
            "properties": {"value": STRING, "label": STRING, "count": {"type": "integer"}},
        },
    },
}


def _page_of(item: str) -> dict:
    return {
        "allOf": [
            _ref("Page"),
            {"type": "object", "properties": {"results": {"type": "array", "items": _ref(item)}}},
        ]
    }


SCHEMAS["SearchPage"] = {
    "allOf": [
        _page_of("SearchHit"),
        {
            "type": "object",
            "required": ["query", "notes", "facets", "count_is_estimate"],
            "properties": {
                "count_is_estimate": {
                    "type": "boolean",
                    "description": "True when count (and the facet counts) are estimates: "
                    "PostgreSQL search, a query matching very many statements.",
                },
                "query": STRING,
                "notes": {"type": "array", "items": STRING},
                "facets": {"type": "object", "additionalProperties": _ref("Facet")},
            },
        },
    ]
}


def _param(
    name: str, description: str, schema: dict | None = None, *, required=False, where="query"
):
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema or STRING,
    }


PAGING = [
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _param(
        "page_size",
        f"Items per page (at most {MAX_PAGE_SIZE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20},
    ),
]


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _operation(
    operation_id: str, summary: str, schema: dict, parameters=(), *, unavailable=False
) -> dict:
    responses = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "400": _error("A parameter is not valid."),
        "405": _error("Only GET (and HEAD) are allowed."),
        "404": _error("No such object, or a page past the last."),
    }
    if unavailable:
        responses["503"] = _error("The search engine could not answer.")
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": list(parameters),
            "responses": responses,
        }
    }


def openapi_document(server_url: str = "/api") -> dict:
    kinds = {"type": "string", "enum": Transcript.Kind.values}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parley API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON API of the Parley archive of diplomatic interview transcripts. "
                "Lists are paginated (page, page_size); errors are "
                '{"error": {"status", "message"}}. Only published transcripts appear.'
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/transcripts/": _operation(
                "listTranscripts",
                "Published transcripts, newest first.",
                _page_of("TranscriptItem"),
                [
                    _param("year", "Year of the transcript's date.", {"type": "integer"}),
                    _param("kind", "Kind of transcript.", kinds),
                    _param("outlet", "Outlet or venue, exactly."),
                    _param("speaker", "Slug of a speaker who takes part."),
                    *PAGING,
                ],
            ),
            "/transcripts/{slug}/": _operation(
                "getTranscript",
                "One transcript: metadata, participants, links to its turns and exports.",
                _ref("TranscriptDetail"),
                [_param("slug", "The transcript's slug.", where="path")],
            ),
            "/turns/": _operation(
                "listTurns",
                "Turns (statements), newest transcript first, in order within a transcript.",
                _page_of("Turn"),
                [
                    _param("transcript", "Slug of a transcript."),
                    _param("speaker", "Slug of a speaker."),
                    _param("topic", "Slug of a topic."),
                    _param(
                        "kind", "speech or narrative.", {"type": "string", "enum": Turn.Kind.values}
                    ),
                    *PAGING,
                ],
            ),
            "/turns/{key}/": _operation(
                "getTurn",
                "One turn by its permanent key.",
                _ref("Turn"),
                [_param("key", "The turn's key.", where="path")],
            ),
            "/speakers/": _operation(
                "listSpeakers",
                "Speakers with published statements, by name.",
                _page_of("SpeakerItem"),
                [
                    _param(
                        "kind", "Kind of speaker.", {"type": "string", "enum": Speaker.Kind.values}
                    ),
                    _param("organisation", "Organisation, case-insensitively."),
                    *PAGING,
                ],
            ),
            "/speakers/{slug}/": _operation(
                "getSpeaker",
                "One speaker.",
                _ref("SpeakerDetail"),
                [_param("slug", "The speaker's slug.", where="path")],
            ),
            "/topics/": _operation("listTopics", "Topics, by name.", _page_of("TopicItem"), PAGING),
            "/topics/{slug}/": _operation(
                "getTopic",
                "One topic.",
                _ref("TopicDetail"),
                [_param("slug", "The topic's slug.", where="path")],
            ),
            "/search/": _operation(
                "search",
                "Search statements with the search page's query language.",
                _ref("SearchPage"),
                [
                    _param(
                        "q",
                        'Words, "phrases", OR, -exclusions and filters '
                        "(speaker:, topic:, kind:, after:, before:). "
                        "Required unless another filter is given.",
                    ),
                    _param("speaker", "A speaker's slug or name."),
                    _param("topic", "A topic's slug or name."),
                    _param("kind", "A kind of transcript."),
                    _param("after", "On or after a date (2021, 2021-06, 2021-06-30)."),
                    _param("before", "On or before a date."),
                    _param(
                        "sort",
                        "Order of results.",
                        {"type": "string", "enum": ["relevance", "newest", "oldest"]},
                    ),
                    *PAGING,
                ],
                unavailable=True,
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
