"""Importing into PostgreSQL: statuses, duplicates, updates, isolation of bad documents."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from archive.ingest.store import Importer, load_gazetteer
from archive.models import Article, ArticleSource, Outlet, SuspectedDuplicate

pytestmark = pytest.mark.django_db

STORY = """ date 2024-10-14 https://tass.com/defense/1856001
Belousov and Dong Jun hold talks in Beijing
Share
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov and Chinese Defense Minister Dong Jun held talks in Beijing on Monday.
The ministers discussed joint exercises and the situation in the Asia-Pacific region.
"""


@pytest.fixture(autouse=True)
def gazetteer(small_gazetteer):
    load_gazetteer(small_gazetteer)


def write(folder, name, content, encoding="utf-8"):
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return path


def import_paths(*paths):
    return list(Importer(today=date(2026, 11, 21)).import_paths([str(p) for p in paths]))


def test_text_dump_is_stored_with_outlet_date_and_raw_text(tmp_path):
    [result] = import_paths(write(tmp_path, "a.txt", STORY))
    assert result.status == "imported", result.message
    article = Article.objects.get()
    assert article.title == "Belousov and Dong Jun hold talks in Beijing"
    assert article.outlet.name == "TASS"
    assert article.url == "https://tass.com/defense/1856001"
    assert (article.published_date, article.date_confidence, article.date_source) == (
        date(2024, 10, 14),
        "exact",
        "header",
    )
    assert article.dateline_place == "Beijing"
    assert article.language == "en"
    assert article.raw_text == STORY
    assert "Share" not in article.body


def test_importing_twice_changes_nothing(tmp_path):
    path = write(tmp_path, "a.txt", STORY)
    import_paths(path)
    before = list(Article.objects.values())
    [again] = import_paths(path)
    assert again.status == "duplicate"
    assert list(Article.objects.values()) == before
    assert ArticleSource.objects.count() == 0


def test_same_text_with_other_chrome_and_another_site_is_one_article_with_two_sources(tmp_path):
    import_paths(write(tmp_path, "a.txt", STORY))
    reprint = STORY.replace("https://tass.com/defense/1856001", "https://defense-digest.example/x")
    reprint = reprint.replace("Share\n", "Loading\nAll news\n\n\n").replace("  ", " ")
    [result] = import_paths(write(tmp_path, "b.txt", reprint))
    assert result.status == "duplicate"
    assert Article.objects.count() == 1
    source = ArticleSource.objects.get()
    assert source.url == "https://defense-digest.example/x"
    assert source.outlet.name == "defense-digest.example"
    assert source.outlet.review_status == "needs_review"
    assert source.raw_text == reprint


def test_different_articles_about_one_meeting_stay_separate(tmp_path):
    other = """ date 2024-10-14 https://www.globaltimes.cn/page/202410/1321.shtml
