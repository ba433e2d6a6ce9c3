"""A page's independent reads run on pool threads (archive/parallel_reads.py): off the
request's connection, bounded like it, with the same results as on the request's thread."""

import sys
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from archive import parallel_reads
from archive.filters import ArticleSearchFilter
from archive.models import Article
from archive.search import MARK_ON

# Web requests run in autocommit, as these tests do; in a test's transaction every read
# stays on the request's thread (test_reads_stay_on_the_thread_in_a_transaction).
autocommit = pytest.mark.django_db(transaction=True)

FACET_COUNTS = "WITH sample AS"


@pytest.fixture(autouse=True)
def idle_machine(monkeypatch):
    """A core free, whatever else runs beside the tests."""
    monkeypatch.setattr(parallel_reads, "_core_free", lambda: True)


def shown_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return threading.current_thread().name, cursor.fetchone()[0]


def both_ways(client, settings, url):
    """((response, [SQL on the request's connection]), the same) for a GET of `url` with
    the reads on the request's thread, then with a pool of two."""
    answers = []
    for threads in (0, 2):
        settings.ARCHIVE_PARALLEL_READS = threads
        with CaptureQueriesContext(connection) as request_thread:
            response = client.get(url)
        answers.append((response, [q["sql"] for q in request_thread.captured_queries]))
    return answers


def facets_of(response):
    """{facet: [(label, count, selected)]} as the search page shows them."""
    return {
        facet.name: [(value.label, value.count, value.selected) for value in facet.values]
        for facet in response.context["facets"]
    }


@autocommit
def test_a_search_page_counts_its_facets_off_the_requests_connection(
    client, settings, archive_world
):
    (alone, inline), (beside, request_thread) = both_ways(
        client, settings, "/search/?q=Belousov&outlet=tass"
    )

    # One count for the outlet facet's other values, one for the rest.
    assert sum(FACET_COUNTS in sql for sql in inline) == 2
    assert not any(FACET_COUNTS in sql for sql in request_thread)
    assert facets_of(beside) == facets_of(alone)
    assert facets_of(beside)["outlet"] == [("TASS", 1, True), ("Xinhua", 1, False)]


def snippets_of(response):
    return [(a.pk, a.title_headline, a.snippet) for a in response.context["articles"]]


@autocommit
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_a_search_page_highlights_its_results_while_it_reads_them(
    client, settings, archive_world, sort
):
    (alone, inline), (beside, request_thread) = both_ways(
        client, settings, f"/search/?q=Belousov&sort={sort}"
    )

    assert sum("ts_headline" in sql for sql in inline) == 1
    assert not any("ts_headline" in sql for sql in request_thread)
    assert snippets_of(beside) == snippets_of(alone)
    assert len(snippets_of(beside)) == 2
    assert all(MARK_ON in title + snippet for _, title, snippet in snippets_of(beside))


@autocommit
def test_a_search_page_is_written_while_its_facets_are_counted(
    client, settings, archive_world, monkeypatch
):
    settings.ARCHIVE_PARALLEL_READS = 2
    written = threading.Event()
    link, counted = Article.get_absolute_url, ArticleSearchFilter.count_facets

    def card_link(article):
        written.set()
        return link(article)

    def count_once_the_results_are_written(self, without):
        assert written.wait(5), "the page waited for the facets before writing the results"
        return counted(self, without)

    monkeypatch.setattr(Article, "get_absolute_url", card_link)
    monkeypatch.setattr(ArticleSearchFilter, "count_facets", count_once_the_results_are_written)
    response = client.get("/search/?q=Belousov")

    assert response.status_code == 200
    assert facets_of(response)["outlet"] == [("TASS", 1, False), ("Xinhua", 1, False)]
    assert '<aside class="facets"' in response.content.decode()


@autocommit
def test_the_pool_hands_the_interpreter_over_often(settings):
    settings.ARCHIVE_PARALLEL_READS = 2
    before = sys.getswitchinterval()
    try:
        for interval in (0.005, parallel_reads.SWITCH_INTERVAL / 2):
            parallel_reads.shut_down()
            sys.setswitchinterval(interval)
            assert (
                parallel_reads.start(shown_statement_timeout)
                .result()[0]
                .startswith("parallel-reads")
            )
            assert sys.getswitchinterval() == pytest.approx(
                min(interval, parallel_reads.SWITCH_INTERVAL)
            )
    finally:
        sys.setswitchinterval(before)


