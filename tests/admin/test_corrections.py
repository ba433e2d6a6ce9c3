"""A curator's corrections survive re-extraction and re-import, end to end."""

from datetime import date

import pytest
from django.urls import reverse

from archive.ingest.gazetteer import Gazetteer
from archive.ingest.store import ArticleExtractor, Importer, load_gazetteer
from archive.models import Article, Meeting, Mention, Person
from tests.ingest.conftest import SMALL_GAZETTEER

pytestmark = pytest.mark.django_db

STORY = """ date 2024-10-14 https://tass.com/defense/1856001
Belousov and Dong Jun hold talks in Beijing
Share
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov and Chinese Defense Minister Dong Jun held talks in Beijing on Monday.
The ministers discussed joint exercises. Belousov said: "Our cooperation is at its highest level."
"""
# The same URL with a sentence added at the end: the mentions keep their offsets.
REVISED = STORY + "The ministers also discussed naval patrols in the Pacific.\n"

GAZETTEER = {
    **SMALL_GAZETTEER,
    "people": [
        {
            "name": "Andrei Belousov",
            "slug": "andrei-belousov",
            "country": "RU",
            "aliases": ["Belousov"],
            "positions": [
                {"title": "Minister of Defence", "role": "defense_minister", "start": "2024-05-14"}
            ],
        },
        {
            "name": "Dong Jun",
            "slug": "dong-jun",
            "country": "CN",
            "positions": [
                {
                    "title": "Minister of National Defense",
                    "role": "defense_minister",
                    "start": "2023-12-29",
                }
            ],
        },
    ],
}


