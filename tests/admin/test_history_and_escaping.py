"""The admin log records reviews; model text is always escaped."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article
from tests import factories as f

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def test_titles_are_escaped_in_the_changelist_and_the_queue(curator_client, db):
    article = f.make_article(title=SCRIPT)
    for url in (
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_review_queue"),
        reverse("admin:archive_article_change", args=[article.pk]),
    ):
        content = curator_client.get(url).content.decode()
        assert SCRIPT not in content, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content, url


def test_names_are_escaped_in_inline_links_and_the_merge_page(curator_client, archive_world):
    person = f.make_person(name=SCRIPT)
    f.make_mention(archive_world.talks, person, "Dong Jun")
    page = curator_client.get(
        reverse("admin:archive_article_change", args=[archive_world.talks.pk])
    )
    assert SCRIPT not in page.content.decode()
    merge = curator_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [person.pk, archive_world.dong.pk]},
    )
    assert merge.status_code == 200
    assert SCRIPT not in merge.content.decode()


def test_reviews_and_edits_show_in_the_history(curator_client, archive_world):
    dong = archive_world.dong
    curator_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [dong.pk]},
    )
    entry = LogEntry.objects.get(object_id=str(dong.pk))
    assert "rejected" in entry.change_message
    history = curator_client.get(reverse("admin:archive_person_history", args=[dong.pk]))
    assert history.status_code == 200
    assert "rejected" in history.content.decode()


def changelist(client, model, lookup="q", ordered=False):
    """A function: a value of `lookup` (None: keyword parameters) -> the admin list's rows."""

    def rows(value=None, **params):
        response = client.get(
            reverse(f"admin:archive_{model}_changelist"), {lookup: value} if lookup else params
        )
        assert response.status_code == 200
        listed = response.context["cl"].result_list
        return list(listed) if ordered else set(listed)

    return rows


def test_the_article_search_box_finds_by_text_id_url_or_site(curator_client, archive_world):
    w = archive_world
    w.tass.domains = ["tass.com", "tass.ru"]
    w.tass.save()
    found = changelist(curator_client, "article")

    # "exercises" appears only in a body: the default title/URL search cannot find it.
    assert found("exercises") == {w.talks}
    assert found("Belousov") == {w.talks, w.reply}
    assert w.reply in found(str(w.reply.pk))  # by id, and any text holding the number
    assert found("https://tass.com/defense/1856001") == {w.talks}
    assert found("https://tass.com/defense") == set()  # a URL is matched whole
    from_tass = {a for a in (w.talks, w.reply, w.visit, w.undated, w.russian) if a.outlet == w.tass}
    assert w.talks in from_tass and w.reply not in from_tass
    assert found("tass.com") == found("www.TASS.com") == from_tass
    assert found("news.cn") == set()  # no outlet has that site
    assert found("-") == set()
    response = curator_client.get(reverse("admin:archive_article_changelist"), {"q": "-"})
    assert "Type at least one word" in response.content.decode()


def test_articles_are_listed_by_language_and_outlet_without_reading_every_article(
    curator_client, archive_world
):
    w = archive_world
    idle = f.make_outlet(name="Idle Wire", slug="idle-wire")
    untold = f.make_article(title="No language told", outlet=w.xinhua, language="")
    url = reverse("admin:archive_article_changelist")
    listed = changelist(curator_client, "article", lookup=None)
    everything = set(Article.objects.all())

    with CaptureQueriesContext(connection) as queries:
        choices = curator_client.get(url).content.decode()
    # Django's filters read every article's language and outlet for their choices.
    assert not [
        q["sql"] for q in queries if "DISTINCT" in q["sql"] and '"archive_article"' in q["sql"]
    ]
    for value in ("en", "ru", "unknown"):
        assert f"?language={value}" in choices
    assert f"?outlet__id__exact={w.tass.pk}" in choices
    assert f"?outlet__id__exact={idle.pk}" not in choices  # no articles
    assert listed(language="ru") == {a for a in everything if a.language == "ru"} != set()
    assert listed(language="unknown") == {untold}
    assert listed(outlet__id__exact=w.tass.pk) == {a for a in everything if a.outlet == w.tass}


