"""PostgreSQL extensions and the text search configurations the search vector uses.

archive_english / archive_russian copy PostgreSQL's own configurations and put `unaccent`
before the stemmer, so "Shoígu" and "Shoigu" index alike.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CONFIGS = {
    "archive_english": ("english", "english_stem"),
    "archive_russian": ("russian", "russian_stem"),
}

CREATE = "\n".join(
    f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base});"
    f" ALTER TEXT SEARCH CONFIGURATION {name}"
    f" ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stem};"
    for name, (base, stem) in CONFIGS.items()
)
DROP = "\n".join(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};" for name in CONFIGS)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(CREATE, DROP),
    ]