def import_text(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    [result] = Importer(today=date(2026, 1, 1)).import_paths([str(path)])
    return result


def set_inline(data, prefix, row_pk, field, value):
    """Set `field` of the inline row whose id is `row_pk`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    for n in range(total):
        if data.get(f"{prefix}-{n}-id") == [str(row_pk)]:
            data[f"{prefix}-{n}-{field}"] = [value]
            return
    raise AssertionError(f"no row {row_pk} in {prefix}")


def test_corrections_survive_reextraction_and_reimport(curator_client, admin_form, tmp_path):
    load_gazetteer(Gazetteer.from_dict(GAZETTEER))
    article = import_text(tmp_path, "a.txt", STORY).article
    belousov = Person.objects.get(slug="andrei-belousov")
    first, _dong, again = article.mentions.order_by("start")
    assert (first.text, again.text, again.person) == ("Andrei Belousov", "Belousov", belousov)
    meeting = Meeting.objects.get(reports__article=article)
    assert meeting.review_status == "auto"

    # The curator corrects the headline, confirms one mention and rejects another ...
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = admin_form(curator_client.get(url), "article_form")
    data["title"] = ["Belousov, Dong Jun discuss exercises"]
    set_inline(data, "mentions", first.pk, "review_status", "confirmed")
    set_inline(data, "mentions", again.pk, "review_status", "rejected")
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]

    # ... and confirms the meeting, correcting its place.
    url = reverse("admin:archive_meeting_change", args=[meeting.pk])
    data = admin_form(curator_client.get(url), "meeting_form")
    data["place"] = ["Beijing, Bayi Building"]
    data["review_status"] = ["confirmed"]
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]

    article.refresh_from_db()
    assert article.title == "Belousov, Dong Jun discuss exercises"
    assert article.review_status == "confirmed"
    assert set(article.curated_fields) == {"title", "review_status"}
    meeting.refresh_from_db()
    assert set(meeting.curated_fields) == {"place", "review_status"}

    # The machine runs again: re-extraction, then a new text at the same URL.
    ArticleExtractor().apply(article)
    result = import_text(tmp_path, "b.txt", REVISED)
    assert result.status == "updated"
    ArticleExtractor().apply(Article.objects.get(pk=article.pk))

    article.refresh_from_db()
    assert article.title == "Belousov, Dong Jun discuss exercises"
    assert "naval patrols" in article.body
    assert article.review_status == "confirmed"
    mentions = {(m.start, m.person_id): m.review_status for m in article.mentions.all()}
    assert mentions[(first.start, belousov.pk)] == "confirmed"
    assert mentions[(again.start, belousov.pk)] == "rejected"
    assert not Mention.objects.filter(article=article, person=belousov, start=again.start).exclude(
        review_status="rejected"
    )
    meeting.refresh_from_db()
    assert (meeting.review_status, meeting.place) == ("confirmed", "Beijing, Bayi Building")
    assert list(Meeting.objects.filter(reports__article=article)) == [meeting]


def test_a_save_without_changes_curates_nothing(curator_client, admin_form, archive_world):
    article = archive_world.talks
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = admin_form(curator_client.get(url), "article_form")
    # What a browser sends: CRLF line ends in every textarea.
    data["body"] = [data["body"][0].replace("\n", "\r\n")]
    assert curator_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.review_status, article.curated_fields) == ("auto", [])
    assert article.body == archive_world.talks.body


def test_a_curators_date_is_exact_and_takes_the_article_out_of_the_queue(
    curator_client, admin_form, archive_world
):
    article = archive_world.undated
    article.url = "https://example.org/undated"
    article.save()
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = admin_form(curator_client.get(url), "article_form")
    data["published_date"] = ["2024-06-01"]
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    article.refresh_from_db()
    assert (article.published_date, article.date_precision) == (date(2024, 6, 1), "day")
    assert (article.date_confidence, article.date_source) == ("exact", "curator")
    assert {"published_date", "date_precision", "date_source"} <= set(article.curated_fields)
    assert article.review_status == "confirmed"


def test_an_inline_edit_curates_the_row_not_the_article(curator_client, admin_form, archive_world):
    article = archive_world.talks
    quote = article.quotes.get()
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = admin_form(curator_client.get(url), "article_form")
    set_inline(data, "quotes", quote.pk, "role_title", "Defence Minister")
    assert curator_client.post(url, data).status_code == 302
    quote.refresh_from_db()
    article.refresh_from_db()
    assert (quote.role_title, quote.review_status) == ("Defence Minister", "confirmed")
    assert set(quote.curated_fields) == {"role_title", "review_status"}
    assert (article.review_status, article.curated_fields) == ("auto", [])


def test_a_report_added_by_hand_confirms_its_meeting(curator_client, admin_form, archive_world):
    w = archive_world
    url = reverse("admin:archive_article_change", args=[w.russian.pk])
    data = admin_form(curator_client.get(url), "article_form")
    data["meeting_reports-2-0-meeting"] = [str(w.moscow_visit.pk)]
    data["meeting_reports-2-0-evidence"] = ["Сергей Шойгу провёл переговоры"]
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert w.russian in Meeting.objects.get(pk=w.moscow_visit.pk).articles.all()
    assert Meeting.objects.get(pk=w.moscow_visit.pk).review_status == "confirmed"


OTHER_REPORT = """ date 2024-10-14 https://www.globaltimes.cn/page/202410/1321.shtml
Chinese, Russian defense chiefs meet in Beijing
Chinese Defense Minister Dong Jun met Russian counterpart Andrei Belousov in Beijing on Monday, the Chinese defense ministry said.
"""


def test_a_split_survives_reextraction(tmp_path):
    from archive import curation

    load_gazetteer(Gazetteer.from_dict(GAZETTEER))
    tass = import_text(tmp_path, "a.txt", STORY).article
    global_times = import_text(tmp_path, "b.txt", OTHER_REPORT).article
    meeting = Meeting.objects.get()
    new = curation.split_meeting(meeting, meeting.reports.filter(article=global_times))
    for article in (tass, global_times):
        ArticleExtractor().apply(article)
    assert list(Meeting.objects.filter(reports__article=tass)) == [meeting]
    assert list(Meeting.objects.filter(reports__article=global_times)) == [new]


def test_record_correction_rules(archive_world):
    from archive.curation import record_correction

    person = archive_world.gerasimov
    person.review_reasons = ["discovered by extraction"]
    assert record_correction(person, ["name", "curated_fields"]) == ["name", "review_status"]
    assert (person.review_status, person.review_reasons) == ("confirmed", [])

    person.review_status = "rejected"
    assert record_correction(person, ["review_status"]) == ["name", "review_status"]
    assert person.review_status == "rejected"

    person.review_status = "needs_review"
    assert record_correction(person, ["review_status", "country"]) == ["country", "name"]
    assert person.review_status == "needs_review"

    assert record_correction(person, []) == ["country", "name"]


def test_an_alias_a_curator_adds_or_removes_finds_the_persons_articles(
    curator_client, admin_form, tmp_path
):
    load_gazetteer(Gazetteer.from_dict(GAZETTEER))
    article = import_text(tmp_path, "a.txt", STORY).article
    dong = Person.objects.get(slug="dong-jun")
    assert not Article.objects.search("Тун Цзюнь").exists()

    # Added from the alias list ...
    url = reverse("admin:archive_personalias_add")
    data = {"name": ["Тун Цзюнь"], "person": [str(dong.pk)]}
    assert curator_client.post(url, data).status_code == 302
    assert list(Article.objects.search("Тун Цзюнь")) == [article]

    # ... removed from the person's page ...
    url = reverse("admin:archive_person_change", args=[dong.pk])
    data = admin_form(curator_client.get(url), "person_form")
    alias = dong.aliases.get(name="Тун Цзюнь")
    set_inline(data, "aliases", alias.pk, "DELETE", "on")
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert not Article.objects.search("Тун Цзюнь").exists()

    # ... and a new name for the person finds the article too.
    data = admin_form(curator_client.get(url), "person_form")
    data["name"] = ["Dong Jun (admiral)"]
    assert curator_client.post(url, data).status_code == 302
    assert list(Article.objects.search("admiral")) == [article]
