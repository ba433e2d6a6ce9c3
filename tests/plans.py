"""Query plans in tests: EXPLAIN with some plan types priced out, as they are at scale."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def priced_out(cursor, kinds=("seqscan",)):
    """`SET enable_<kind> = off` for each of `kinds` while the block runs.

    At a test's size PostgreSQL rightly reads small tables whole, or their few pages through
    a bitmap; with those plans off, what remains is what the indexes allow: at a million
    articles, a sequential scan left reads every row."""
    for kind in kinds:
        cursor.execute(f"SET enable_{kind} = off")
    try:
        yield cursor
    finally:
        for kind in kinds:
            cursor.execute(f"RESET enable_{kind}")


def explain(sql, params=None, kinds=("seqscan",), analyze=False):
    """The plan of `sql` as text, with the plan types `kinds` priced out."""
    with connection.cursor() as cursor, priced_out(cursor, kinds):
        cursor.execute(f"EXPLAIN {'(ANALYZE) ' if analyze else ''}{sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def autovacuum_off():
    """Keep autovacuum off the test database's tables. Its VACUUM merges the GIN indexes'
    pending lists and rewrites their statistics outside any test's transaction, and the
    planner prices a GIN scan by them: a plan a test checks would then turn on when
    autovacuum last ran (seen once, a year's search index left out of a filtered search's
    plan). Tests that need statistics take them with ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for (table,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = off)')
