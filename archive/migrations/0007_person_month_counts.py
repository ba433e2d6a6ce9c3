"""PersonMonthCount: mentions of each person per month, kept by statement-level triggers.

A mention counts while it, its person's link and its article are shown (not rejected).
Mentions inserted, deleted or changed add and subtract their rows; an article whose date or
review status changes moves its mentions between months (or in and out of the counts).
Django deletes an article's mentions before the article, so their month is still known.
"""

from django.db import migrations, models

MONTH = "date_trunc('month', a.published_date)::date"
SHOWN = "m.review_status <> 'rejected' AND m.person_id IS NOT NULL"


def _upsert(rows):
    return f"""
        INSERT INTO archive_personmonthcount AS c (person_id, month, mentions)
        SELECT person_id, month, sum(delta) FROM ({rows}) AS changed
        GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
        ON CONFLICT (person_id, month) DO UPDATE SET mentions = c.mentions + EXCLUDED.mentions;
    """


def _mentions(table, sign):
    return (
        f"SELECT m.person_id, {MONTH} AS month, {sign} AS delta FROM {table} m "
        f"JOIN archive_article a ON a.id = m.article_id "
        f"WHERE {SHOWN} AND a.review_status <> 'rejected'"
    )


def _moved_articles(side, sign):
    """Mentions of articles whose date or review status the statement changed."""
    return (
        f"SELECT m.person_id, date_trunc('month', {side}.published_date)::date AS month, "
        f"{sign} AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"JOIN archive_mention m ON m.article_id = n.id "
        f"WHERE {SHOWN} AND {side}.review_status <> 'rejected' "
        f"AND (o.published_date IS DISTINCT FROM n.published_date "
        f"OR o.review_status IS DISTINCT FROM n.review_status)"
    )


TRIGGERS = {
    ("archive_mention", "insert"): (
        "REFERENCING NEW TABLE AS new_rows",
        _mentions("new_rows", 1),
    ),
    ("archive_mention", "update"): (
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"{_mentions('new_rows', 1)} UNION ALL {_mentions('old_rows', -1)}",
    ),
    ("archive_mention", "delete"): (
        "REFERENCING OLD TABLE AS old_rows",
        _mentions("old_rows", -1),
    ),
    ("archive_article", "update"): (
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"{_moved_articles('n', 1)} UNION ALL {_moved_articles('o', -1)}",
    ),
}

# One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
CREATE_TRIGGERS = "".join(
    f"""
    CREATE FUNCTION {table}_person_month_{event}() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN {_upsert(rows)} RETURN NULL; END $$;
    CREATE TRIGGER person_month_{event} AFTER {event.upper()} ON {table}
    {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {table}_person_month_{event}();
    """
    for (table, event), (referencing, rows) in TRIGGERS.items()
)
DROP_TRIGGERS = "".join(
    f"DROP TRIGGER person_month_{event} ON {table}; DROP FUNCTION {table}_person_month_{event}();"
    for table, event in TRIGGERS
)
COUNT_EXISTING = f"""
    INSERT INTO archive_personmonthcount (person_id, month, mentions)
    SELECT m.person_id, {MONTH}, count(*) FROM archive_mention m
    JOIN archive_article a ON a.id = m.article_id
    WHERE {SHOWN} AND a.review_status <> 'rejected' GROUP BY 1, 2;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0006_article_month_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonMonthCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("person_id", models.BigIntegerField()),
                ("month", models.DateField(null=True)),
                ("mentions", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person_id", "month"),
                        name="person_month_count_unique",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunSQL(CREATE_TRIGGERS + COUNT_EXISTING, DROP_TRIGGERS),
    ]