Chinese, Russian defense chiefs meet in Beijing
Chinese Defense Minister Dong Jun met Russian counterpart Andrei Belousov in Beijing on Monday, the Chinese defense ministry said, calling military ties a pillar of relations.
"""
    results = import_paths(write(tmp_path, "a.txt", STORY), write(tmp_path, "b.txt", other))
    assert [r.status for r in results] == ["imported", "imported"]
    assert Article.objects.get(pk=results[1].article.pk).outlet.name == "Global Times"


def test_new_text_at_a_known_url_updates_the_article(tmp_path):
    [first] = import_paths(write(tmp_path, "a.txt", STORY))
    revised = STORY.replace("joint exercises", "joint exercises and naval patrols")
    [second] = import_paths(write(tmp_path, "b.txt", revised))
    assert second.status == "updated"
    assert Article.objects.get().pk == first.article.pk
    assert "naval patrols" in Article.objects.get().body


def twins():
    return dict(SuspectedDuplicate.objects.values_list("article", "twin"))


def test_an_article_titled_like_an_earlier_one_is_a_suspected_duplicate(tmp_path):
    [first] = import_paths(write(tmp_path, "a.txt", STORY))
    other = STORY.replace("1856001", "1856002").replace("joint exercises", "air defense")
    again = STORY.replace("1856001", "1856003").replace("joint exercises", "naval drills")
    second, third = import_paths(write(tmp_path, "b.txt", other), write(tmp_path, "c.txt", again))
    assert twins() == {second.article.pk: first.article.pk, third.article.pk: first.article.pk}
    retitled = other.replace("hold talks in Beijing", "open a hotline").replace(
        "air defense", "a hotline"
    )
    [updated] = import_paths(write(tmp_path, "d.txt", retitled))
    assert (updated.status, updated.article.pk) == ("updated", second.article.pk)
    assert twins() == {third.article.pk: first.article.pk}


def test_curated_fields_survive_a_reimport(tmp_path):
    [first] = import_paths(write(tmp_path, "a.txt", STORY))
    article = first.article
    article.title = "Curated headline"
    article.curated_fields = ["title"]
    article.save()
    revised = STORY.replace("joint exercises", "joint exercises and naval patrols")
    import_paths(write(tmp_path, "b.txt", revised))
    article.refresh_from_db()
    assert article.title == "Curated headline"
    assert "naval patrols" in article.body


def test_bad_documents_fail_alone_with_clear_messages(tmp_path):
    paths = [
        write(tmp_path, "1-empty.txt", ""),
        write(tmp_path, "2-binary.txt", bytes(range(256)) * 8),
        write(tmp_path, "3-good.txt", STORY),
        write(tmp_path, "4-bad.json", '{"title": "Unclosed'),
        write(tmp_path, "5-nobody.json", json.dumps({"title": "Only a title"})),
    ]
    results = import_paths(tmp_path)
    by_name = {r.source.rsplit("/", 1)[-1]: r for r in results}
    assert by_name["3-good.txt"].status == "imported"
    assert "empty" in by_name["1-empty.txt"].message
    assert "binary" in by_name["2-binary.txt"].message
    assert "malformed JSON" in by_name["4-bad.json"].message
    assert "body" in by_name["5-nobody.json"].message
    assert [r.status for r in results].count("failed") == 4
    assert Article.objects.count() == 1
    assert len(paths) == len(results)


def test_cp1251_russian_text_imports_correctly(tmp_path):
    text = (
        "Белоусов и Дун Цзюнь провели переговоры\n"
        "МОСКВА, 27 января. /ТАСС/. Министр обороны России Андрей Белоусов и министр обороны "
        "Китая Дун Цзюнь провели переговоры в режиме видеоконференции во вторник, 27 января 2026 года.\n"
    )
    [result] = import_paths(write(tmp_path, "ru.txt", text, encoding="cp1251"))
    assert result.status == "imported", result.message
    article = result.article
    assert article.title == "Белоусов и Дун Цзюнь провели переговоры"
    assert article.language == "ru"
    assert article.raw_encoding == "cp1251"
    assert article.outlet.name == "TASS"
    assert (article.published_date, article.date_confidence) == (date(2026, 1, 27), "inferred")
    assert list(Article.objects.search("переговоров")) == [article]


def test_jsonl_with_a_malformed_line_imports_the_good_lines(tmp_path):
    good = {
        "title": "Austin and Dong Jun hold video call",
        "url": "https://example.org/a",
        "outlet": "Reuters",
        "published": "2024-04-16",
        "body": "US Defense Secretary Lloyd Austin and Chinese Defense Minister Dong Jun spoke by video call on Tuesday.",
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps(
            {
                **good,
                "url": "https://example.org/b",
                "body": good["body"] + " They agreed to keep talking.",
            }
        ),
    ]
    results = import_paths(write(tmp_path, "records.jsonl", "\n".join(lines)))
    # The first record brings a new outlet (flagged once, on the outlet and that article);
    # the second finds it.
    assert [r.status for r in results] == ["needs_review", "failed", "imported"]
    assert results[1].source.endswith("records.jsonl#2")
    assert "malformed JSON" in results[1].message
    assert Outlet.objects.get(name="Reuters").review_status == "needs_review"
    assert results[2].article.outlet.name == "Reuters"


def test_undated_article_is_flagged_not_guessed(tmp_path):
    text = (
        "Defense chiefs to meet next week\n"
        "The defense ministers of Russia and India will meet next week, officials said on Monday.\n"
    )
    [result] = import_paths(write(tmp_path, "x.txt", text))
    assert result.status == "needs_review"
    article = result.article
    assert article.published_date is None
    assert article.date_precision == "unknown"
    assert set(article.review_reasons) == {"date_unknown", "outlet_unknown"}


def test_command_reports_every_document_as_json_lines(tmp_path):
    write(tmp_path, "a.txt", STORY)
    write(tmp_path, "b.txt", "")
    report = tmp_path / "report.jsonl"
    out = io.StringIO()
    call_command(
        "import_articles",
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        "--report",
        str(report),
        "--no-progress",
        stdout=out,
    )
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert [row["status"] for row in rows] == ["imported", "failed"]
    assert rows[0]["outlet"] == "TASS" and rows[0]["published"] == "2024-10-14"
    assert rows[0]["date_precision"] == "day" and rows[0]["language"] == "en"
    assert rows[0]["body"].startswith("BEIJING, October 14. /TASS/.")
    assert "empty" in rows[1]["message"]
    assert (
        "2 documents: 1 imported, 0 updated, 0 duplicate, 0 needs review, 1 failed"
        in out.getvalue()
    )


def test_the_same_html_page_imports_again_in_one_process(tmp_path):
    page = (
        "<html><head><title>Dong Jun meets Belousov</title></head><body><article>"
        "<p>Chinese Defense Minister Dong Jun held talks with Russian Defense Minister Andrei "
        "Belousov in Beijing on Monday, the ministry said.</p>"
        "<p>The two sides agreed to deepen cooperation between their armed forces.</p>"
        "</article></body></html>"
    )
    results = import_paths(write(tmp_path, "a.html", page), write(tmp_path, "b.html", page))
    assert [r.status for r in results] == ["needs_review", "duplicate"]


def test_reloading_the_gazetteer_leaves_a_curators_merge_alone():
    from archive.ingest.gazetteer import Gazetteer
    from archive.models import Person, PersonAlias

    data = {
        "people": [
            {
                "name": "Sergei Shoigu",
                "slug": "sergei-shoigu",
                "country": "RU",
                "aliases": [],
                "positions": [],
            }
        ]
    }
    load_gazetteer(Gazetteer.from_dict(data))
    survivor = Person.objects.create(name="Sergey Shoygu", slug="sergey-shoygu", country="RU")
    PersonAlias.objects.create(person=survivor, name="Sergei Shoigu")
    Person.objects.filter(slug="sergei-shoigu").delete()  # what a merge leaves behind
    load_gazetteer(Gazetteer.from_dict(data))
    assert list(Person.objects.values_list("slug", flat=True)) == ["sergey-shoygu"]
