"""Quote.published_date: its article's date, kept by triggers, so that a person's newest
quotes are read from an index instead of by visiting the article of each of their quotes.

A quote takes its article's date whenever it is inserted or updated (COPY included); an
article whose date changes passes it on to its quotes.
"""

from django.db import migrations, models

CREATE_TRIGGERS = """
    CREATE FUNCTION archive_quote_article_date() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        NEW.published_date := (
            SELECT published_date FROM archive_article WHERE id = NEW.article_id
        );
        RETURN NEW;
    END $$;
    CREATE TRIGGER quote_article_date BEFORE INSERT OR UPDATE ON archive_quote
    FOR EACH ROW EXECUTE FUNCTION archive_quote_article_date();

    CREATE FUNCTION archive_article_date_to_quotes() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        UPDATE archive_quote SET published_date = NEW.published_date
        WHERE article_id = NEW.id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER article_date_to_quotes AFTER UPDATE OF published_date ON archive_article
    FOR EACH ROW WHEN (OLD.published_date IS DISTINCT FROM NEW.published_date)
    EXECUTE FUNCTION archive_article_date_to_quotes();
"""
DROP_TRIGGERS = """
    DROP TRIGGER article_date_to_quotes ON archive_article;
    DROP FUNCTION archive_article_date_to_quotes();
    DROP TRIGGER quote_article_date ON archive_quote;
    DROP FUNCTION archive_quote_article_date();
"""
DATE_EXISTING = """
    UPDATE archive_quote q SET published_date = a.published_date
    FROM archive_article a WHERE a.id = q.article_id AND a.published_date IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0010_article_search_by_year"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="quote",
            name="archive_quo_person__0191b4_idx",
        ),
        migrations.AddField(
            model_name="quote",
            name="published_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunSQL(DATE_EXISTING + CREATE_TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="quote",
            index=models.Index(
                models.F("person"),
                models.OrderBy(models.F("published_date"), descending=True, nulls_last=True),
                models.F("article"),
                models.F("start"),
                name="quote_person_newest",
            ),
        ),
    ]
