"""The ingest test corpus (tests/ingest/corpus/, written for the project) imports as expected.

expected.json says, for every document: the status, and for stored articles the headline,
outlet, URL, date and its confidence, language, sentences the clean body must contain and
chrome it must not, and the original of each duplicate.
"""

import json
from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
from archive.ingest.store import Importer, load_gazetteer
from archive.models import Article

ROLES_MIGRATION = import_module("archive.migrations.0003_curator_group")

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def _documents():
    return sorted(p for p in CORPUS.iterdir() if p.name != "expected.json")


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """Import the corpus once, in file-name order, and index the results by file."""
    with django_db_blocker.unblock():
        load_gazetteer(Gazetteer.from_file(DEFAULT_GAZETTEER_PATH))
        importer = Importer(today=date(2026, 11, 21))
        results = {}
        for path in _documents():
            for result in importer.import_paths([str(path)]):
                results[result.source.removeprefix(f"{CORPUS}/")] = result
        yield results
        call_command("flush", "--no-input", verbosity=0)
        # The flush also took the curator and reader groups of migration 0003 that later
        # tests (tests/admin) sign in with.
        ROLES_MIGRATION.create_roles(django_apps, None)


def test_every_document_has_an_expectation():
    listed = {e["file"].partition("#")[0] for e in EXPECTED}
    assert listed == {p.name for p in _documents()}
    assert len(EXPECTED) >= 40


@pytest.mark.django_db
@pytest.mark.parametrize("expected", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_document_imports_as_expected(imported, expected):
    result = imported[expected["file"]]
    if expected["status"] == "failed":
        assert result.status == "failed"
        assert expected["error_contains"].lower() in result.message.lower()
        return
    if expected["status"] == "duplicate":
        assert result.status == "duplicate", result.message
        original = imported[expected["duplicate_of"]]
        assert result.article.pk == original.article.pk
        return
    wanted_status = "needs_review" if expected["needs_review"] else "imported"
    assert result.status == wanted_status, result.message
    article = Article.objects.select_related("outlet").get(pk=result.article.pk)
    assert article.title == expected["title"]
    assert (article.outlet.name if article.outlet else None) == expected["outlet"]
    assert article.url == expected["url"]
    published = article.published_date.isoformat() if article.published_date else None
    assert published == expected["published"]
    if expected["date_confidence"]:
        assert article.date_confidence == expected["date_confidence"]
    assert (article.language or None) == expected["language"]
    for sentence in expected["body_contains"]:
        assert sentence in article.body
    for chrome in expected["body_excludes"]:
        assert chrome not in article.body
