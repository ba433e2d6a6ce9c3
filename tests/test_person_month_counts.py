"""The per-month mention counts of people the database keeps (PersonMonthCount, migration
0007) always equal counting the mentions, whatever changes them."""

import datetime

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth

from archive import curation
from archive.ingest.store import Importer, load_gazetteer
from archive.models import Article, Mention, PersonMonthCount, ReviewStatus
from tests import factories as f
from tests.ingest.gazetteer_data import gazetteer
from tests.ingest.test_batching import CORPUS, TODAY

pytestmark = pytest.mark.django_db


def kept():
    return {
        (row.person_id, row.month): row.mentions
        for row in PersonMonthCount.objects.exclude(mentions=0)
    }


def counted():
    rows = (
        Mention.objects.filter(person__isnull=False)
        .exclude(review_status=ReviewStatus.REJECTED)
        .exclude(article__review_status=ReviewStatus.REJECTED)
        .annotate(month=TruncMonth("article__published_date"))
        .order_by()
        .values_list("person_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(person, month): n for person, month, n in rows}


@pytest.fixture
def two_people():
    belousov = f.make_person(name="Andrei Belousov")
    dong = f.make_person(name="Dong Jun")
    first = f.make_article(
        body="Andrei Belousov met Dong Jun.", published_date=datetime.date(2024, 10, 14)
    )
    second = f.make_article(body="Dong Jun spoke.", published_date=datetime.date(2024, 11, 2))
    f.make_mention(first, belousov)
    f.make_mention(first, dong)
    f.make_mention(second, dong)
    return belousov, dong, first, second


def test_mentions_added_and_rejected(two_people):
    belousov, dong, first, _ = two_people
    assert kept() == counted()
    assert kept()[dong.pk, datetime.date(2024, 10, 1)] == 1
    f.make_mention(first, dong, text="Dong")
    assert kept()[dong.pk, datetime.date(2024, 10, 1)] == 2
    curation.reject(Mention.objects.filter(article=first, person=belousov))
    assert (belousov.pk, datetime.date(2024, 10, 1)) not in kept()
    assert kept() == counted()


def test_articles_redated_rejected_and_deleted(two_people):
    belousov, dong, first, second = two_people
    first.published_date = datetime.date(2023, 4, 18)
    first.save()
    assert kept()[belousov.pk, datetime.date(2023, 4, 1)] == 1
    Article.objects.filter(pk=second.pk).update(published_date=None, date_precision="unknown")
    assert kept()[dong.pk, None] == 1
    curation.reject(Article.objects.filter(pk=first.pk))
    assert kept() == counted() == {(dong.pk, None): 1}
    curation.confirm(Article.objects.filter(pk=first.pk))
    assert kept() == counted()
    Article.objects.filter(pk=first.pk).update(title="A title alone moves nothing")
    assert kept() == counted()
    first.delete()
    assert kept() == counted() == {(dong.pk, None): 1}


def test_merged_people(two_people):
    belousov, _, _, _ = two_people
    duplicate = f.make_person(name="A. Belousov")
    article = f.make_article(
        body="A. Belousov arrived.", published_date=datetime.date(2024, 10, 15)
    )
    f.make_mention(article, duplicate)
    curation.merge(belousov, [duplicate])
    assert kept()[belousov.pk, datetime.date(2024, 10, 1)] == 2
    assert kept() == counted()


def test_a_batched_import_keeps_the_counts(tmp_path):
    load_gazetteer(gazetteer())
    paths = sorted(CORPUS.glob("*"))
    list(Importer(today=TODAY, batch_size=10).import_paths(paths))
    assert counted() and kept() == counted()
