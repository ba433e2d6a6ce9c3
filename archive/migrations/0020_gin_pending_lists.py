"""The articles' GIN indexes keep pending lists of at most 256 kB (PostgreSQL's default is
4 MB): every search of an index reads its pending list whole until the entries are merged
in, so new articles slowed searches until the next vacuum (archive.models.PENDING_LIST_KB).

Only the storage parameter changes: ALTER INDEX ... SET, without building anything again.
"""

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

PENDING_LIST_KB = 256
YEARS = range(1995, 2036)
LANGUAGES = (
    ("ru", models.Q(("language", "ru"))),
    ("other", models.Q(("language", "ru"), _negated=True)),
)
YEAR_FIELDS = ["search_vector", "outlet", "person_ids", "organization_ids"]


def indexes():
    for suffix, language in LANGUAGES:
        yield GinIndex(
            condition=language,
            fields=["search_vector"],
            gin_pending_list_limit=PENDING_LIST_KB,
            name=f"article_search_{suffix}",
        )
    for year in YEARS:
        for suffix, language in LANGUAGES:
            yield GinIndex(
                condition=models.Q(
                    language,
                    ("published_date__gte", datetime.date(year, 1, 1)),
                    ("published_date__lt", datetime.date(year + 1, 1, 1)),
                ),
                fields=YEAR_FIELDS,
                gin_pending_list_limit=PENDING_LIST_KB,
                name=f"article_search_{year}_{suffix}",
            )
    for column in ("person_ids", "organization_ids"):
        yield GinIndex(
            fields=[column],
            gin_pending_list_limit=PENDING_LIST_KB,
            name=f"article_{column}",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0019_suspected_duplicates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'ALTER INDEX "{index.name}" SET (gin_pending_list_limit = {PENDING_LIST_KB})',
                    reverse_sql=f'ALTER INDEX "{index.name}" RESET (gin_pending_list_limit)',
                )
                for index in indexes()
            ],
            state_operations=[
                operation
                for index in indexes()
                for operation in (
                    migrations.RemoveIndex(model_name="article", name=index.name),
                    migrations.AddIndex(model_name="article", index=index),
                )
            ],
        ),
    ]
