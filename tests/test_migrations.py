from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_extensions_and_search_configurations_exist():
    with connection.cursor() as cursor:
        cursor.execute("select extname from pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
        cursor.execute("select cfgname from pg_ts_config where cfgname like 'archive_%'")
        configs = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent"} <= extensions
    assert configs == {"archive_english", "archive_russian"}


def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migrations_unapply_and_reapply_cleanly():
    call_command("migrate", "archive", "zero", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from pg_ts_config where cfgname like 'archive_%'")
        assert cursor.fetchone()[0] == 0
    call_command("migrate", "archive", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("select to_regclass('archive_article') is not null")
        assert cursor.fetchone()[0]
