import datetime

import pytest
from django.db import IntegrityError, transaction

from archive.models import Article, Mention, Outlet, Position
from tests.factories import make_article, make_outlet, make_person

pytestmark = pytest.mark.django_db


def test_article_url_is_unique_when_present():
    make_article(url="https://tass.com/defense/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(url="https://tass.com/defense/1")
    make_article(url=None)
    make_article(url=None)
    assert Article.objects.filter(url__isnull=True).count() == 2


def test_content_hash_is_unique():
    make_article(content_hash="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(content_hash="f" * 64)


def test_a_date_needs_a_precision_and_no_date_means_unknown():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(published_date=None, date_precision="day")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="t",
            body="b",
            raw_text="b",
            content_hash="1" * 64,
            published_date=datetime.date(2024, 10, 14),
            date_precision="unknown",
        )


def test_mention_names_exactly_one_entity_with_a_real_span():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mention.objects.create(article=article, start=0, end=5, text="Dong")
    with pytest.raises(IntegrityError), transaction.atomic():
        Mention.objects.create(article=article, person=make_person(), start=5, end=5, text="")


def test_position_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=make_person(),
            title="Minister",
            start_date=datetime.date(2024, 5, 14),
            end_date=datetime.date(2024, 5, 1),
        )


def test_position_on_a_date_picks_the_post_held_then():
    shoigu = make_person(name="Sergei Shoigu")
    Position.objects.create(
        person=shoigu,
        title="Minister of Defence",
        role="defense_minister",
        start_date=datetime.date(2012, 11, 6),
        end_date=datetime.date(2024, 5, 12),
    )
    Position.objects.create(
        person=shoigu,
        title="Secretary of the Security Council",
        role="security_council_secretary",
        start_date=datetime.date(2024, 5, 12),
    )
    assert shoigu.position_on(datetime.date(2024, 1, 15)).role == "defense_minister"
    assert shoigu.position_on(datetime.date(2024, 10, 14)).role == "security_council_secretary"


def test_search_ranks_title_matches_above_body_matches():
    body_hit = make_article(title="Talks in Beijing", body="Belousov met the minister.")
    title_hit = make_article(title="Belousov visits China", body="The talks went well.")
    ranked = list(Article.objects.search("Belousov"))
    assert ranked == [title_hit, body_hit]


def test_search_ignores_accents_and_uses_the_article_language():
    accented = make_article(title="Visit", body="Shoígu arrived in Pyongyang.")
    russian = make_article(
        title="Визит", body="Министры обороны провели переговоры.", language="ru"
    )
    assert list(Article.objects.search("shoigu")) == [accented]
    # "переговорах" stems to the same word only under the Russian configuration.
    assert list(Article.objects.search("переговорах")) == [russian]


def test_names_text_makes_aliases_searchable():
    article = make_article(
        title="Talks",
        body="The minister met his counterpart.",
        names_text="Sergei Shoigu Shoygu Шойгу",
    )
    assert list(Article.objects.search("Шойгу")) == [article]


def test_outlet_names_are_unique_ignoring_case():
    make_outlet(name="TASS", slug="tass")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_outlet(name="tass", slug="tass-2")


def test_any_of_selects_the_rows_whose_field_is_in_the_list():
    tass, xinhua = make_outlet(name="TASS"), make_outlet(name="Xinhua")
    first, second, third = (make_article(title=f"A {n}", outlet=tass) for n in range(3))
    other = make_article(title="Elsewhere", outlet=xinhua)
    assert set(Article.objects.filter(pk__any=[first.pk, third.pk])) == {first, third}
    assert set(Article.objects.filter(pk__any=(str(second.pk),))) == {second}  # as a form sends
    assert not Article.objects.filter(pk__any=[]).exists()
    assert set(Article.objects.filter(outlet__any=[xinhua.pk])) == {other}  # a foreign key
    assert set(Outlet.objects.filter(name__any=["Xinhua", "AP"])) == {xinhua}  # not integers


def test_any_of_refuses_what_is_not_an_integer_for_an_integer_field():
    with pytest.raises((ValueError, TypeError)):
        list(Article.objects.filter(pk__any=["1},{2"]))
