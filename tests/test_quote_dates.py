"""Each quote's copy of its article's date (Quote.published_date, migration 0011's
triggers) always equals the article's, whatever writes the quote or the article."""

import datetime

import pytest

from archive.ingest.store import Importer, load_gazetteer
from archive.models import Article, Quote
from tests import factories as f
from tests.ingest.gazetteer_data import gazetteer
from tests.ingest.test_batching import CORPUS, TODAY

pytestmark = pytest.mark.django_db


def mismatched():
    """Quotes whose date differs from their article's."""
    return [
        (quote.pk, quote.published_date, quote.article.published_date)
        for quote in Quote.objects.select_related("article")
        if quote.published_date != quote.article.published_date
    ]


def test_a_quote_follows_its_article_when_either_changes():
    person = f.make_person(name="Andrei Belousov")
    dated = f.make_article(published_date=datetime.date(2024, 10, 14))
    undated = f.make_article()
    quote = f.make_quote(dated, person)
    f.make_quote(undated, person, "Another statement.")
    quote.refresh_from_db()
    assert quote.published_date == datetime.date(2024, 10, 14)
    assert not mismatched()

    dated.published_date = datetime.date(2023, 4, 18)
    dated.save()
    Article.objects.filter(pk=undated.pk).update(
        published_date=datetime.date(2022, 1, 5), date_precision="day"
    )
    assert Quote.objects.filter(published_date=datetime.date(2023, 4, 18)).count() == 1
    assert not mismatched()

    Article.objects.filter(pk=dated.pk).update(published_date=None, date_precision="unknown")
    quote.refresh_from_db()
    assert quote.published_date is None

    quote.article = undated
    quote.published_date = datetime.date(1999, 1, 1)  # what a stale instance would write
    quote.save()
    quote.refresh_from_db()
    assert quote.published_date == datetime.date(2022, 1, 5)
    assert not mismatched()


def test_quotes_an_import_copies_in_take_their_articles_dates():
    load_gazetteer(gazetteer())
    list(Importer(today=TODAY, batch_size=10).import_paths(sorted(CORPUS.glob("*"))))
    assert Quote.objects.filter(published_date__isnull=False).exists()
    assert not mismatched()
