"""The 503 page for a database that cannot be reached, in-process: which errors turn into
it and what it holds (test_database_restart.py stops a real database under gunicorn)."""

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError

from archive.views.search import HomeView


@pytest.fixture
def failing_home(monkeypatch):
    def fail_with(error):
        def get_queryset(self):
            raise error

        monkeypatch.setattr(HomeView, "get_queryset", get_queryset)

    return fail_with


@pytest.mark.parametrize(
    "error",
    [
        OperationalError('connection to server on socket "/x/.s.PGSQL.5432" failed'),
        InterfaceError("connection already closed"),
    ],
    ids=["operational", "interface"],
)
def test_an_unreachable_database_is_a_503_page_with_retry_after(client, failing_home, error):
    failing_home(error)

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The archive is temporarily unavailable" in response.content.decode()
    assert "/x/.s.PGSQL" not in response.content.decode()  # the cause is logged, not shown


def test_other_database_errors_stay_server_errors(client, failing_home):
    failing_home(DatabaseError("relation does not exist"))
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
