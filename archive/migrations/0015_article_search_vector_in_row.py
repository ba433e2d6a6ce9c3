"""Articles keep their search vector, and every short column, in the row; only the long
texts (body, raw text and bytes, the names' text) go to TOAST.

A search reads vectors by the thousand: to rank the sample, to test the newest articles
of a window of months against the words, to check word positions for phrases and NEAR.
From TOAST each costs a look-up in the TOAST index and three chunks; in the row it comes
with the page that holds the row. `STORAGE MAIN` keeps a column in the row unless the
row would not fit a page: the vector alone is twice the 2 KB above which PostgreSQL moves
columns out, so every column left `EXTENDED` would be moved out, down to the title and
the people's ids, which lists and name searches read.

A column's storage applies to rows written after it is set, so the table is then
rewritten (`VACUUM FULL`, which takes an exclusive lock: about 10 minutes per million
articles with the indexes rebuilt) and vacuumed for its visibility map. VACUUM cannot run
in a transaction, hence not atomic. Changing a column's type resets its storage: the
tests check it.
"""

from django.db import migrations

TABLE = "archive_article"
IN_ROW = (
    "search_vector",
    "title",
    "lead",
    "url",
    "dateline",
    "dateline_place",
    "date_evidence",
    "source_path",
    "content_hash",
    "person_ids",
    "organization_ids",
    "review_reasons",
    "curated_fields",
    "review_status",
    "date_precision",
    "date_confidence",
    "date_source",
    "raw_encoding",
    "source_format",
    "language",
)


def set_storage(storage):
    columns = ", ".join(f"ALTER COLUMN {column} SET STORAGE {storage}" for column in IN_ROW)
    return f"ALTER TABLE {TABLE} {columns}"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("archive", "0014_folded_name_indexes"),
    ]

    operations = [
        migrations.RunSQL(set_storage("MAIN"), set_storage("EXTENDED")),
        migrations.RunSQL(f"VACUUM FULL {TABLE}", f"VACUUM FULL {TABLE}"),
        migrations.RunSQL(f"VACUUM (ANALYZE) {TABLE}", f"VACUUM (ANALYZE) {TABLE}"),
    ]