def test_articles_are_listed_by_year_published_or_undated(curator_client, archive_world):
    w = archive_world
    url = reverse("admin:archive_article_changelist")
    listed = changelist(curator_client, "article", lookup=None)

    dated = [a for a in (w.talks, w.reply, w.russian, w.visit) if a.published_date]
    years = {a.published_date.year for a in dated}
    choices = curator_client.get(url).content.decode()
    for year in range(min(years), max(years) + 1):
        assert f"?published_year={year}" in choices
    for year in years:
        assert listed(published_year=year) == {a for a in dated if a.published_date.year == year}
    assert listed(published_year="undated") == {w.undated}
    assert curator_client.get(url, {"published_year": "20x4"}).status_code == 302  # ?e=1


def test_the_mention_search_box_finds_mentions_of_people_and_organizations_by_any_name(
    curator_client, archive_world
):
    from archive.models import Mention

    w = archive_world
    f.make_mention(w.reply, w.ministry, "Ministry of National Defense")
    found = changelist(curator_client, "mention")

    shoigu = set(Mention.objects.filter(person=w.shoigu))
    assert len(shoigu) == 3
    assert found("Шойгу") == found("shoigu") == shoigu  # an alias, any case
    ministry = set(Mention.objects.filter(organization=w.ministry))
    assert len(ministry) == 2
    assert found("National Defense") == ministry
    assert found("Nobody Known") == set()


def test_mentions_are_filtered_by_extractor(curator_client, archive_world):
    from archive.models import Mention

    w = archive_world
    Mention.objects.filter(article=w.reply).update(extractor="rules:titled")
    url = reverse("admin:archive_mention_changelist")
    page = curator_client.get(url).content.decode()
    assert "?extractor=rules%3Atitled" in page
    response = curator_client.get(url, {"extractor": "rules:titled"})
    assert set(response.context["cl"].result_list) == set(Mention.objects.filter(article=w.reply))
    assert len(response.context["cl"].result_list) == 2


def test_the_outlet_list_counts_each_outlets_shown_articles(curator_client, archive_world):
    from archive.models import Article, ReviewStatus

    w = archive_world
    Article.objects.filter(pk=w.visit.pk).update(review_status=ReviewStatus.REJECTED)
    response = curator_client.get(reverse("admin:archive_outlet_changelist"))
    counts = {outlet.slug: outlet.article_count for outlet in response.context["cl"].result_list}
    shown = Article.objects.exclude(review_status=ReviewStatus.REJECTED)
    assert counts == {
        o.slug: shown.filter(outlet=o).count() for o in (w.tass, w.xinhua, w.global_times)
    }
    assert counts["tass"] == Article.objects.filter(outlet=w.tass).count() - 1


def test_the_meeting_search_box_finds_by_place_summary_or_any_name_of_a_participant(
    curator_client, archive_world
):
    w = archive_world
    w.beijing_talks.summary = "Talks on naval drills."
    w.beijing_talks.save()
    found = changelist(curator_client, "meeting", ordered=True)

    assert found("moscow") == [w.moscow_visit]
    assert found("naval") == [w.beijing_talks]
    assert found("Шойгу") == found("Shoygu") == [w.moscow_visit]  # aliases
    assert set(found("Dong Jun")) == {w.beijing_talks, w.moscow_visit}  # each once
    assert found("Nobody Known") == []


def test_the_quote_and_report_search_boxes_find_by_text_or_any_name_of_a_speaker_or_participant(
    curator_client, archive_world
):
    from archive.models import MeetingReport, Quote

    w = archive_world
    f.make_quote(w.reply, w.dong, text="Both armies will train together.")
    by_belousov = set(Quote.objects.filter(person=w.belousov))
    assert len(by_belousov) == 1
    quotes = changelist(curator_client, "quote")
    assert quotes("Белоусов") == quotes("andrei belousov") == by_belousov  # alias, any case
    assert quotes("TRAIN together") == set(Quote.objects.filter(person=w.dong))
    assert quotes("Nobody Known") == set()

    reports = changelist(curator_client, "meetingreport")
    shoigu = set(MeetingReport.objects.filter(meeting=w.moscow_visit))
    assert reports("Shoygu") == shoigu
    assert reports("the ministers met") == set(MeetingReport.objects.all())
    assert reports("Nobody Known") == set()
