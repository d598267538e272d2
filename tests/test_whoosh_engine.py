"""The Whoosh backend's fast indexing path writes exactly what Whoosh's own path writes."""

from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from archive.search.analysis import document_terms, exact_words, fold
from archive.search.engines.whoosh.schema import TermsTokenizer, parley_fields, shingles
from archive.search.engines.whoosh.writer import ParleyMpWriter, ParleySegmentWriter

DATA = Path(__file__).parent / "data"
TRICKY = (
    "İstanbul, CAFÉ and Ærø; Russia's and the U.S.'s position — it's ﬁnal. Straße naïve "
    "Ｆｕｌｌｗｉｄｔｈ e\u0301te\u0301 O'Neill's 2021.12.03 _under_score 東京 وزارة"
)


def sample_texts() -> list[str]:
    texts = [fold(path.read_text()) for path in sorted(DATA.glob("*.txt"))]
    return texts + [TRICKY, TRICKY.lower(), TRICKY.upper()]


def test_the_fields_analyzers_give_what_the_fast_path_indexes():
    fields = parley_fields()
    for text in sample_texts():
        exact, stemmed = document_terms(text)
        assert [token.text for token in fields["text"].analyzer(text)] == stemmed
        assert [token.text for token in fields["exact"].analyzer(text)] == shingles(exact)
        assert fields["text"].terms(text) == stemmed
        assert fields["exact"].analyzer == TermsTokenizer("exact")


def test_exact_field_terms_are_words_pairs_and_triples():
    field = parley_fields()["exact"]
    assert field.terms("The Minsk agreements matter") == [
        "the", "minsk", "agreements", "matter",
        "the minsk", "minsk agreements", "agreements matter",
        "the minsk agreements", "minsk agreements matter",
    ]  # fmt: skip
    assert field.terms("明斯克协议", "zh") == [
        "明斯",
        "斯克",
        "克协",
        "协议",
        "明斯 斯克",
        "斯克 克协",
        "克协 协议",
        "明斯 斯克 克协",
        "斯克 克协 协议",
    ]


def documents() -> list[dict]:
    docs = []
    for number, text in enumerate(sample_texts() * 3):
        docs.append(
            {
                "id": f"archive.turn.{number}",
                "django_ct": "archive.turn",
                "django_id": str(number),
                "text": text[number * 37 % 400 :][:2000],
                "exact": text[number * 37 % 400 :][:2000],
                "speaker_slug": f"speaker-{number % 4}",
                "year": str(2000 + number % 3),
                "kind": "briefing",
                "topics": "ukraine,china" if number % 2 else "",
                "order": number,
                "date": 20210000 + number,
                "published": True,
            }
        )
    return docs


def index_contents(ix) -> tuple:
    reader = ix.reader()
    postings = {}
    for fieldname, term in reader.all_terms():
        matcher = reader.postings(fieldname, term)
        items = []
        while matcher.is_active():
            docnum = matcher.id()
            length = reader.doc_field_length(docnum, fieldname)
            # The block statistics that BM25's skipping relies on, too.
            block = (matcher.block_min_length(), matcher.block_max_length())
            items.append((docnum, matcher.weight(), matcher.value(), length, block))
            matcher.next()
        info = reader.term_info(fieldname, term)
        stats = (info.min_length(), info.max_length(), info.max_weight(), info.weight())
        postings[(fieldname, term)] = (items, stats)
    lengths = {name: reader.field_length(name) for name in reader.indexed_field_names()}
    return postings, list(reader.all_stored_fields()), lengths


def build(tmp_path, name: str, schema, make_writer) -> tuple:
    ix = FileStorage(str(tmp_path / name), supports_mmap=False).create_index(schema)
    writer = make_writer(ix)
    for document in documents():
        writer.add_document(**document)
    writer.commit()
    return index_contents(ix)


@pytest.fixture
def schema():
    from haystack import connections

    fields = connections["default"].get_unified_index().all_searchfields()
    return connections["default"].get_backend().build_schema(fields)[1]


def test_parley_writer_writes_what_whoosh_writes(tmp_path, schema):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    whoosh = build(tmp_path, "a", schema, SegmentWriter)
    in_memory = build(tmp_path, "b", schema, ParleySegmentWriter)
    # A tiny memory limit makes the pool write sorted runs to disk and merge them.
    with_runs = build(tmp_path, "c", schema, lambda ix: ParleySegmentWriter(ix, limitmb=0.05))
    assert in_memory == whoosh
    assert with_runs == whoosh


def test_parley_multiprocess_writer_finds_every_document(tmp_path, schema):
    (tmp_path / "mp").mkdir()
    ix = FileStorage(str(tmp_path / "mp"), supports_mmap=False).create_index(schema)
    writer = ParleyMpWriter(ix, procs=2, batchsize=5)
    for document in documents():
        writer.add_document(**document)
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(documents())
        found = {fields["django_id"] for fields in searcher.all_stored_fields()}
        assert found == {document["django_id"] for document in documents()}
        assert searcher.doc_frequency("exact", "the minsk agreements") == sum(
            "the minsk agreements" in " ".join(exact_words(d["exact"])) for d in documents()
        )
