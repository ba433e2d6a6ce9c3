"""A search index per year (archive.models.year_search_indexes), 1995 to 2035.

On an existing archive each index is built by a scan of the article table: about four
minutes for all of them at a million articles.
"""

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models


def year_index(year):
    return GinIndex(
        condition=models.Q(
            ("published_date__gte", datetime.date(year, 1, 1)),
            ("published_date__lt", datetime.date(year + 1, 1, 1)),
        ),
        fields=["search_vector"],
        name=f"article_search_{year}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_participation_covering_indexes"),
    ]

    operations = [
        migrations.AddIndex(model_name="article", index=year_index(year))
        for year in range(1995, 2036)
    ]
