"""Answer 503 Service Unavailable, not 500, while the database cannot be reached.

A stopped, restarting or overloaded PostgreSQL raises OperationalError (connection refused,
server closed the connection, too many clients) or InterfaceError (a connection that died
while in use) wherever a view or a template first queries it. Those are not bugs in the
page: the visitor gets templates/503.html, which needs no database, with Retry-After, and
the error is logged once as a warning instead of a traceback per request.

Nothing needs restarting once the database is back: Django closes a connection that saw
an error at the end of the request, and CONN_HEALTH_CHECKS makes the next request test a
reused connection before its first query and open a fresh one if it is dead.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable_response():
    # Rendered without the request, so no context processor (the user, the session's
    # messages) can reach for the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
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
        logger.warning("Database unavailable, answered 503 for %s: %s", request.path, exception)
        return database_unavailable_response()
