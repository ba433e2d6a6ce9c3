"""The search indexes split in two, Russian articles and the others: the whole archive's
and each year's from 1995 to 2035 (archive.models.year_search_indexes).

On an existing archive each new index is built by a scan of the article table: about
five minutes for all of them at a million articles.
"""

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

YEARS = range(1995, 2036)
LANGUAGES = (
    ("ru", models.Q(("language", "ru"))),
    ("other", models.Q(("language", "ru"), _negated=True)),
)


def year_index(year, suffix, language):
    return GinIndex(
        condition=models.Q(
            language,
            ("published_date__gte", datetime.date(year, 1, 1)),
            ("published_date__lt", datetime.date(year + 1, 1, 1)),
        ),
        fields=["search_vector"],
        name=f"article_search_{year}_{suffix}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0011_quote_published_date"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_search_gin"),
        *(
            migrations.RemoveIndex(model_name="article", name=f"article_search_{year}")
            for year in YEARS
        ),
        *(
            migrations.AddIndex(
                model_name="article",
                index=GinIndex(
                    condition=language, fields=["search_vector"], name=f"article_search_{suffix}"
                ),
            )
            for suffix, language in LANGUAGES
        ),
        *(
            migrations.AddIndex(model_name="article", index=year_index(year, suffix, language))
            for year in YEARS
            for suffix, language in LANGUAGES
        ),
    ]
