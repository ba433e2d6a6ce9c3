"""The settings read the environment, refuse unsafe production set-ups, and pass check --deploy."""

import json

from django.conf import settings
from django.db import connection

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS,"
    " 'db_host': db['HOST'], 'db_name': db['NAME'], 'engine': db['ENGINE']}))"
)
BASE_ENV = {"DJANGO_SETTINGS_MODULE": "archive.settings"}


def test_database_url_with_socket_folder_is_used(python_runner):
    url = "postgresql://postgres:@/postgres?host=/tmp/some-socket-dir"
    result = python_runner(
        ["-c", PRINT_SETTINGS], {**BASE_ENV, "DATABASE_URL": url, "SECRET_KEY": "k" * 50}
    )
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["db_host"] == "/tmp/some-socket-dir"
    assert settings["db_name"] == "postgres"
    assert settings["engine"] == "django.db.backends.postgresql"


def test_debug_is_off_unless_set_and_hosts_come_from_environment(python_runner):
    env = {
        **BASE_ENV,
        "DATABASE_URL": "postgres://u:p@db.internal:5432/archive",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "archive.example.org, www.archive.example.org",
    }
    result = python_runner(["-c", PRINT_SETTINGS], env, drop=("DEBUG",))
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["debug"] is False
    assert settings["hosts"] == ["archive.example.org", "www.archive.example.org"]
    assert settings["db_host"] == "db.internal"


def test_production_without_secret_key_refuses_to_start(python_runner):
    env = {**BASE_ENV, "DATABASE_URL": "postgres://u:p@db/archive", "DEBUG": "0"}
    result = python_runner(["-c", PRINT_SETTINGS], env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_database_url_says_how_to_run(python_runner):
    result = python_runner(
        ["-c", PRINT_SETTINGS], {**BASE_ENV, "SECRET_KEY": "k" * 50}, drop=("DATABASE_URL",)
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "./run manage" in result.stderr


def test_check_deploy_is_clean_with_production_settings(python_runner):
    env = {
        "SECRET_KEY": "r8V!q2-production-like-secret-key-with-enough-entropy-0xA7c9Zp",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "archive.example.org",
        "SECURE_SSL": "1",
    }
    result = python_runner(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_connections_use_the_configured_work_mem(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == settings.DATABASE_WORK_MEM == "32MB"


def test_a_bad_work_mem_is_refused(python_runner):
    env = {**BASE_ENV, "DATABASE_URL": "postgres://u:p@db/archive", "SECRET_KEY": "k" * 50}
    result = python_runner(["-c", PRINT_SETTINGS], {**env, "DATABASE_WORK_MEM": "32MB; DROP"})
    assert result.returncode != 0
    assert "DATABASE_WORK_MEM is a size" in result.stderr


def test_the_ranked_matches_come_from_the_environment_and_bad_ones_are_refused(python_runner):
    env = {**BASE_ENV, "DATABASE_URL": "postgres://u:p@db/archive", "SECRET_KEY": "k" * 50}
    show = "import django; from django.conf import settings; print(settings.ARCHIVE_RANKED_MATCHES)"
    assert python_runner(["-c", show], env).stdout.strip() == "1000"
    assert python_runner(["-c", show], {**env, "ARCHIVE_RANKED_MATCHES": "500"}).stdout == "500\n"
    for bad in ("0", "-5", "1e3", "lots", "10000000"):
        result = python_runner(["-c", show], {**env, "ARCHIVE_RANKED_MATCHES": bad})
        assert result.returncode != 0
        assert "ARCHIVE_RANKED_MATCHES is a whole number" in result.stderr


def test_the_web_process_freezes_what_it_loaded(python_runner):
    """archive.wsgi loads every view and leaves all it loaded out of the garbage collector's
    full passes (each walked it all: 40 ms every few requests at a million articles)."""
    script = (
        "import gc, sys, archive.wsgi;"
        "print(gc.get_freeze_count(), 'archive.views.people' in sys.modules, gc.isenabled())"
    )
    result = python_runner(["-c", script], {**BASE_ENV, "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr
    frozen, views_loaded, collecting = result.stdout.split()
    assert int(frozen) > 10_000
    assert views_loaded == collecting == "True"
