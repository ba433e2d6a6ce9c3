"""A full disk during an import: a clear message (no traceback), only whole articles
stored, and once there is room again the same command completes the import.

How the disk fills. The database server's processes get a file size limit (RLIMIT_FSIZE,
set when the test starts the server; PostgreSQL ignores SIGXFSZ), so once a table or index
file would grow past it the kernel refuses the write with EFBIG, exactly where a full disk
refuses it with ENOSPC: PostgreSQL's relation extension fails with "could not extend file
...", the transaction is rolled back and the server carries on. WAL segments are made
1 MiB (tests/faults/conftest.py) so that the WAL, whose failure would stop the server, stays
under the limit. "Room again" is the server restarted without the limit. This needs no
privileges and no mounts, so it runs the same as root, as a normal user and in containers.

Rejected: a small filesystem (tmpfs, a loop device) needs mount rights; an unprivileged
user namespace may mount a tmpfs, but such namespaces are often disabled in containers and
PostgreSQL refuses to run as the namespace's root; `/dev/full` as the database's disk is not
a filesystem. `/dev/full` does serve the other place an import writes: its report file,
tested here too.
"""

import contextlib

import psycopg
import pytest

from archive.ingest.store import BATCH_SIZE
from tests.faults.conftest import (
    assert_only_whole_articles,
    manage,
    snapshot,
    write_documents,
)

# Three batches (the importer commits a batch of documents at a time), so that the disk
# fills after the first is stored.
DOCUMENTS = 3 * BATCH_SIZE


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """Documents of about 3 KB, with words enough to grow the search index quickly."""
    return write_documents(tmp_path_factory.mktemp("documents"), DOCUMENTS, extra_words=300)


@pytest.fixture(scope="module")
def complete(cluster, documents):
    """The archive after the same import with room to spare, and the size of its largest
    table or index file."""
    database_url = cluster.create_database("complete", template="archive_template")
    manage(database_url, "import_articles", documents, "--no-progress")
    with psycopg.connect(database_url) as connection:
        [largest] = connection.execute(
            "SELECT max(pg_relation_size(oid)) FROM pg_class WHERE relname LIKE 'archive%'"
        ).fetchone()
    return snapshot(database_url), largest


@contextlib.contextmanager
def full_disk(cluster, largest_file):
    """The server restarted with a file size limit that the import reaches about half-way
    (above the 1 MiB WAL segments), and without it afterwards."""
    cluster.stop()
    cluster.start(file_size_limit=max(largest_file * 55 // 100, 2**21))
    try:
        yield
    finally:
        cluster.stop()
        cluster.start()


def assert_clear_failure(result, *phrases):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr


def test_a_full_disk_stops_the_import_cleanly_and_a_rerun_completes_it(
    cluster, documents, complete
):
    complete, largest_file = complete
    database_url = cluster.create_database("filled", template="archive_template")
    with full_disk(cluster, largest_file):
        result = manage(database_url, "import_articles", documents, "--no-progress", check=False)
    assert_clear_failure(
        result,
        "import stopped: the database failed: could not extend file",
        "Check free disk space.",
        "Run the same command again",
    )
    assert "PANIC" not in cluster.log()  # the server itself carried on
    stored = assert_only_whole_articles(snapshot(database_url), complete)
    assert 0 < stored < complete["articles"].total()

    manage(database_url, "import_articles", documents, "--no-progress")

    assert snapshot(database_url) == complete


def test_a_report_on_a_full_disk_stops_the_import_cleanly_and_a_rerun_completes_it(
    cluster, documents, complete, tmp_path
):
    complete, _ = complete
    database_url = cluster.create_database("reported", template="archive_template")
    result = manage(
        database_url,
        "import_articles",
        documents,
        "--no-progress",
        "--report",
        "/dev/full",
        check=False,
    )
    assert_clear_failure(
        result, "cannot write the report /dev/full: No space left on device", "again"
    )
    assert_only_whole_articles(snapshot(database_url), complete)

    report = tmp_path / "report.jsonl"
    manage(database_url, "import_articles", documents, "--no-progress", "--report", report)

    assert snapshot(database_url) == complete
    assert len(report.read_text().splitlines()) == DOCUMENTS
