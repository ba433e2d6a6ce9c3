"""Suspected duplicate articles are flagged when articles are stored, not found by the review
queue on each visit: grouping every title of a million articles took 4.9 s, then loaded the
third of them that share a title. Twins are looked up through an index on upper(title); the
queue's undated articles are counted and listed from a partial index.

The flags of the articles already stored are computed here, as
archive.curation.flag_suspected_duplicates computed them when this migration was written.
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

FLAG_STORED_ARTICLES = """
    INSERT INTO archive_suspectedduplicate (article_id, twin_id)
    SELECT a.id, twin.id FROM archive_article a
    CROSS JOIN LATERAL (
        SELECT o.id FROM archive_article o
        WHERE upper(o.title) = upper(a.title) AND o.id < a.id
          AND o.review_status <> 'rejected'
          AND (o.outlet_id = a.outlet_id
               OR o.published_date BETWEEN a.published_date - 2 AND a.published_date + 2)
        ORDER BY o.id LIMIT 1
    ) twin
    WHERE a.review_status NOT IN ('confirmed', 'rejected')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0018_list_pages_from_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SuspectedDuplicate",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="suspected_duplicate",
                        serialize=False,
                        to="archive.article",
                    ),
                ),
                (
                    "twin",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="archive.article",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                django.db.models.functions.text.Upper("title"), models.F("id"), name="article_title"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("date_confidence__in", ["inferred", "unknown"])),
                fields=["created_at", "id"],
                include=("review_status",),
                name="article_undated",
            ),
        ),
        migrations.RunSQL(FLAG_STORED_ARTICLES, migrations.RunSQL.noop),
    ]
