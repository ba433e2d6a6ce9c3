"""Web requests' database statements are bounded by WEB_STATEMENT_TIMEOUT
(archive.middleware.StatementTimeoutMiddleware); commands and the tests' own queries not."""

import time

import pytest
from django.db import connection

from archive.views.search import HomeView


def statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.fixture
def home_running(db, monkeypatch):
    """The home page, first running `sql` and keeping what it returned in `seen`."""
    seen = []

    def run(sql):
        original = HomeView.get_queryset

        def get_queryset(self):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                seen.append(cursor.fetchone()[0])
            return original(self)

        monkeypatch.setattr(HomeView, "get_queryset", get_queryset)
        return seen

    return run


def test_a_requests_statements_run_under_the_timeout_and_others_do_not(
    client, settings, home_running
):
    settings.WEB_STATEMENT_TIMEOUT = 2.5
    seen = home_running("SHOW statement_timeout")
    before = statement_timeout()

    assert client.get("/").status_code == 200

    assert seen == ["2500ms"]
    assert statement_timeout() == before == "0"


@pytest.mark.django_db(transaction=True)  # autocommit, as a web request runs
def test_a_statement_past_the_timeout_is_stopped_and_the_page_says_it_took_too_long(
    client, settings, home_running
):
    settings.WEB_STATEMENT_TIMEOUT = 0.2
    home_running("SELECT pg_sleep(5)")

    started = time.monotonic()
    response = client.get("/")
    elapsed = time.monotonic() - started

    assert elapsed < 3
    assert response.status_code == 503
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "This page took too long" in page
    assert "longer than 0.20 seconds" in page
    assert statement_timeout() == "0"  # reset: the test's own queries are not bounded
    assert client.get("/about-nothing/").status_code == 404  # and the site goes on


def test_no_timeout_when_it_is_zero(client, settings, home_running):
    settings.WEB_STATEMENT_TIMEOUT = 0
    seen = home_running("SHOW statement_timeout")

    assert client.get("/").status_code == 200
    assert seen == ["0"]
