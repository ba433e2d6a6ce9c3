"""Public pages read from a real streaming replica; the admin and every write use the
primary; when the replica stops, pages keep coming from the primary.

A primary and a hot standby of their own (tests/clusters.py) run on loopback, and the site
runs in a separate process with DATABASE_URL naming the primary and
DATABASE_REPLICA_URLS the replica. Where a read went is proved by pausing the replica's
replay: what is written on the primary meanwhile exists only there, so a page shows it only
if it was read from the primary.
"""

import contextlib
import http.client
import json
import os
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from archive.replicas import RECENT_WRITE_COOKIE
from tests.clusters import Cluster, cluster_folder
from tests.conftest import ROOT

SERVE_SITE = """
from wsgiref.simple_server import WSGIRequestHandler, make_server
from archive.wsgi import application
server = make_server("127.0.0.1", 0, application, handler_class=WSGIRequestHandler)
print(server.server_port, flush=True)
server.serve_forever()
"""
UNREACHABLE = "Database replica replica_1 is unreachable"
SITE = "archive-site"  # the application_name of the site's connections
SITE_CONNECTIONS = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"


@pytest.fixture(scope="module")
def clusters():
    with cluster_folder() as folder:
        primary = Cluster.create(folder / "primary")
        primary.start()
        replica = primary.clone_as_standby(folder / "replica")
        replica.start()
        env = site_environment(primary, replica)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        yield primary, replica, env


