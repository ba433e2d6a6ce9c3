"""Generating a synthetic archive: a whole run, batch after batch, in one or more workers.

Synthetic article n is article n % BATCH_SIZE of batch n // BATCH_SIZE, and a batch's
content depends only on the seed and the batch number. So a run writes whichever batches
the target lacks (a batch an earlier run left partial is discarded and written whole),
in any order and in parallel, and the archive ends up the same as if it had been
generated in one go. Each worker is a process with its own database connection; a batch
is one transaction.
"""

import multiprocessing
import queue
import time
from dataclasses import dataclass, field

from django.db import connections

from archive.curation import flag_suspected_duplicates
from archive.synthetic import database
from archive.synthetic.articles import BATCH_SIZE, BatchPlanner

# A run writing at least this many articles, and at least as many as the archive holds,
# builds the search index afterwards instead of updating it article by article.
BULK_LOAD_MIN = 50_000


class RealDataError(Exception):
    """The archive holds articles that generate_corpus did not make."""


@dataclass
class Progress:
    written: int
    total: int
    elapsed: float
    timings: database.Timings


@dataclass
class Summary:
    planned: int = 0  # articles the run is to write
    written: int = 0
    batches: list = field(default_factory=list)
    elapsed: float = 0.0
    index_seconds: float = 0.0
    duplicates_seconds: float = 0.0
    statistics_seconds: float = 0.0
    timings: database.Timings = field(default_factory=database.Timings)


def plan_run(state, articles, append):
    """{batch: articles wanted from it} for the batches this run must write."""
    end = state.next_number + articles if append else articles
    wanted = {}
    for batch in range((end + BATCH_SIZE - 1) // BATCH_SIZE):
        want = min(BATCH_SIZE, end - batch * BATCH_SIZE)
        if state.batches.get(batch, 0) < want:
            wanted[batch] = want
    return wanted


def generate(
    articles,
    seed=1,
    append=False,
    allow_real_data=False,
    workers=1,
    on_progress=None,
    rebuild_search_index=None,
    dry_run=False,
):
    """Bring the synthetic part of the archive to `articles` articles (with `append`, add
    `articles` more), writing with `workers` processes. Returns a Summary (with `dry_run`,
    of what would be written, writing nothing); raises RealDataError when the archive
    holds articles that are not synthetic, unless `allow_real_data`.

    `rebuild_search_index`: drop the search vector's GIN indexes (the whole archive's and
    the years') for the load and build them afterwards; by default when the run at least
    doubles a large archive (see BULK_LOAD_MIN). They are rebuilt even when the run fails,
    and a run finding one missing (one killed mid-load) builds it.
    """
    started = time.perf_counter()
    state = database.archive_state()
    if state.real_articles and not allow_real_data:
        raise RealDataError(
            f"The archive holds {state.real_articles:,} articles that generate_corpus did not "
            "make. Generate into a database of its own, or pass --allow-real-data to add "
            "synthetic articles next to them (they stay untouched)."
        )
    wanted = plan_run(state, articles, append)
    summary = Summary(batches=sorted(wanted), planned=sum(wanted.values()))
    if dry_run:
        return summary
    try:
        if wanted:
            if rebuild_search_index is None:
                stored = state.real_articles + state.synthetic_articles
                rebuild_search_index = summary.planned >= max(BULK_LOAD_MIN, stored)
            _load(state, wanted, seed, workers, rebuild_search_index, summary, on_progress)
    finally:
        if not database.search_indexes_present():
            indexed = time.perf_counter()
            database.build_search_indexes()
            summary.index_seconds = time.perf_counter() - indexed
    if wanted:
        flagged = time.perf_counter()
        flag_suspected_duplicates()
        summary.duplicates_seconds = time.perf_counter() - flagged
        analyzed = time.perf_counter()
        database.refresh_statistics()
        summary.statistics_seconds = time.perf_counter() - analyzed
    summary.elapsed = time.perf_counter() - started
    return summary


def _load(state, wanted, seed, workers, rebuild_search_index, summary, on_progress):
    started = time.perf_counter()
    for batch in wanted:
        if state.batches.get(batch):
            database.discard_batch(batch)
    cast, ids = database.prepare_cast(seed)

    def report(written, timings):
        summary.written += written
        summary.timings.add_all(timings)
        if on_progress:
            elapsed = time.perf_counter() - started
            on_progress(Progress(summary.written, summary.planned, elapsed, summary.timings))

    if rebuild_search_index:
        database.drop_search_indexes()
    jobs = sorted(wanted.items())
    if workers <= 1:
        _write(BatchPlanner(cast, seed), jobs, ids, report)
    else:
        _write_in_parallel(cast, seed, jobs, ids, workers, report)


def _write(planner, jobs, ids, report):
    clock = database.ProcessorClock()
    for batch, count in jobs:
        timings = database.Timings()
        planned = time.perf_counter()
        drafts = planner.batch(batch, count)
        timings.add("plan", time.perf_counter() - planned)
        database.write_batch(drafts, ids, timings)
        clock.charge(timings)
        report(len(drafts), timings)


def _write_in_parallel(cast, seed, jobs, ids, workers, report):
    """Fork `workers` processes, each writing every workers-th batch over its own
    connection; progress comes back through a queue."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    connections.close_all()  # a forked child must not share the parent's socket
    processes = [
        context.Process(
            target=_worker, args=(cast, seed, jobs[n::workers], ids, messages), daemon=True
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        running = len(processes)
        while running:
            try:
                message = messages.get(timeout=1.0)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    break
                continue
            if message is None:
                running -= 1
            else:
                report(*message)
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"A generate_corpus worker failed (exit code {failed[0]}).")


def _worker(cast, seed, jobs, ids, messages):
    connections.close_all()
    try:
        _write(BatchPlanner(cast, seed), jobs, ids, lambda *message: messages.put(message))
    finally:
        connections.close_all()
    messages.put(None)
