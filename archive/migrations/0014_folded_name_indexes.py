"""Indexes on the folded names of people and their aliases (archive.models.folded), so that
a search that names a person finds them without reading every name through `unaccent`.

`unaccent(text)` is not immutable, since it looks its dictionary up on each call, and may
not be indexed; `archive_unaccent` names the dictionary in its body, which PostgreSQL
resolves once, when the function is created.
"""

from django.db import migrations, models
from django.db.models.functions import Upper

CREATE = """
CREATE FUNCTION archive_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN unaccent('unaccent'::regdictionary, $1);
"""
DROP = "DROP FUNCTION IF EXISTS archive_unaccent(text);"


def folded_name_index(name):
    return models.Index(Upper(models.Func("name", function="archive_unaccent")), name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_article_year_indexes_hold_filters"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.AddIndex(model_name="person", index=folded_name_index("person_name_folded")),
        migrations.AddIndex(
            model_name="personalias", index=folded_name_index("person_alias_folded")
        ),
    ]
