"""Batched import: documents stored many to a transaction, prepared by worker processes,
and an archive that ends exactly as if every document had been stored on its own."""

import json
import multiprocessing
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from archive.ingest import places
from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
from archive.ingest.prepare import START_METHOD, Workers
from archive.ingest.store import Importer, load_gazetteer
from archive.models import (
    Article,
    ArticleSource,
    Meeting,
    Mention,
    Organization,
    Outlet,
    Person,
    Quote,
    ReviewStatus,
)
from tests.ingest.gazetteer_data import gazetteer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
CORPUS = Path(__file__).parent / "corpus"
TALKS = """ date 2024-10-14 https://tass.com/defense/1856101
Belousov and Dong Jun meet in Beijing
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov held talks with Chinese Defense Minister Dong Jun in Beijing on Monday.
"Our armies trust each other," Belousov said after the talks.
"""
SAME_TALKS = """ date 2024-10-15 https://english.news.cn/20241015/talks/c.html
Chinese, Russian defense ministers hold talks
BEIJING, Oct. 14 (Xinhua) -- Chinese Defense Minister Dong Jun met with Russian Defense Minister Andrei Belousov in Beijing on Monday, and both called the ties between their armed forces steady.
"""
CALL = """ date 2026-01-27 https://tass.com/defense/2000101
Belousov and Dong Jun talk by video link
MOSCOW, January 27. /TASS/. Andrei Belousov and Dong Jun held talks via videoconference on Tuesday about the exercises planned for the summer.
"""
TOO_LONG_URL = "https://tass.com/defense/" + "x" * 2100  # the url column holds 2,000


@pytest.fixture(autouse=True)
def gazetteer_loaded():
    load_gazetteer(gazetteer())


def write(folder, files):
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in sorted(files)]


def import_all(paths, **options):
    return list(Importer(today=TODAY, **options).import_paths(paths))


def by_name(results):
    return {Path(r.source).name: r for r in results}


def test_a_document_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored(
    tmp_path,
):
    bad = CALL.replace("https://tass.com/defense/2000101", TOO_LONG_URL)
    paths = write(tmp_path, {"1-talks.txt": TALKS, "2-bad.txt": bad, "3-same.txt": SAME_TALKS})
    results = by_name(import_all(paths))
    assert [results[n].status for n in sorted(results)] == ["imported", "failed", "imported"]
    assert results["2-bad.txt"].message.startswith("could not store:")
    assert "too long" in results["2-bad.txt"].message
    assert Article.objects.count() == 2
    for name in ("1-talks.txt", "3-same.txt"):
        stored = Article.objects.get(pk=results[name].article.pk)
        assert stored.mentions.filter(person__slug="andrei-belousov").exists()
    meeting = Meeting.objects.get()
    assert meeting.reports.count() == 2
    assert not Article.objects.filter(url__startswith="https://tass.com/defense/xxx").exists()


def test_a_failed_batch_forgets_the_outlet_it_made_and_the_document_alone_makes_it_again(
    tmp_path,
):
    record = {
        "title": "Austin and Dong Jun hold a video call",
        "url": "https://wire.example.org/austin-dong",
        "outlet": "Example Wire",
        "published": "2024-04-16",
        "body": "Lloyd Austin and Chinese Defense Minister Dong Jun spoke by video call on "
        "Tuesday, the first such call in more than a year.",
    }
    bad = CALL.replace("https://tass.com/defense/2000101", TOO_LONG_URL)
    paths = write(tmp_path, {"1-record.json": json.dumps(record), "2-bad.txt": bad})
    results = by_name(import_all(paths))
    assert results["1-record.json"].status == "needs_review"
    assert results["2-bad.txt"].status == "failed"
    wire = Outlet.objects.get(name="Example Wire")
    assert wire.review_status == ReviewStatus.NEEDS_REVIEW
    assert Article.objects.get().outlet == wire


def test_duplicates_within_one_batch(tmp_path):
    reprint = TALKS.replace(
        "https://tass.com/defense/1856101", "https://digest.example.net/reprint/7"
    ).replace(
        "Belousov and Dong Jun meet in Beijing\n", "Menu\nBelousov and Dong Jun meet in Beijing\n"
    )
    paths = write(tmp_path, {"1-talks.txt": TALKS, "2-reprint.txt": reprint, "3-again.txt": TALKS})
    results = by_name(import_all(paths))
    assert [results[n].status for n in sorted(results)] == ["imported", "duplicate", "duplicate"]
    article = Article.objects.get()
    assert "recorded as another source" in results["2-reprint.txt"].message
    assert results["3-again.txt"].message == f"already in the archive as article {article.pk}"
    source = ArticleSource.objects.get()
    assert (source.article, source.url) == (article, "https://digest.example.net/reprint/7")
    assert source.outlet.review_status == ReviewStatus.NEEDS_REVIEW


