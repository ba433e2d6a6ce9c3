"""The per-month article counts the database keeps (ArticleMonthCount, migration 0006)
always equal counting the articles, whatever changes them."""

import datetime

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth

from archive.ingest.store import Importer, load_gazetteer
from archive.models import Article, ArticleMonthCount, ReviewStatus
from archive.views.articles import period_counts
from tests import factories as f
from tests.ingest.gazetteer_data import gazetteer
from tests.ingest.test_batching import CORPUS, TODAY

pytestmark = pytest.mark.django_db


def kept():
    return {
        (row.month, row.outlet_id, row.language): row.articles
        for row in ArticleMonthCount.objects.exclude(articles=0)
    }


def counted():
    rows = (
        Article.objects.exclude(review_status=ReviewStatus.REJECTED)
        .annotate(month=TruncMonth("published_date"))
        .values_list("month", "outlet_id", "language")
        .annotate(n=Count("pk"))
    )
    return {(month, outlet, language): n for month, outlet, language, n in rows}


def day(year, month, n=1):
    return datetime.date(year, month, n)


@pytest.fixture
def outlets():
    return f.make_outlet(name="Tass"), f.make_outlet(name="Xinhua")


def test_inserts_one_at_a_time_and_in_bulk(outlets):
    tass, xinhua = outlets
    f.make_article(published_date=day(2024, 5), outlet=tass)
    f.make_article(published_date=day(2024, 5, 20), outlet=tass)
    f.make_article(published_date=day(2024, 6), outlet=xinhua, language="ru")
    f.make_article()  # undated: counted without a month
    f.make_article(published_date=day(2024, 5), review_status=ReviewStatus.REJECTED)
    Article.objects.bulk_create(
        Article(
            title=f"Bulk {n}",
            body="Text",
            raw_text="Text",
            content_hash=f"bulk-{n}",
            published_date=day(2023, 1 + n % 3),
            date_precision="day",
            date_confidence="exact",
            outlet=None if n % 2 else xinhua,
            language="en",
        )
        for n in range(30)
    )
    assert kept() == counted()
    assert kept()[(day(2024, 5), tass.pk, "en")] == 2
    assert kept()[(None, None, "en")] == 1
    assert sum(kept().values()) == 34


def test_updates_move_articles_between_months_outlets_and_languages(outlets):
    tass, xinhua = outlets
    articles = [f.make_article(published_date=day(2024, 1 + n), outlet=tass) for n in range(4)]
    articles[0].published_date = day(2020, 1)
    articles[0].save()
    articles[1].outlet = xinhua
    articles[1].save()
    articles[2].review_status = ReviewStatus.REJECTED
    articles[2].save()
    Article.objects.filter(pk=articles[3].pk).update(language="ru")
    Article.objects.filter(pk=articles[0].pk).update(published_date=None, date_precision="unknown")
    assert kept() == counted()
    articles[2].review_status = ReviewStatus.CONFIRMED  # a curator takes a rejection back
    articles[2].save()
    assert kept() == counted()
    assert kept()[(day(2024, 3), tass.pk, "en")] == 1


def test_deletes_and_merged_outlets(outlets):
    tass, xinhua = outlets
    for n in range(5):
        f.make_article(published_date=day(2022, 7), outlet=tass if n % 2 else xinhua)
    Article.objects.filter(outlet=xinhua).update(outlet=tass)  # a merge moves the articles
    xinhua.delete()
    assert kept() == counted() == {(day(2022, 7), tass.pk, "en"): 5}
    Article.objects.all().delete()
    assert kept() == {}


def test_the_calendar_reads_the_kept_counts(outlets):
    tass, _ = outlets
    f.make_article(published_date=day(2021, 2), outlet=tass)
    f.make_article(published_date=day(2021, 2), language="ru")
    f.make_article(published_date=day(2022, 3), outlet=tass)
    assert period_counts() == {
        2021: {"count": 2, "months": {day(2021, 2): 2}},
        2022: {"count": 1, "months": {day(2022, 3): 1}},
    }
    assert list(period_counts(outlet=tass)) == [2021, 2022]
    assert period_counts(language="ru") == {2021: {"count": 1, "months": {day(2021, 2): 1}}}


def test_a_batched_import_keeps_the_counts(tmp_path):
    """The importer writes batches with COPY, which fires the statement triggers too; a
    curator's rejection afterwards takes the article out."""
    load_gazetteer(gazetteer())
    paths = sorted(str(p) for p in CORPUS.iterdir() if p.name != "expected.json")
    results = list(Importer(today=TODAY, batch_size=10).import_paths(paths))
    assert sum(r.article is not None for r in results) > 20
    assert kept() == counted()
    assert sum(kept().values()) == Article.objects.count()
    article = Article.objects.filter(published_date__isnull=False).first()
    article.review_status = ReviewStatus.REJECTED
    article.save()
    assert kept() == counted()
