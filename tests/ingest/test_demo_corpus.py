"""The demo corpus (fixtures/corpus/) and its gold file: the demo archive builds cleanly and
extraction keeps the quality recorded in the README."""

from datetime import date
from pathlib import Path

import pytest

from archive.ingest.clean import SECTION_NAMES
from archive.ingest.evaluate import predict, read_gold, score
from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
from archive.ingest.outlets import OutletDirectory
from archive.ingest.pipeline import process
from archive.ingest.read import iter_documents

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_file(DEFAULT_GAZETTEER_PATH)


def test_every_demo_document_becomes_an_article_with_a_real_headline(gazetteer):
    outlets = OutletDirectory(gazetteer.outlets)
    drafts = [
        process(raw, outlets, today=date(2026, 11, 21))
        for raw in iter_documents([str(FIXTURES / "corpus")])
    ]
    assert len(drafts) >= 45
    for draft in drafts:
        assert len(draft.title.split()) >= 3, draft.source
        assert draft.title.casefold() not in SECTION_NAMES, draft.source
        assert not draft.title.isupper(), draft.source
        assert draft.body and "Most viewed" not in draft.body, draft.source


def test_extraction_quality_on_the_gold_file(gazetteer):
    rows = read_gold(FIXTURES / "gold.jsonl")
    evaluation = score(rows, predict(rows, FIXTURES / "corpus", gazetteer, date(2026, 11, 21)))
    assert evaluation.wrong_dates == 0
    assert not evaluation.failed
    people = evaluation.scores["people"]
    assert people.precision >= 0.95 and people.recall >= 0.95
    assert evaluation.scores["dates"].precision == 1.0
    assert evaluation.scores["outlets"].precision == 1.0
    assert evaluation.scores["meetings"].f1 >= 0.65