def test_a_meeting_reported_twice_in_one_batch_is_one_meeting(tmp_path):
    paths = write(tmp_path, {"1-tass.txt": TALKS, "2-xinhua.txt": SAME_TALKS, "3-call.txt": CALL})
    results = by_name(import_all(paths))
    assert {r.status for r in results.values()} == {"imported"}
    talks = Meeting.objects.get(date=date(2024, 10, 14))
    reporting = set(talks.reports.values_list("article_id", flat=True))
    assert reporting == {results["1-tass.txt"].article.pk, results["2-xinhua.txt"].article.pk}
    assert set(talks.participants.values_list("slug", flat=True)) == {"andrei-belousov", "dong-jun"}
    assert Meeting.objects.exclude(pk=talks.pk).get().format == "video"


def test_a_planned_meeting_becomes_held_within_one_batch(tmp_path):
    planned = (
        " date 2024-10-10 https://tass.com/defense/1855100\n"
        "Belousov to visit China\n"
        "MOSCOW, October 10. /TASS/. Andrei Belousov will hold talks with Dong Jun in Beijing "
        "next week.\n"
    )
    import_all(write(tmp_path, {"1-planned.txt": planned, "2-held.txt": TALKS}))
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.date) == ("held", date(2024, 10, 14))
    assert meeting.reports.count() == 2


def test_a_new_text_at_a_url_of_the_same_batch_updates_it_and_each_report_keeps_its_text(
    tmp_path,
):
    revised = TALKS.replace("Monday.", "Monday, and agreed on joint naval patrols.")
    results = by_name(import_all(write(tmp_path, {"1-first.txt": TALKS, "2-revised.txt": revised})))
    first, second = results["1-first.txt"], results["2-revised.txt"]
    assert (first.status, second.status) == ("imported", "updated")
    assert Article.objects.get().pk == first.article.pk == second.article.pk
    assert "naval patrols" in Article.objects.get().body
    assert "naval patrols" not in first.report()["body"]
    assert "naval patrols" in second.report()["body"]


def test_three_texts_at_one_url_in_one_batch_leave_the_last_with_its_meeting(tmp_path):
    second = TALKS.replace("Monday.", "Monday, and agreed on joint naval patrols.")
    third = TALKS.replace("Monday.", "Monday, and agreed on joint air patrols.")
    files = {"1-first.txt": TALKS, "2-second.txt": second, "3-third.txt": third}
    results = by_name(import_all(write(tmp_path, files)))
    assert [results[n].status for n in sorted(results)] == ["imported", "updated", "updated"]
    article = Article.objects.get()
    assert "air patrols" in article.body and "naval patrols" not in article.body
    meeting = Meeting.objects.get()
    assert list(meeting.reports.values_list("article_id", flat=True)) == [article.pk]
    assert article.mentions.filter(person__slug="dong-jun").exists()


def test_a_person_found_by_one_document_is_named_by_the_next_of_the_batch(tmp_path):
    titled = TALKS.replace(
        '"Our armies',
        "Lieutenant General Pavel Orlanov, head of the cooperation directorate, attended.\n"
        '"Our armies',
    )
    untitled = CALL.replace("about the exercises", "with Pavel Orlanov, about the exercises")
    results = by_name(
        import_all(write(tmp_path, {"1-titled.txt": titled, "2-later.txt": untitled}))
    )
    orlanov = Person.objects.get(name="Pavel Orlanov")
    assert orlanov.review_status == ReviewStatus.NEEDS_REVIEW
    later = results["2-later.txt"].article
    assert Mention.objects.filter(article=later, person=orlanov).exists()
    assert "Pavel Orlanov" in Article.objects.get(pk=later.pk).names_text


# One batch, one document a batch, worker processes: the same archive ----------------------


