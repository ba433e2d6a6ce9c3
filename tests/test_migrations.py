import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import PENDING_LIST_KB, SEARCH_INDEX_YEARS
from tests.factories import make_article
from tests.plans import autovacuum_off

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


# Outside a transaction: migration 0015 rewrites the articles with VACUUM FULL.
@pytest.mark.django_db(transaction=True)
def test_migrations_unapply_and_reapply_cleanly():
    call_command("migrate", "archive", "zero", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from pg_ts_config where cfgname like 'archive_%'")
        assert cursor.fetchone()[0] == 0
    call_command("migrate", "archive", verbosity=0)
    autovacuum_off()  # for the tests after this one: the tables are new
    with connection.cursor() as cursor:
        cursor.execute("select to_regclass('archive_article') is not null")
        assert cursor.fetchone()[0]


def test_the_articles_gin_indexes_keep_small_pending_lists():
    """Migration 0020: new articles wait in each GIN index's pending list, which every
    search of that index reads whole; the lists are kept to PENDING_LIST_KB."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select c.relname, coalesce(c.reloptions, '{}') from pg_index i"
            " join pg_class c on c.oid = i.indexrelid"
            " join pg_am am on am.oid = c.relam"
            " where i.indrelid = 'archive_article'::regclass and am.amname = 'gin'"
        )
        options = dict(cursor.fetchall())
    assert len(options) == 2 + 2 * len(SEARCH_INDEX_YEARS) + 2, sorted(options)
    limit = f"gin_pending_list_limit={PENDING_LIST_KB}"
    assert {name for name, option in options.items() if limit not in option} == set()


def test_articles_keep_all_but_their_long_texts_in_the_row():
    """Migration 0015: the search vector and every short column stay in the row (STORAGE
    MAIN); only the long texts may go to TOAST. Changing a column's type resets it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select a.attname, a.attstorage from pg_attribute a join pg_type t on t.oid = a.atttypid "
            "where a.attrelid = 'archive_article'::regclass and a.attnum > 0 "
            "and not a.attisdropped and t.typlen = -1"
        )
        storage = dict(cursor.fetchall())
    long_texts = {"body", "raw_text", "raw_bytes", "names_text"}
    assert {column for column, kind in storage.items() if kind != "m"} == long_texts
    assert "search_vector" in storage and "title" in storage


def test_a_long_article_keeps_its_search_vector_and_title_in_the_row():
    # 260 different made-up words, 900 in all: a search vector of about 5 KB that hardly
    # compresses, as news articles have
    letters = str.maketrans("0123456789abcdef", "ghijklmnopqrstuv")
    vocabulary = [
        hashlib.md5(str(n).encode()).hexdigest()[:9].translate(letters) for n in range(260)
    ]
    words = [vocabulary[n % 260] for n in range(900)]
    body = " ".join(words)
    make_article(
        title="Defence ministers of two neighbouring states hold talks in Minsk on drills",
        body=body,
        raw_text=f"{body} (as received)",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "select reltoastrelid::regclass from pg_class where oid = 'archive_article'::regclass"
        )
        toast = cursor.fetchone()[0]
        cursor.execute(
            "select pg_column_size(search_vector), octet_length(body) from archive_article"
        )
        vector_bytes, body_bytes = cursor.fetchone()
        cursor.execute(f"select count(distinct chunk_id) from {toast}")
        stored_outside = cursor.fetchone()[0]
    assert 4000 < vector_bytes < 8000 and body_bytes > 2000
    assert stored_outside == 2  # the body and the raw text
