"""Backups with pg_dump and pg_restore (scripts/backup, scripts/restore) bring back every
table, row and sequence: on the server the tests run against (the embedded one, or the one
DATABASE_URL names) and on an embedded server started by the launcher."""

import io
import json
import os
import shlex
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests import factories as f
from tests.conftest import ROOT

BACKUP = ROOT / "scripts" / "backup"
RESTORE = ROOT / "scripts" / "restore"


def conninfo(dbname=None):
    """A libpq connection string for the test database, or another on its server."""
    keywords = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in keywords and value not in (None, "")
    }
    if dbname:
        params["dbname"] = dbname
    return make_conninfo(**params)


def database_under_test():
    return connection.settings_dict["NAME"]


def run(script, *args, database=None, var_dir=None, check=True):
    """Run a backup script as a user would: against `database`, or with DATABASE_URL unset
    and the launcher starting the embedded server in `var_dir`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ARCHIVE_VAR_DIR")}
    if database:
        env["DATABASE_URL"] = conninfo(database)
    if var_dir:
        env["ARCHIVE_VAR_DIR"] = str(var_dir)
    result = subprocess.run(
        [str(script), *map(str, args)], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def contents(dbname):
    """Every row of every table in the public schema, and every sequence's position."""
    with psycopg.connect(conninfo(dbname)) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        rows = {
            table: conn.execute(
                sql.SQL("SELECT t.* FROM {} AS t ORDER BY t::text").format(sql.Identifier(table))
            ).fetchall()
            for (table,) in tables
        }
        sequences = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
            "ORDER BY 1"
        ).fetchall()
    return rows, sequences


@pytest.fixture
def fresh_database():
    """An empty database on the test server, dropped afterwards."""
    name = f"{database_under_test()[:30]}_restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(conninfo(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def saved_archive(transactional_db, archive_world):
    """The shared test archive, committed (pg_dump reads from its own connection), with
    original bytes, a curator's edit and a user."""
    f.make_article(title="Raw bytes", raw_bytes=bytes(range(256)), curated_fields=["title"])
    User.objects.create_user("olga", "olga@example.org", "a long passphrase", is_staff=True)
    return archive_world


def test_backup_then_restore_into_an_empty_database_reproduces_it(
    saved_archive, tmp_path, fresh_database
):
    dump = tmp_path / "archive.dump"
    run(BACKUP, dump, database=database_under_test())
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format

    run(RESTORE, "--yes", dump, database=fresh_database)

    original, restored = contents(database_under_test()), contents(fresh_database)
    assert restored == original
    rows, sequences = restored
    assert len(rows["archive_article"]) == 6 and len(rows["archive_mention"]) == 8
    assert dict(sequences)["archive_article_id_seq"] == max(r[0] for r in rows["archive_article"])


def test_restore_over_a_changed_archive_brings_it_back(saved_archive, tmp_path, fresh_database):
    dump = tmp_path / "archive.dump"
    run(BACKUP, dump, database=database_under_test())
    run(RESTORE, "--yes", dump, database=fresh_database)
    with psycopg.connect(conninfo(fresh_database)) as conn:
        conn.execute("DELETE FROM archive_mention")
        conn.execute("UPDATE archive_article SET title = 'vandalised'")
        conn.execute("CREATE TABLE archive_extra (id int)")

    run(RESTORE, "--yes", dump, database=fresh_database)

    rows, sequences = contents(fresh_database)
    rows.pop("archive_extra")  # not in the dump: --clean drops only what the dump holds
    assert (rows, sequences) == contents(database_under_test())


def test_a_failed_restore_leaves_the_database_as_it_was(saved_archive, tmp_path, fresh_database):
    dump = tmp_path / "archive.dump"
    run(BACKUP, dump, database=database_under_test())
    run(RESTORE, "--yes", dump, database=fresh_database)
    before = contents(fresh_database)
    cut = tmp_path / "cut.dump"
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])

    result = run(RESTORE, "--yes", cut, database=fresh_database, check=False)

    assert result.returncode != 0
    assert contents(fresh_database) == before


def test_restore_asks_for_yes_and_backup_leaves_no_file_when_it_fails(tmp_path):
    dump = tmp_path / "archive.dump"
    refused = run(RESTORE, dump, check=False)
    assert refused.returncode == 2 and "--yes" in refused.stderr

    failed = run(BACKUP, dump, database=f"no_such_database_{uuid.uuid4().hex[:8]}", check=False)
    assert failed.returncode != 0 and "no_such_database" in failed.stderr
    assert list(tmp_path.iterdir()) == []


def launch(var_dir, *args):
    """The launcher with DATABASE_URL unset: the embedded server in `var_dir`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ARCHIVE_VAR_DIR"] = str(var_dir)
    result = subprocess.run(
        [sys.executable, "-m", "archive.launcher", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_backup_and_restore_on_the_embedded_server(saved_archive, tmp_path_factory):
    """Without DATABASE_URL the scripts go through the launcher to the embedded server in
    the var folder, reached through its unix socket. The archive gets there by
    import_archive (a dump of another server version need not restore into this one),
    is backed up, damaged, restored, and exported again unchanged."""
    var_dir = tmp_path_factory.mktemp("backup-var")
    os.chmod(var_dir, 0o755)  # as root, the embedded server runs as another user
    export, dump, again = (var_dir / name for name in ("a.jsonl", "a.dump", "again.jsonl"))
    call_command("export_archive", "--output", str(export), stdout=io.StringIO())
    manage = shlex.join([sys.executable, str(ROOT / "manage.py")])
    launch(
        var_dir,
        "exec",
        "--",
        "bash",
        "-c",
        f"{manage} migrate -v0 && {manage} import_archive {export}",
    )

    run(BACKUP, dump, var_dir=var_dir)
    launch(var_dir, "exec", "--", sys.executable, "-c", DAMAGE)
    run(RESTORE, "--yes", dump, var_dir=var_dir)
    launch(var_dir, "manage", "export_archive", "--output", str(again))

    assert records(again) == records(export)
    assert len(records(export)) > 30
    assert not (var_dir / "pgdata" / "postmaster.pid").exists()  # the launcher stopped it


def records(export):
    """The records of an export, but groups: import_archive matches them by name and keeps
    those the target's migrations made, so their keys and number need not agree."""
    lines = [json.loads(line) for line in export.read_text().splitlines()[1:]]
    return [r for r in lines if r.get("model") != "auth.group" and "counts" not in r]


DAMAGE = """
import os, psycopg
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    conn.execute("DELETE FROM archive_mention")
    conn.execute("UPDATE archive_article SET title = 'vandalised'")
"""
