"""The fixed mix of searches benchmarks/run.py times: query shapes, filters and sorts.

Query words come from the synthetic corpus's vocabulary by rank (archive/synthetic/
vocabulary.py), so the mix is the same for every corpus size and matches what the corpus
holds: a made-up word of rank 20,000 is in a fraction of a percent of the articles, the most
frequent content words in over 30%. Filters take the outlets and people with the most
articles, and two-year date windows. Each query also has its Tantivy form (see
tantivy_baseline.py), meaning the same search in Tantivy's query language.
"""

from dataclasses import dataclass, field

from django.db import connection

from archive.models import Article, Mention, Outlet, Person
from archive.synthetic.vocabulary import ENGLISH_PHRASES, vocabulary

SHAPES = [
    "rare term",
    "frequent term",
    "two terms",
    "phrase",
    "prefix",
    "proximity",
    "name + aliases",
    "OR, exclusion",
]
FILTERS = ["none", "outlet", "person", "dates"]
SORTS = ["relevance", "newest"]
DATE_WINDOWS = [(2008, 2009), (2012, 2013), (2016, 2017), (2020, 2021), (2024, 2025)]
FREQUENT_SHARE = 0.30
WORDS_PER_ARTICLE = 450  # title, lead and body of a synthetic article, on average


@dataclass(frozen=True)
class Search:
    shape: str
    text: str  # the archive's query syntax
    tantivy: str = ""  # Tantivy's query language; "" when built otherwise
    prefix: str = ""  # for prefix searches: the letters typed before the *
    spellings: tuple = ()  # for name searches: every spelling of the person
    person_id: int | None = None


@dataclass
class Mix:
    searches: dict = field(default_factory=dict)  # shape -> [Search]
    outlets: list = field(default_factory=list)  # (slug, id)
    people: list = field(default_factory=list)  # (slug, id)
    frequent_words: list = field(default_factory=list)

    def filter_params(self, kind, n):
        """(query-string params, Tantivy filter) for filter `kind`, the n-th variant."""
        if kind == "outlet":
            slug, pk = self.outlets[n % len(self.outlets)]
            return {"outlet": slug}, ("outlet", pk)
        if kind == "person":
            slug, pk = self.people[n % len(self.people)]
            return {"person": slug}, ("person", pk)
        if kind == "dates":
            first, last = DATE_WINDOWS[n % len(DATE_WINDOWS)]
            params = {"date_from": f"{first}-01-01", "date_to": f"{last}-12-31"}
            return params, ("day", (first * 10000 + 101, last * 10000 + 1231))
        return {}, None


def build_mix(per_shape=5):
    """Five (or `per_shape`) distinct searches of every shape, and the filter values."""
    english = vocabulary("en")
    words = [w for w in english.words if w.isalpha() and w.isascii()]
    content = set(_content_words(words[:3000]))
    ranked = [(english.words.index(w), w) for w in words[:3000] if w in content]
    shares = {w: english.share_of_articles(rank, WORDS_PER_ARTICLE) for rank, w in ranked}
    # The most frequent content word (as "said" is in news), then words in a third to
    # two thirds of the articles.
    frequent = [ranked[0][1]] + [w for w in shares if FREQUENT_SHARE + 0.05 < shares[w] < 0.65]
    middle = [w for rank, w in ranked if 100 <= rank < 800]
    long_middle = [w for w in middle if len(w) >= 8]
    rare = [english.words[rank] for rank in range(12_000, 30_000, 3_000)]
    russian = vocabulary("ru").words[8_000]
    n = per_shape
    mix = Mix(frequent_words=frequent[:n])
    mix.searches = {
        "rare term": [Search("rare term", w, w) for w in [*rare[: n - 1], russian]],
        "frequent term": [Search("frequent term", w, w) for w in frequent[:n]],
        "two terms": [
            Search("two terms", f"{a} {b}", f"{a} {b}")
            for a, b in zip(middle[:n], frequent[1 : n + 1], strict=True)
        ],
        "phrase": [
            Search("phrase", f'"{p}"', f'"{p}"') for p in ENGLISH_PHRASES[:n] if " and " not in p
        ],
        "prefix": [Search("prefix", f"{w[:7]}*", prefix=w[:7]) for w in long_middle[:n]],
        "proximity": [
            Search("proximity", f"{a} NEAR/5 {b}", f'"{a} {b}"~5')
            for a, b in zip(middle[n : 2 * n], frequent[:n], strict=True)
        ],
        "name + aliases": _name_searches(n),
        "OR, exclusion": [
            Search("OR, exclusion", f"{a} OR {b} -{c}", f"{a} OR ({b} -{c})")
            for a, b, c in zip(
                middle[2 * n : 3 * n], middle[3 * n : 4 * n], frequent[2 : n + 2], strict=True
            )
        ],
    }
    mix.outlets = _busiest_outlets(n)
    mix.people = _most_mentioned(n)
    return mix


def _content_words(words):
    """The words the English search configuration indexes (not stop words)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w "
            "WHERE to_tsvector('archive_english', w) <> ''::tsvector",
            [words],
        )
        return [row[0] for row in cursor.fetchall()]


def _busiest_outlets(n):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT o.slug, o.id FROM {Outlet._meta.db_table} o
            JOIN (SELECT outlet_id, count(*) AS n FROM {Article._meta.db_table}
                  GROUP BY outlet_id) a
              ON a.outlet_id = o.id
            ORDER BY a.n DESC, o.id LIMIT %s
            """,
            [n],
        )
        return cursor.fetchall()


def _most_mentioned(n):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.slug, p.id FROM {Person._meta.db_table} p
            JOIN (SELECT person_id, count(*) AS n FROM {Mention._meta.db_table}
                  WHERE person_id IS NOT NULL GROUP BY person_id) m ON m.person_id = p.id
            ORDER BY m.n DESC, p.id LIMIT %s
            """,
            [n],
        )
        return cursor.fetchall()


def _name_searches(n):
    """People among the most mentioned, searched by one of their aliases (a Latin one, and
    for one of them a Cyrillic one), as a reader would type it."""
    searches = []
    for index, (_slug, pk) in enumerate(_most_mentioned(4 * n)):
        person = Person.objects.prefetch_related("aliases").get(pk=pk)
        aliases = [a.name for a in person.aliases.all() if len(a.name) >= 4]
        cyrillic = [a for a in aliases if any("\u0400" <= c <= "\u04ff" for c in a)]
        latin = [a for a in aliases if a.isascii() and '"' not in a]
        chosen = (cyrillic if index == 0 and cyrillic else latin)[:1]
        if not chosen:
            continue
        spellings = tuple(sorted({person.name, *(a.name for a in person.aliases.all())}))
        searches.append(Search("name + aliases", chosen[0], spellings=spellings, person_id=pk))
        if len(searches) == n:
            break
    return searches
