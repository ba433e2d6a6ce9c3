"""The database restarted under the production server: while it is down every page is a
clean 503 (templates/503.html, Retry-After), and once it is back every page is served
again by the same gunicorn processes, with nothing restarted. A restart between two
requests costs none: the connections workers keep are tested before reuse."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import psycopg
import pytest

from tests.conftest import ROOT
from tests.faults.conftest import free_port, manage, write_documents


def fetch(url):
    """(status, headers, body) of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    """`launcher production` serving a small archive from the module's own server."""
    database_url = cluster.create_database("site", template="archive_template")
    documents = write_documents(tmp_path_factory.mktemp("documents"), 12)
    manage(database_url, "import_articles", documents, "--no-progress")
    with psycopg.connect(database_url) as connection:
        [article] = connection.execute("SELECT min(id) FROM archive_article").fetchone()
    port = free_port()
    var_dir = tmp_path_factory.mktemp("var")
    env = dict(os.environ, DATABASE_URL=database_url, ARCHIVE_VAR_DIR=str(var_dir))
    env.pop("SECRET_KEY", None)  # made in ARCHIVE_VAR_DIR, as ./run production does
    log = open(var_dir / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archive.launcher",
            "production",
            "--port",
            str(port),
            "--workers=2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        assert server.poll() is None, (var_dir / "server.log").read_text()
        assert time.monotonic() < deadline, "the site never answered"
        try:
            if fetch(base + "/")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.3)
    pages = ["/", "/search/?q=talks", f"/articles/{article}/", "/people/", "/meetings/"]
    try:
        yield server, base, pages
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        log.close()


def web_processes(server):
    """The pids of gunicorn's master and workers under the launcher."""
    return {child.pid for child in psutil.Process(server.pid).children(recursive=True)}


def test_pages_are_a_clean_503_while_the_database_is_down_and_200_once_it_is_back(site, cluster):
    server, base, pages = site
    for page in pages:
        assert fetch(base + page)[0] == 200, page
    before = web_processes(server)
    assert len(before) == 3  # the master and two workers

    cluster.stop()
    try:
        for _ in range(3):  # enough to reach both workers, each with its kept connection
            for page in pages:
                status, headers, body = fetch(base + page)
                assert status == 503, page
                assert headers["Retry-After"] == "30"
                assert "The archive is temporarily unavailable" in body
                assert 'rel="stylesheet"' in body  # the site's own page, not a bare error
                assert "Traceback" not in body
        [stylesheet] = [
            line.split('href="')[1].split('"')[0]
            for line in body.splitlines()
            if 'rel="stylesheet"' in line
        ]
        assert fetch(base + stylesheet)[0] == 200  # static files need no database
    finally:
        cluster.start()

    for _ in range(3):
        for page in pages:
            status, _headers, body = fetch(base + page)
            assert status == 200, page
            assert "temporarily unavailable" not in body
    assert server.poll() is None
    assert web_processes(server) == before, "no gunicorn process was restarted"


def test_a_restart_between_two_requests_costs_no_request(site, cluster):
    server, base, pages = site
    for page in pages * 2:  # the workers keep their connections open
        assert fetch(base + page)[0] == 200, page
    before = web_processes(server)

    cluster.stop()
    cluster.start()

    for page in pages * 2:
        assert fetch(base + page)[0] == 200, page
    assert web_processes(server) == before
