"""An import killed halfway (SIGKILL: no cleanup of any kind) leaves only whole articles,
and running the same import again gives exactly the archive one uninterrupted import gives.

To kill it in the middle of a transaction rather than between two, the test holds a lock
that blocks the importer's next write of mentions (inserted after the articles they belong
to), waits until the importer's open transaction, which has already written rows, is stuck
on it, and kills the importer there. The server then rolls that transaction back.
"""

import signal
import subprocess
import time

import psycopg
import pytest

from tests.faults.conftest import (
    assert_only_whole_articles,
    manage,
    manage_popen,
    snapshot,
    write_documents,
)

DOCUMENTS = 400


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    return write_documents(tmp_path_factory.mktemp("documents"), DOCUMENTS)


@pytest.fixture(scope="module")
def uninterrupted(cluster, documents):
    """The archive after one import that ran to its end."""
    database_url = cluster.create_database("uninterrupted", template="archive_template")
    manage(database_url, "import_articles", documents, "--no-progress")
    return snapshot(database_url)


def count_articles(connection):
    return connection.execute("SELECT count(*) FROM archive_article").fetchone()[0]


def wait_for(condition, what, importer=None, timeout=240):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert importer is None or importer.poll() is None, f"the import ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


def blocked_writer(connection):
    """The importer's server process when it waits for our lock inside a transaction that
    has written rows (it has a transaction id), else None."""
    return connection.execute(
        """SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL"""
    ).fetchone()


def kill_in_the_middle_of_a_transaction(database_url, importer):
    with psycopg.connect(database_url, autocommit=True) as watcher:
        wait_for(lambda: count_articles(watcher) > 0, "a first commit", importer)
        with psycopg.connect(database_url) as blocker:
            blocker.execute("LOCK TABLE archive_mention IN EXCLUSIVE MODE")  # reads go on
            [backend] = wait_for(lambda: blocked_writer(watcher), "it to block", importer)
            importer.send_signal(signal.SIGKILL)
            importer.wait(timeout=60)
            blocker.rollback()  # the backend takes the lock, finds its client gone, rolls back
        session = "SELECT 1 FROM pg_stat_activity WHERE pid = %s"
        wait_for(lambda: not watcher.execute(session, [backend]).fetchone(), "its session to end")


def test_a_killed_import_leaves_whole_articles_and_running_it_again_completes_it(
    cluster, documents, uninterrupted
):
    database_url = cluster.create_database("killed", template="archive_template")
    importer = manage_popen(
        database_url,
        "import_articles",
        documents,
        "--no-progress",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        kill_in_the_middle_of_a_transaction(database_url, importer)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
    assert importer.returncode == -signal.SIGKILL

    killed = snapshot(database_url)
    stored = assert_only_whole_articles(killed, uninterrupted)
    assert 0 < stored < uninterrupted["articles"].total()
    assert killed["mentions"].total() > 0

    manage(database_url, "import_articles", documents, "--no-progress")

    assert snapshot(database_url) == uninterrupted