def site_environment(primary, replica):
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE_VAR_DIR", "DATABASE_URL")}
    env.update(
        DATABASE_URL=primary.url(application_name=SITE),
        DATABASE_REPLICA_URLS=replica.url(application_name=SITE),
        # Long enough that an unreachable replica stays marked for the whole test.
        DATABASE_REPLICA_RETRY_SECONDS="600",
        DJANGO_SETTINGS_MODULE="archive.settings",
        SECRET_KEY="replica-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DEBUG="1",  # static files by their plain names: no collectstatic needed
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Site:
    """The archive served by wsgiref in a process of its own: one thread, so its database
    connections persist from request to request (CONN_MAX_AGE), as in a gunicorn worker."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE_SITE],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        port = self.process.stdout.readline()
        assert port, f"the site did not start:\n{self.server_log()}"
        self.port = int(port)

    def request(self, method, path, form=None, cookies=None):
        """(status, body, cookies set) of one request; redirects are not followed."""
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
            set_cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                set_cookies.load(header)
        finally:
            connection.close()
        return response.status, content, {name: m.value for name, m in set_cookies.items()}

    def get(self, path, cookies=None):
        status, content, _ = self.request("GET", path, cookies=cookies)
        return status, content

    def server_log(self):
        self.log.flush()
        return Path(self.log_path).read_text()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def site(clusters, tmp_path):
    site = Site(clusters[2], tmp_path / "site.log")
    yield site
    site.stop()


@contextlib.contextmanager
def replay_paused(replica):
    """Hold the replica at its present state: it keeps receiving WAL but applies none."""
    replica.execute("SELECT pg_wal_replay_pause()")
    replica.wait_for("SELECT pg_get_wal_replay_pause_state()", "paused")
    try:
        yield
    finally:
        replica.execute("SELECT pg_wal_replay_resume()")


def caught_up(primary, replica):
    """Wait until the replica has applied everything the primary has written.

    The insert position, not the write position: the importer commits asynchronously, so
    its commit record can still be in the WAL buffers, past pg_current_wal_lsn()."""
    position = primary.value("SELECT pg_current_wal_insert_lsn()::text")
    replica.wait_for(f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn", True)


def import_article(env, folder, title, body):
    """Import one record on the primary through the importer; its article id."""
    record = folder / "record.json"
    record.write_text(json.dumps({"title": title, "body": body, "published": "2026-03-02"}))
    report = folder / "report.jsonl"
    manage(env, "import_articles", str(record), "--no-progress", "--report", str(report))
    (line,) = report.read_text().splitlines()
    return json.loads(line)["id"]


def test_public_pages_read_from_the_replica(clusters, site, tmp_path):
    primary, replica, env = clusters
    with replay_paused(replica):
        article = import_article(
            env,
            tmp_path,
            "Kelvane naval attachés tour the harbour",
            "The naval attachés of six embassies toured the Kelvane harbour on Monday "
            "and met the port's commander.",
        )
        assert primary.value("SELECT count(*) FROM archive_article WHERE id = %s", [article])
        wrote_recently = {RECENT_WRITE_COOKIE: "1"}

        # The replica does not have the article yet: the page and the export read from it.
        assert site.get(f"/articles/{article}/")[0] == 404
        status, export = site.get("/search/?q=kelvane&format=csv")
        assert status == 200
        assert "Kelvane" not in export
        assert site.get("/")[0] == 200

        # A browser that has just written reads from the primary.
        status, page = site.get(f"/articles/{article}/", cookies=wrote_recently)
        assert status == 200
        assert "Kelvane naval attachés tour the harbour" in page
        status, export = site.get("/search/?q=kelvane&format=csv", cookies=wrote_recently)
        assert "Kelvane naval attachés" in export

    caught_up(primary, replica)
    status, page = site.get(f"/articles/{article}/")
    assert status == 200
    assert "Kelvane naval attachés tour the harbour" in page
    assert UNREACHABLE not in site.server_log()


def test_admin_reads_and_writes_go_to_the_primary(clusters, site):
    primary, replica, env = clusters
    with replay_paused(replica):
        # A curator the replica does not know yet.
        env = {**env, "CURATOR_PASSWORD": "replica-test-password-8271"}
        manage(
            env,
            "create_curator",
            "replica_curator",
            "--email",
            "curator@example.org",
            "--password-from-env",
            "CURATOR_PASSWORD",
        )
        status, login_page, cookies = site.request("GET", "/admin/login/?next=/admin/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        status, _, set_cookies = site.request(
            "POST",
            "/admin/login/?next=/admin/",
            form={
                "csrfmiddlewaretoken": token,
                "username": "replica_curator",
                "password": "replica-test-password-8271",
                "next": "/admin/",
            },
            cookies=cookies,
        )
        assert status == 302, "the login, read from the primary, succeeded"
        assert set_cookies[RECENT_WRITE_COOKIE] == "1"
        session = set_cookies["sessionid"]

        status, dashboard = site.get("/admin/", cookies={"sessionid": session})
        assert status == 200
        assert "replica_curator" in dashboard

        session_rows = "SELECT count(*) FROM django_session WHERE session_key = %s"
        assert primary.value(session_rows, [session]) == 1
        assert replica.value(session_rows, [session]) == 0

    caught_up(primary, replica)
    assert replica.value(session_rows, [session]) == 1


def test_pages_keep_coming_from_the_primary_when_the_replica_stops(clusters, site):
    primary, replica, _ = clusters
    article = primary.value("SELECT min(id) FROM archive_article")
    pages = [
        "/",
        "/archive/",
        "/people/",
        "/meetings/",
        f"/articles/{article}/",
        "/search/?q=talks",
    ]
    assert site.get("/")[0] == 200
    assert replica.value(SITE_CONNECTIONS, [SITE]) == 1, "kept for the next request"
    replica.stop()
    try:
        for path in pages:
            assert site.get(path)[0] == 200, path
        assert "Traceback" not in site.server_log()
        # Found unreachable once, then left alone rather than tried on every request.
        assert site.server_log().count(UNREACHABLE) == 1
    finally:
        replica.start()


PRINT_DATABASES = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'databases': settings.DATABASES, 'routers': settings.DATABASE_ROUTERS}))"
)


def test_replicas_take_the_primary_settings_with_their_own_address(python_runner):
    env = {
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "SECRET_KEY": "k" * 50,
        "DATABASE_URL": "postgres://archive:secret@db-primary:5432/archive?sslmode=require",
        "DATABASE_REPLICA_URLS": (
            "postgres://reader:other@db-replica-a:5433/archive, "
            "postgres://archive:secret@db-replica-b/archive?sslmode=verify-full"
        ),
    }
    result = python_runner(["-c", PRINT_DATABASES], env)
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    databases = settings["databases"]
    assert sorted(databases) == ["default", "replica_1", "replica_2"]
    assert settings["routers"] == ["archive.routers.ReplicaRouter"]
    primary, first, second = (databases[a] for a in ("default", "replica_1", "replica_2"))
    assert (first["HOST"], first["PORT"], first["USER"], first["PASSWORD"]) == (
        "db-replica-a",
        5433,
        "reader",
        "other",
    )
    assert second["HOST"] == "db-replica-b"
    for replica in (first, second):
        assert replica["CONN_MAX_AGE"] == primary["CONN_MAX_AGE"]
        assert replica["CONN_HEALTH_CHECKS"] == primary["CONN_HEALTH_CHECKS"]
        assert replica["TEST"]["MIRROR"] == "default"
        assert replica["OPTIONS"]["connect_timeout"] == 3
    assert first["OPTIONS"]["sslmode"] == "require"
    assert second["OPTIONS"]["sslmode"] == "verify-full"
    assert primary["HOST"] == "db-primary"
    assert not primary.get("TEST", {}).get("MIRROR")


def test_without_replicas_every_query_goes_to_the_primary(python_runner):
    env = {
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "SECRET_KEY": "k" * 50,
        "DATABASE_URL": "postgres://archive:secret@db-primary:5432/archive",
    }
    result = python_runner(["-c", PRINT_DATABASES], env, drop=("DATABASE_REPLICA_URLS",))
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert list(settings["databases"]) == ["default"]
    assert settings["routers"] == []
