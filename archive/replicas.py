"""Which database a read goes to when streaming replicas are configured.

With DATABASE_REPLICA_URLS set, settings add the replicas as `replica_1`, `replica_2`, ...
and install archive.routers.ReplicaRouter, which asks `read_alias()` where each read goes:

- To a replica only inside a request that `ReplicaReadsMiddleware` lets through: GET and
  HEAD outside the admin, from a browser that has not written in the last
  RECENT_WRITE_SECONDS (a cookie that every other request sets). Everything else reads
  from the primary and so sees its own writes: the admin, requests that write, and all
  code outside requests (management commands, imports, the shell).
- Inside a transaction on the primary, reads stay on the primary.
- One request reads from one replica, chosen at random at its first read, so its pages
  come from one server's view of the archive.
- A replica that cannot be reached at that first read is left alone for
  DATABASE_REPLICA_RETRY_SECONDS (30) by this process: the request reads from another
  replica, or from the primary when none answers. A replica that fails in the middle of a
  request fails that request; the next one finds it unreachable.
"""

import contextlib
import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

REPLICA_PREFIX = "replica_"
RECENT_WRITE_COOKIE = "archive_recent_write"
RECENT_WRITE_SECONDS = 10
READ_ONLY_METHODS = ("GET", "HEAD")

logger = logging.getLogger(__name__)

_unhealthy_until = {}


class _RequestReads:
    """The replica one request reads from; None until its first read."""

    alias = None


_request_reads = ContextVar("archive_request_reads", default=None)


def replica_aliases():
    return sorted(alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX))


def read_alias():
    reads = _request_reads.get()
    if reads is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if reads.alias is None:
        reads.alias = _reachable_replica()
    return reads.alias


@contextlib.contextmanager
def reads_from_replicas():
    """Let the reads of this block go to a replica (what the middleware does per request)."""
    token = _request_reads.set(_RequestReads())
    try:
        yield
    finally:
        _request_reads.reset(token)


def mark_unhealthy(alias):
    _unhealthy_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS


def healthy_replicas():
    now = time.monotonic()
    return [alias for alias in replica_aliases() if _unhealthy_until.get(alias, 0) <= now]


def _reachable_replica():
    """A replica that accepts a connection now, else the primary.

    Connecting is what the request's first query would do anyway; with persistent
    connections (CONN_MAX_AGE) it happens once per connection lifetime, plus Django's
    health check (CONN_HEALTH_CHECKS) of a connection kept from an earlier request.
    """
    candidates = healthy_replicas()
    random.shuffle(candidates)
    for alias in candidates:
        connection = connections[alias]
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except Error as error:
            mark_unhealthy(alias)
            logger.warning(
                "Database replica %s is unreachable, reading elsewhere for %d s: %s",
                alias,
                settings.DATABASE_REPLICA_RETRY_SECONDS,
                str(error).strip(),
            )
            continue
        return alias
    return DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Lets read-only public requests read from a replica; marks browsers that wrote.

    Goes before the session and authentication middleware, so that the session and the
    user of a request come from the same database as its pages.
    """

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        if self.may_read_from_replica(request):
            with reads_from_replicas():
                reads = _request_reads.get()
                response = self.get_response(request)
            if isinstance(response, StreamingHttpResponse) and _streams_from_database(response):
                response.streaming_content = _streamed_with(reads, response.streaming_content)
        else:
            response = self.get_response(request)
        if request.method not in READ_ONLY_METHODS:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=RECENT_WRITE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def may_read_from_replica(self, request):
        return (
            request.method in READ_ONLY_METHODS
            and not request.path.startswith(self.admin_prefix)
            and RECENT_WRITE_COOKIE not in request.COOKIES
        )


def _streams_from_database(response):
    return not isinstance(response, FileResponse) and not response.is_async


def _streamed_with(reads, chunks):
    """Streamed content (exports) is read after the view returns: keep its replica.

    The choice is set around each step rather than across yields, so the generator can be
    closed from anywhere."""
    iterator = iter(chunks)
    while True:
        token = _request_reads.set(reads)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _request_reads.reset(token)
        yield chunk
