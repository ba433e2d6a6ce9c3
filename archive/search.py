"""Full-text search over articles: the stored vector, the QuerySet, safe highlighting.

The vector is a generated column (GIN-indexed) built per row with the text search
configuration of the article's language. Both configurations are our own copies of
PostgreSQL's english and russian ones with `unaccent` in front of the stemmer (created in
migration 0001), so accents never matter and the expression stays immutable, as a generated
column requires.

Weights: A title, B lead and the names of the people an article mentions (every alias, so
"Shoygu" and "Шойгу" find Shoigu), C body.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import models
from django.db.models import Case, F, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIGS = {"en": "archive_english", "ru": "archive_russian"}
DEFAULT_SEARCH_CONFIG = SEARCH_CONFIGS["en"]
MARK_ON, MARK_OFF = "\ue000", "\ue001"


def _weighted_vector(config):
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("lead", "names_text", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def article_search_vector():
    """The per-language vector; each branch names a constant configuration."""
    return Case(
        When(language="ru", then=_weighted_vector(SEARCH_CONFIGS["ru"])),
        default=_weighted_vector(DEFAULT_SEARCH_CONFIG),
    )


def web_search_query(text):
    """A websearch_to_tsquery in every configuration we index with, OR-ed together."""
    queries = [
        SearchQuery(text, search_type="websearch", config=c) for c in SEARCH_CONFIGS.values()
    ]
    combined = queries[0]
    for query in queries[1:]:
        combined |= query
    return combined


class ArticleQuerySet(models.QuerySet):
    def search(self, text):
        """Articles matching `text` (web-search syntax), ranked by weighted relevance."""
        query = web_search_query(text)
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_date", "-id")
        )


def render_headline(text):
    """Escape everything first, then turn our private-use markers into <mark>."""
    escaped = str(escape(text))
    return mark_safe(escaped.replace(MARK_ON, "<mark>").replace(MARK_OFF, "</mark>"))


def strip_markers(text):
    """Remove our marker characters from incoming text, so no article can forge a <mark>."""
    return text.replace(MARK_ON, "").replace(MARK_OFF, "")