@autocommit
def test_a_read_on_a_pool_thread_is_bounded_like_the_requests(settings):
    settings.ARCHIVE_PARALLEL_READS = 2
    settings.WEB_STATEMENT_TIMEOUT = 2.5

    thread, timeout = parallel_reads.start(shown_statement_timeout).result()

    assert thread.startswith("parallel-reads")
    assert timeout == "2500ms"
    assert shown_statement_timeout()[1] == "0"  # this thread's connection is untouched


@autocommit
def test_a_pool_threads_timeout_reaches_the_visitor_and_the_site_goes_on(
    client, settings, archive_world, monkeypatch
):
    settings.ARCHIVE_PARALLEL_READS = 2
    settings.WEB_STATEMENT_TIMEOUT = 0.2
    counted = ArticleSearchFilter.count_facets

    def slow_count(self, without):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
        return counted(self, without)

    monkeypatch.setattr(ArticleSearchFilter, "count_facets", slow_count)
    started = time.monotonic()
    response = client.get("/search/?q=Belousov")

    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert "This page took too long" in response.content.decode()
    monkeypatch.setattr(ArticleSearchFilter, "count_facets", counted)
    assert client.get("/search/?q=Belousov").status_code == 200


@autocommit
def test_a_read_runs_here_when_every_pool_thread_is_busy(settings):
    settings.ARCHIVE_PARALLEL_READS = 1
    release = threading.Event()
    busy = parallel_reads.start(release.wait, 10)

    thread, _ = parallel_reads.start(shown_statement_timeout).result()
    release.set()

    assert busy.result() is True
    assert thread == threading.current_thread().name
    assert parallel_reads.start(shown_statement_timeout).result()[0].startswith("parallel-reads")


@autocommit
@pytest.mark.parametrize("failing", ["the read", "closing an old connection"])
def test_a_pool_thread_that_failed_takes_the_next_read(settings, monkeypatch, failing):
    settings.ARCHIVE_PARALLEL_READS = 1
    calls = []

    def read():
        raise OperationalError("server closed the connection unexpectedly")

    def close_old_connections():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    if failing == "closing an old connection":
        monkeypatch.setattr(parallel_reads, "close_old_connections", close_old_connections)
        read = shown_statement_timeout

    with pytest.raises(OperationalError):
        parallel_reads.start(read).result()
    thread, _ = parallel_reads.start(shown_statement_timeout).result()

    assert thread.startswith("parallel-reads")


@autocommit
def test_reads_stay_on_the_thread_when_no_core_is_free(settings, monkeypatch):
    settings.ARCHIVE_PARALLEL_READS = 2
    monkeypatch.setattr(parallel_reads, "_core_free", lambda: False)

    thread, _ = parallel_reads.start(shown_statement_timeout).result()

    assert thread == threading.current_thread().name


@pytest.mark.parametrize(
    "loadavg, free",
    [
        ("4.10 3.02 2.50 1/170 9", True),
        ("0.20 0.10 0.05 2/170 9", True),
        ("0.2 0.1 0.1 3/170 9", False),
    ],
)
def test_a_core_is_free_while_no_more_threads_are_ready_than_cores(
    tmp_path, monkeypatch, loadavg, free
):
    monkeypatch.undo()  # the real check, not the fixture's
    monkeypatch.setattr(parallel_reads, "CORES", 2)
    path = tmp_path / "loadavg"
    path.write_text(loadavg + "\n")

    assert parallel_reads._core_free(path) is free


def test_reads_stay_on_the_thread_in_a_transaction(db, settings):
    """Another connection would not see what the transaction wrote."""
    settings.ARCHIVE_PARALLEL_READS = 2

    thread, _ = parallel_reads.start(shown_statement_timeout).result()

    assert thread == threading.current_thread().name


@autocommit
def test_no_pool_when_parallel_reads_are_off(settings):
    settings.ARCHIVE_PARALLEL_READS = 0

    thread, _ = parallel_reads.start(shown_statement_timeout).result()

    assert thread == threading.current_thread().name


def test_an_error_in_a_read_is_raised_where_its_result_is_asked_for():
    def fails():
        raise ValueError("no such thing")

    future = parallel_reads.start(fails)

    with pytest.raises(ValueError, match="no such thing"):
        future.result()
