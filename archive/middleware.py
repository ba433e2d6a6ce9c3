"""Answer 503 Service Unavailable, not 500, while the database cannot be reached.

A stopped, restarting or overloaded PostgreSQL raises OperationalError (connection refused,
server closed the connection, too many clients) or InterfaceError (a connection that died
while in use) wherever a view or a template first queries it. Those are not bugs in the
page: the visitor gets templates/503.html, which needs no database, with Retry-After, and
the error is logged once as a warning instead of a traceback per request.

Nothing needs restarting once the database is back: Django closes a connection that saw
an error at the end of the request, and CONN_HEALTH_CHECKS makes the next request test a
reused connection before its first query and open a fresh one if it is dead.

A statement that ran past WEB_STATEMENT_TIMEOUT (StatementTimeoutMiddleware) is stopped by
PostgreSQL; the visitor gets the same page saying the request took too long, and how to
narrow a search, without Retry-After: asking again would take as long.
"""

import logging
from contextlib import ExitStack, contextmanager

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable_response(too_slow=False):
    # Rendered without the request, so no context processor (the user, the session's
    # messages) can reach for the database.
    context = {"too_slow": too_slow, "timeout": settings.WEB_STATEMENT_TIMEOUT}
    response = HttpResponse(render_to_string("503.html", context), status=503)
    if not too_slow:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception.__cause__, psycopg.errors.QueryCanceled):
            logger.warning("Statement timeout, answered 503 for %s", request.get_full_path())
            return database_unavailable_response(too_slow=True)
        logger.warning("Database unavailable, answered 503 for %s: %s", request.path, exception)
        return database_unavailable_response()


class StatementTimeoutMiddleware:
    """Every database statement a request runs stops after settings.WEB_STATEMENT_TIMEOUT
    seconds (PostgreSQL's statement_timeout, set on each connection before the request's
    first statement on it and reset after the response is made).

    Only requests are bounded: management commands, imports and the tests' own queries run
    as before, and so do streamed exports, whose rows are read after the response left.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with bounded_statements():
            return self.get_response(request)


@contextmanager
def bounded_statements():
    """Within it, this thread's statements stop after settings.WEB_STATEMENT_TIMEOUT
    seconds: set on each connection before its first statement, reset on leaving."""
    milliseconds = round(1000 * settings.WEB_STATEMENT_TIMEOUT)
    if not milliseconds:
        yield
        return
    bounded = []

    def bound(execute, sql, params, many, context):
        connection = context["connection"]
        if connection not in bounded:
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {milliseconds}")
            bounded.append(connection)
        return execute(sql, params, many, context)

    try:
        with ExitStack() as wrappers:
            for connection in connections.all():
                wrappers.enter_context(connection.execute_wrapper(bound))
            yield
    finally:
        for connection in bounded:
            _reset_statement_timeout(connection)


def _reset_statement_timeout(connection):
    if connection.connection is None:
        return  # closed during the request; the next one starts afresh
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except psycopg.Error as error:
        # A broken connection, which Django closes at the end of the request, or a failed
        # transaction, whose rollback undoes the SET if it came after the transaction began.
        logger.info("Could not reset statement_timeout: %s", error)
