"""Each year's search indexes also hold the article's outlet, people and organizations
(archive.models.year_search_indexes), so that a year's matches from one outlet or naming
one person come from that index alone. The outlet column needs btree_gin.

On an existing archive the indexes are built again by a scan of the article table: about
six minutes for all of them at a million articles.
"""

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

YEARS = range(1995, 2036)
LANGUAGES = (
    ("ru", models.Q(("language", "ru"))),
    ("other", models.Q(("language", "ru"), _negated=True)),
)
FIELDS = ["search_vector", "outlet", "person_ids", "organization_ids"]


def year_index(year, suffix, language):
    return GinIndex(
        condition=models.Q(
            language,
            ("published_date__gte", datetime.date(year, 1, 1)),
            ("published_date__lt", datetime.date(year + 1, 1, 1)),
        ),
        fields=FIELDS,
        name=f"article_search_{year}_{suffix}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_article_search_by_year_and_language"),
    ]

    operations = [
        BtreeGinExtension(),
        *(
            migrations.RemoveIndex(model_name="article", name=f"article_search_{year}_{suffix}")
            for year in YEARS
            for suffix, _ in LANGUAGES
        ),
        *(
            migrations.AddIndex(model_name="article", index=year_index(year, suffix, language))
            for year in YEARS
            for suffix, language in LANGUAGES
        ),
    ]
