"""Names of people and organizations as searchers type them.

Two uses in search: a query that *is* a person's name or alias ("Shoygu", "Шойгу") widens to
every spelling of that person and to the articles that mention them; a query that looks like
a misspelled name gets "did you mean" suggestions by trigram similarity (pg_trgm) over the
names and aliases of people and organizations, which the GIN trigram indexes serve.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Value
from django.db.models.lookups import Exact

from archive.models import (
    Organization,
    OrganizationAlias,
    Person,
    PersonAlias,
    ReviewStatus,
    folded,
)
from archive.visibility import shown

SUGGESTION_LIMIT = 3
REJECTED = ReviewStatus.REJECTED


def _as_name(text):
    return " ".join(text.replace('"', " ").split())


def people_named(text):
    """People whose name or an alias equals `text`, ignoring case, accents and quotes
    (through the indexes of the folded names)."""
    name = _as_name(text)
    if not name:
        return Person.objects.none()
    same_name = Exact(folded("name"), folded(Value(name)))
    by_name = Person.objects.filter(same_name).values("pk").order_by()
    by_alias = PersonAlias.objects.filter(same_name).values("person_id").order_by()
    return (
        shown(Person.objects)
        .filter(pk__in=by_name.union(by_alias, all=True))
        .prefetch_related("aliases")
        .order_by("name")
    )


def similar_names(text, limit=SUGGESTION_LIMIT):
    """Names close to `text`, best first, excluding `text` itself and names it is a word of.

    Word similarity compares the query with the best-matching stretch of each name, so
    "Shoigo" is close to "Sergei Shoigu". The `%>` operator (trigram_word_similar) uses the
    trigram indexes and PostgreSQL's word_similarity_threshold (0.6 unless configured).
    """
    name = _as_name(text)
    if not name:
        return []

    def candidates(queryset):
        return (
            queryset.filter(name__trigram_word_similar=name)
            .annotate(similarity=TrigramWordSimilarity(name, "name"))
            .values_list("name", "similarity")
        )

    rows = (
        candidates(shown(Person.objects))
        .union(
            candidates(PersonAlias.objects.exclude(person__review_status=REJECTED)),
            candidates(shown(Organization.objects)),
            candidates(OrganizationAlias.objects.exclude(organization__review_status=REJECTED)),
        )
        .order_by("-similarity", "name")[: limit * 4]
    )
    wanted = name.casefold()
    suggestions = []
    for candidate, _similarity in rows:
        folded = candidate.casefold()
        if folded == wanted or wanted in folded.split() or candidate in suggestions:
            continue
        suggestions.append(candidate)
    return suggestions[:limit]
