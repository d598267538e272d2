"""The codebase keeps the shape README's "How it fits together" describes: no import cycle
between the archive's modules, no module over about 600 lines, the search engine chosen in one
place and no engine depending on another's internals, a parser that knows nothing of Django."""

import ast
from pathlib import Path

import pytest

ARCHIVE = Path(__file__).resolve().parent.parent / "archive"
MAX_LINES = 600


def modules() -> dict[str, Path]:
    found = {}
    for path in ARCHIVE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ARCHIVE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The archive modules a module imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    names = set(known)
    return {name: imports_of(path, names) - {name} for name, path in known.items()}


def test_no_module_is_over_600_lines():
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_cycle_between_the_archives_modules():
    graph = import_graph()
    # A package's __init__ re-exporting its own modules lazily is not a cycle.
    for name in graph:
        graph[name] = {other for other in graph[name] if not name.startswith(f"{other}.")}
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                pytest.fail("import cycle: " + " -> ".join([*path, name, other]))
            if other not in state:
                visit(other, [*path, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_only_the_engine_module_chooses_an_engine():
    choosing = {
        name
        for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "PARLEY_SEARCH_ENGINE"
    }
    assert choosing == {"archive.search.engine"}


def test_no_engine_imports_another_engines_internals():
    graph = import_graph()
    engines = {name for name in graph if name.startswith("archive.search.engines.")}
    for name in engines:
        family = name.split(".")[3]
        others = {
            other
            for other in graph[name] & engines
            if other.split(".")[3] != family
            and other
            != "archive.search.engines.haystack"  # the base every haystack backend extends
            and not other.startswith(f"archive.search.engines.{family}")
        }
        assert others == set(), name


def test_the_parser_knows_nothing_of_django():
    for name, path in modules().items():
        if name.startswith("archive.ingest.") and name not in {
            "archive.ingest.batch",
            "archive.ingest.load",
            "archive.ingest.speakers",
        }:
            source = path.read_text(encoding="utf-8")
            assert "django" not in source.split('"""', 2)[-1], name