def snapshot():
    """The archive's content, without ids: a multiset of rows for each table."""

    def hash_of(article):
        return article.content_hash if article else None

    def slug(record):
        return record.slug if record else None

    def without_ids(text):
        return re.sub(r"article \d+", "article N", text)

    meetings = Meeting.objects.prefetch_related("participations__person", "reports__article")
    return {
        "articles": Counter(
            (
                a.content_hash,
                a.title,
                a.url,
                slug(a.outlet),
                a.published_date,
                a.date_precision,
                a.date_confidence,
                a.date_source,
                a.dateline,
                a.language,
                a.review_status,
                tuple(a.review_reasons),
                a.body,
                a.raw_text,
                bytes(a.raw_bytes) if a.raw_bytes is not None else None,
                a.names_text,
                a.source_path,
            )
            for a in Article.objects.select_related("outlet")
        ),
        "sources": Counter(
            (hash_of(s.article), s.url, s.raw_hash, slug(s.outlet), s.source_path)
            for s in ArticleSource.objects.select_related("article", "outlet")
        ),
        "mentions": Counter(
            (
                hash_of(m.article),
                slug(m.person),
                slug(m.organization),
                m.start,
                m.end,
                m.text,
                m.role_title,
                m.evidence,
                m.extractor,
            )
            for m in Mention.objects.select_related("article", "person", "organization")
        ),
        "quotes": Counter(
            (hash_of(q.article), slug(q.person), q.text, q.start, q.end, q.role_title)
            for q in Quote.objects.select_related("article", "person")
        ),
        "meetings": Counter(
            (
                m.date,
                m.date_precision,
                m.place,
                m.format,
                m.kind,
                m.status,
                m.summary,
                tuple(sorted((p.person.slug, p.role_title) for p in m.participations.all())),
                tuple(sorted(r.article.content_hash for r in m.reports.all())),
            )
            for m in meetings
        ),
        "people": Counter(
            (p.slug, p.name, p.country, p.review_status, without_ids(p.notes))
            for p in Person.objects.all()
        ),
        "outlets": Counter(
            (o.slug, o.name, tuple(o.domains), o.review_status, tuple(o.review_reasons))
            for o in Outlet.objects.all()
        ),
    }


def outcome(results):
    """What each document's result says, with article ids left out."""
    rows = []
    for result in results:
        report = result.report()
        report.pop("id", None)
        report["message"] = re.sub(r"article \d+", "article N", report["message"])
        rows.append(report)
    return rows


def corpus(tmp_path):
    """The ingest test corpus into which two documents of ours bring a person the gazetteer
    lacks: the first with his rank, the second, much later, by name alone."""
    paths = sorted(str(p) for p in CORPUS.iterdir() if p.name != "expected.json")
    titled, untitled = write(
        tmp_path,
        {
            "titled.txt": TALKS.replace(
                '"Our armies',
                "Lieutenant General Pavel Orlanov, head of the cooperation directorate, attended.\n"
                '"Our armies',
            ),
            "untitled.txt": CALL.replace("about the", "with Pavel Orlanov present, about the"),
        },
    )
    return [*paths[:3], titled, *paths[3:30], untitled, *paths[30:]]


def empty_archive():
    for model in (Article, Meeting, Person, Organization, Outlet):
        model.objects.all().delete()
    load_gazetteer(Gazetteer.from_file(DEFAULT_GAZETTEER_PATH))


def import_corpus(paths, **options):
    """Import `paths` into an emptied archive: the results and the archive's snapshot."""
    empty_archive()
    return outcome(import_all(paths, **options)), snapshot()


def test_batches_store_what_one_document_a_transaction_stores(tmp_path):
    paths = corpus(tmp_path)
    alone = import_corpus(paths, batch_size=1)
    batched = import_corpus(paths, batch_size=100)
    assert batched[0] == alone[0]
    assert batched[1] == alone[1]
    assert len(alone[0]) > 40
    assert {row["status"] for row in alone[0]} == {
        "imported",
        "needs_review",
        "duplicate",
        "failed",
    }
    orlanov = Person.objects.get(name="Pavel Orlanov", review_status=ReviewStatus.NEEDS_REVIEW)
    assert orlanov.mentions.filter(article__source_path__endswith="untitled.txt").exists()
    assert Outlet.objects.filter(review_status=ReviewStatus.NEEDS_REVIEW).exists()


def test_worker_processes_prepare_the_same_archive_and_end_with_the_import(tmp_path):
    paths = corpus(tmp_path)
    alone = import_corpus(paths, batch_size=1)
    empty_archive()
    importer = Importer(today=TODAY, batch_size=5, workers=2)
    results, workers_seen = [], 0
    for result in importer.import_paths(paths):
        workers_seen = max(workers_seen, len(multiprocessing.active_children()))
        results.append(result)
    assert workers_seen == 2
    assert multiprocessing.active_children() == []
    assert outcome(results) == alone[0]
    assert snapshot() == alone[1]


def _cities_loaded():
    return places.cities.cache_info().currsize == 1


@pytest.mark.skipif(START_METHOD != "fork", reason="only forked workers inherit tables")
def test_forked_workers_start_with_the_cities_table_loaded():
    places.cities.cache_clear()
    with Workers(2, TODAY) as workers:
        assert workers._executor.submit(_cities_loaded).result()


def test_small_input_is_prepared_without_starting_workers(tmp_path):
    paths = write(tmp_path, {"1-tass.txt": TALKS, "2-xinhua.txt": SAME_TALKS})
    importer = Importer(today=TODAY, batch_size=5, workers=2)
    for result in importer.import_paths(paths):
        assert multiprocessing.active_children() == []
        assert result.status == "imported"
