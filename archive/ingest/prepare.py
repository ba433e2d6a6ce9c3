"""Documents made ready for storing: the pipeline and extraction, here or in worker processes.

Preparing a document (decode, parse, clean, date, attribute, extract) is pure Python and
most of an import's time, so the importer can hand it to worker processes, one a core,
that run ahead of it while it stores batches in input order.

Preparation reads two things besides the document: the outlet directory and the people
matcher. Both grow as the importer stores new outlets and people, and a document must be
prepared with what every document before it added. So they form a numbered state: every
Prepared document carries the version it was prepared with, and the importer prepares a
document again, itself, when the state has changed since (store.py, Importer).

Workers are forked where the platform can (Linux): they start in milliseconds with the
pipeline already imported, where a fresh interpreter takes a second or two, and with the
tables it reads on first use (GeoNames' cities, 0.3 s) loaded once, by the importer,
before it forks them. They inherit the importer's open database connection but never
touch it, and leave with os._exit (multiprocessing's way), which closes nothing of it.
They read the state from a pickle file the importer replaces (atomically) each time the
state changes.
"""

import itertools
import multiprocessing
import multiprocessing.connection
import os
import pickle
import tempfile
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive.ingest import pipeline, places
from archive.ingest.extract import Extraction, extract
from archive.ingest.outlets import OutletDirectory
from archive.ingest.people import PeopleMatcher
from archive.ingest.read import IngestError, RawDocument

# A worker's version for a document it could not prepare (an unexpected exception): it
# never matches the importer's, so the importer prepares the document itself and the
# exception, if it is one, surfaces there, in input order.
UNPREPARED = -1
DOCUMENTS_PER_TASK = 10
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def cores():
    """The cores this process may run on: a default for the number of workers."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass
class Prepared:
    """One document ready for the database: a draft and its extraction, or why it failed."""

    version: int
    draft: pipeline.Draft | None = None
    extraction: Extraction | None = None
    extracted_from: tuple = ()  # (text, published date, dateline place) extract() read
    error: str = ""


def prepare(raw: RawDocument, outlets, matcher, today: date, version: int) -> Prepared:
    """The pipeline, then extraction when a matcher is given (`matcher` None: no extraction)."""
    try:
        draft = pipeline.process(raw, outlets, today=today, people=matcher)
    except IngestError as error:
        return Prepared(version, error=str(error))
    draft.content_hash  # noqa: B018 - computed here, in a worker when there are workers
    if matcher is None:
        return Prepared(version, draft)
    text, published, place = draft.body, draft.date.value, draft.dateline_place
    extraction = extract(text, matcher, published, place)
    return Prepared(version, draft, extraction, (text, published, place))


class Workers:
    """Worker processes preparing documents ahead of the importer; results in input order.

    Use as a context manager. `publish()` the state before the first `prepare()` and after
    every change; documents handed out after a `publish()` are prepared with that state.
    """

    def __init__(self, count, today, lookahead=200, lookahead_bytes=64 * 2**20):
        self.today = today
        self.lookahead, self.lookahead_bytes = lookahead, lookahead_bytes
        self.version = None
        self._folder = tempfile.TemporaryDirectory(prefix="archive-import-")
        self._state_path = Path(self._folder.name) / "state.pickle"
        if START_METHOD == "fork":  # each worker would load them again for itself
            places.cities()
        self._executor = ProcessPoolExecutor(
            count,
            mp_context=multiprocessing.get_context(START_METHOD),
            initializer=_end_with_parent,
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._folder.cleanup()

    def publish(self, version, outlet_entries, gazetteer):
        """Make this the state workers prepare with; `gazetteer` None: no extraction."""
        partial = self._state_path.with_suffix(".partial")
        with open(partial, "wb") as out:
            pickle.dump((version, tuple(outlet_entries), gazetteer), out, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, self._state_path)
        self.version = version

    def prepare(self, documents):
        """Yield (raw, Prepared) for every document, in order, up to `lookahead` ahead."""
        documents = iter(documents)
        tasks = deque()  # (documents, bytes, future), oldest first
        queued = queued_bytes = 0
        while True:
            while queued < self.lookahead and queued_bytes < self.lookahead_bytes:
                chunk = list(itertools.islice(documents, DOCUMENTS_PER_TASK))
                if not chunk:
                    break
                size = sum(len(raw.data) for raw in chunk)
                future = self._executor.submit(
                    _prepare_in_worker, self.version, str(self._state_path), self.today, chunk
                )
                tasks.append((chunk, size, future))
                queued, queued_bytes = queued + len(chunk), queued_bytes + size
            if not tasks:
                return
            chunk, size, future = tasks[0]
            try:
                prepared = future.result()
            except BrokenProcessPool:  # a worker died (out of memory, say)
                break
            tasks.popleft()
            queued, queued_bytes = queued - len(chunk), queued_bytes - size
            yield from zip(chunk, prepared, strict=True)
        # The importer prepares what is left itself.
        left = itertools.chain.from_iterable(chunk for chunk, _, _ in tasks)
        for raw in itertools.chain(left, documents):
            yield raw, Prepared(UNPREPARED)


_worker_state = None  # (version, outlets, matcher) in a worker process


def _end_with_parent():
    """Exit when the importer does, even killed: a worker waiting for work never notices."""
    parent = multiprocessing.parent_process()

    def wait_for_parent():
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=wait_for_parent, daemon=True).start()


def _prepare_in_worker(version, state_path, today, documents):
    global _worker_state
    if _worker_state is None or _worker_state[0] < version:
        with open(state_path, "rb") as state:
            loaded, outlet_entries, gazetteer = pickle.load(state)
        matcher = PeopleMatcher(gazetteer) if gazetteer is not None else None
        _worker_state = (loaded, OutletDirectory(outlet_entries), matcher)
    loaded, outlets, matcher = _worker_state
    results = []
    for raw in documents:
        try:
            results.append(prepare(raw, outlets, matcher, today, loaded))
        except Exception:  # the importer prepares it again, and reports what it raises
            results.append(Prepared(UNPREPARED))
    return results
