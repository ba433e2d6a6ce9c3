"""Reads of one page that need nothing from each other, run side by side.

A search page finds its sample of matches, then reads the page's rows and snippets; the
facet counts need only the sample, and the samples for a chosen facet's other values
need nothing at all from the request. `start` hands such a read to a thread of a small
pool, which runs it on a database connection of its own (Django's connections are per
thread) while the request's thread goes on, and `Future.result()` waits for it.

The read runs on the request's thread instead, at once, when ARCHIVE_PARALLEL_READS is 0,
when no core is free at that moment (more threads ready to run than cores: with every
core busy, reads side by side only add switching, 32.2 -> 31.0 requests/s and a p99 of
930 -> 1,100 ms in a load test at a million articles), when
every pool thread is busy (so that, in a server running requests on threads, no request
waits for another's reads) or when the request's thread holds a transaction open:
another connection would not see what the transaction wrote (the tests' transactions
among them).

A thread whose read has returned needs the interpreter's lock to go on, and a thread
running Python (the request's, writing the page) hands it over only every switch
interval, 5 ms by default: a facet count of 7 ms alone took 20 beside the template. The
pool therefore shortens the interval to SWITCH_INTERVAL for the process (at a million
articles, a search page without a query 36 -> 27 ms; a few more switches a second
otherwise).

On a pool thread, a read keeps what it would have had on the request's: the request's
replica (archive/replicas.py keeps it in a context variable, copied to the thread) and
WEB_STATEMENT_TIMEOUT; connections past CONN_MAX_AGE or left broken are closed before and
after, as Django does around a request.
"""

import contextvars
import os
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

from archive.ingest.prepare import cores
from archive.middleware import bounded_statements

CORES = cores()
SWITCH_INTERVAL = 0.0005  # seconds

_pool = None
_pool_size = 0
_idle = None
_pool_lock = threading.Lock()


def start(function, *args):
    """A Future of `function(*args)`, run on a pool thread or, as explained above, here."""
    if not settings.ARCHIVE_PARALLEL_READS or _in_transaction() or not _core_free():
        return _run_here(function, *args)
    pool, idle = _threads()
    if not idle.acquire(blocking=False):
        return _run_here(function, *args)  # never queued behind another request's reads
    context = contextvars.copy_context()
    return pool.submit(context.run, _read_apart, idle, function, *args)


def shut_down():
    """Close the pool threads' connections and end the threads (a test database cannot be
    dropped while they hold connections to it)."""
    global _pool
    with _pool_lock:
        pool, threads, _pool = _pool, _pool_size, None
    if pool is None:
        return
    # One task a thread: each waits for the others, so that every thread takes one.
    everyone = threading.Barrier(threads, timeout=10)
    for future in [pool.submit(_close_connections, everyone) for _ in range(threads)]:
        future.result()
    pool.shutdown()


def _close_connections(everyone):
    everyone.wait()
    connections.close_all()


def _core_free(loadavg_path="/proc/loadavg"):
    """Whether a core is free now: at most as many threads ready to run, this one
    included, as cores (Linux's count in /proc/loadavg; elsewhere the last minute's
    load average)."""
    try:
        with open(loadavg_path) as loadavg:
            ready = int(loadavg.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] < CORES
    return ready <= CORES


def _in_transaction():
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def _threads():
    """(the pool, a semaphore counting its idle threads), made on first use."""
    global _pool, _pool_size, _idle
    with _pool_lock:
        if _pool is None:
            _pool_size = settings.ARCHIVE_PARALLEL_READS
            _pool = ThreadPoolExecutor(_pool_size, thread_name_prefix="parallel-reads")
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
            _idle = threading.BoundedSemaphore(_pool_size)
        return _pool, _idle


def _run_here(function, *args):
    future = Future()
    try:
        future.set_result(function(*args))
    except Exception as error:
        future.set_exception(error)
    return future


def _read_apart(idle, function, *args):
    try:
        close_old_connections()
        with bounded_statements():
            return function(*args)
    finally:
        idle.release()
        close_old_connections()
