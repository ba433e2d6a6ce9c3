"""Full-text search over articles: the stored vector, query syntax, the QuerySet, highlighting.

The vector is a generated column (GIN-indexed) built per row with the text search
configuration of the article's language. Both configurations are our own copies of
PostgreSQL's english and russian ones with `unaccent` in front of the stemmer (created in
migration 0001), so accents never matter and the expression stays immutable, as a generated
column requires.

Weights: A title, B lead and the names of the people an article mentions (every alias, so
"Shoygu" and "Шойгу" find Shoigu), C body.

Query syntax, translated in stages (`ArticleSearch.parse`):
  1. web-search syntax: words (AND), "quoted phrases", OR, -exclusion. These parts go to
     PostgreSQL's own websearch_to_tsquery, which never rejects its input;
  2. prefixes (`cooperat*`) and proximity (`Belousov NEAR/5 Dong`), which websearch
     syntax lacks, become to_tsquery operators (`:*`, `<N>`) built only from validated
     letter-and-digit tokens, so no user text ever reaches tsquery syntax;
  3. each article is matched with the query normalised by its own language's
     configuration, as its vector was, so stemming and exclusion agree with the index;
  4. optionally, other spellings of a person the query names (see archive/names.py).
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache, reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVector,
)
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIGS = {"en": "archive_english", "ru": "archive_russian"}
DEFAULT_SEARCH_CONFIG = SEARCH_CONFIGS["en"]
MARK_ON, MARK_OFF = "\ue000", "\ue001"

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
DEFAULT_NEAR_DISTANCE = 5
MAX_NEAR_DISTANCE = 20
MIN_PREFIX_LENGTH = 2
# A word starting with a prefix may be indexed under a stem shorter than the prefix
# ("cooperation" is stored as "cooper", so "cooperat*" alone would miss it). The prefix
# therefore also matches stems it extends by up to this many letters, if that long.
PREFIX_STEM_SLACK = 3
MIN_PREFIX_STEM_LENGTH = 5

LISTING_DEFERRED = ("body", "raw_text", "raw_bytes", "names_text", "search_vector")
NEWEST_FIRST = (F("published_date").desc(nulls_last=True), F("id").desc())


def ranked_matches():
    """How many of the newest matches relevance ranks (settings.ARCHIVE_RANKED_MATCHES).

    Ranking reads the vector of every article it ranks, and a broad search matches hundreds
    of thousands. Relevance is therefore computed among the newest matches only; facet
    counts of a broad search are counted among them too. What this costs: an older article
    that would rank first is not on the relevance-sorted pages of a search that matches
    more articles than this (sorting by date, or narrowing, reaches it).
    """
    return settings.ARCHIVE_RANKED_MATCHES


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


class QuerySyntaxError(ValueError):
    """A search the archive cannot run; the message is written for the reader."""


_CHUNK = re.compile(r'(-*)(?:"([^"]*)("?)|([^\s"]+))')
_NEAR = re.compile(r"NEAR(?:/(\d{1,6}))?")
_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text):
    """Letters-and-digits runs: the only user text that ever enters tsquery syntax."""
    return _TOKEN.findall(text)


def _unaccented(word):
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Term:
    """A word or a "quoted phrase", possibly a prefix (word*) or excluded (-word)."""

    text: str
    phrase: bool = False
    prefix: bool = False
    excluded: bool = False

    @property
    def plain(self):
        return not self.prefix

    def websearch(self):
        body = f'"{self.text}"' if self.phrase else self.text
        return f"-{body}" if self.excluded else body

    def tsquery(self):
        """Operand in to_tsquery syntax: tokens joined by <->, the last one a prefix."""
        tokens = _tokens(self.text)
        if self.prefix:
            tokens[-1] += ":*"
        return " <-> ".join(tokens)

    def prefix_stems(self):
        """Stems a word starting with this prefix may be stored under (see PREFIX_STEM_SLACK)."""
        tokens = _tokens(self.text)
        if not self.prefix or len(tokens) != 1:
            return []
        word = _unaccented(tokens[0])
        shortest = max(MIN_PREFIX_STEM_LENGTH, len(word) - PREFIX_STEM_SLACK)
        return [word[:n] for n in range(len(word) - 1, shortest - 1, -1)]

    def __str__(self):
        return self.websearch() + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Near:
    """Two terms at most `distance` words apart, in either order."""

    left: Term
    right: Term
    distance: int

    plain = False
    excluded = False

    def tsquery(self):
        left, right = f"({self.left.tsquery()})", f"({self.right.tsquery()})"
        return " | ".join(
            f"{a} <{n}> {b}"
            for n in range(1, self.distance + 1)
            for a, b in ((left, right), (right, left))
        )

    def __str__(self):
        return f"{self.left} NEAR/{self.distance} {self.right}"


@dataclass(frozen=True)
class ArticleSearch:
    """A parsed search: OR-ed groups of AND-ed clauses, plus notes for the reader.

    `names` are other spellings of people the query names exactly and `people` their ids;
    both widen the search (see `including_people`).
    """

    text: str
    groups: tuple = ()
    notes: tuple = ()
    names: tuple = ()
    people: tuple = ()

    @classmethod
    def parse(cls, text):
        """Parse web-search syntax plus `word*` and `a NEAR/n b`; raise QuerySyntaxError.

        Precedence follows websearch_to_tsquery: OR separates alternatives, each of which
        is an AND of its words ("a b OR c" is "(a and b) or c").
        """
        text = _clean(text)
        if len(text) > MAX_QUERY_LENGTH:
            raise QuerySyntaxError(
                f"That search is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}."
            )
        notes = []
        groups = [[]]
        for excluded, phrase, closing, word in _CHUNK.findall(text):
            if phrase or closing or not word:
                if not closing and text.count('"') % 2:
                    notes.append("A quotation mark was not closed; the phrase runs to the end.")
                if _tokens(phrase):
                    groups[-1].append(Term(phrase, phrase=True, excluded=bool(excluded)))
                continue
            if not excluded and word.casefold() == "or":
                groups.append([])
                continue
            near = _NEAR.fullmatch(word)
            if near and not excluded:
                groups[-1].append(_near_distance(near.group(1), notes))
                continue
            prefix = word.endswith("*")
            stripped = word.rstrip("*")
            tokens = _tokens(stripped)
            if not tokens:
                continue
            if prefix and len(tokens[-1]) < MIN_PREFIX_LENGTH:
                notes.append(
                    f"“{word}”: a prefix needs at least {MIN_PREFIX_LENGTH} letters; "
                    "searched as a whole word."
                )
                prefix = False
            groups[-1].append(Term(stripped, prefix=prefix, excluded=bool(excluded)))

        clauses = [_join_near(group, notes) for group in groups]
        clauses = [group for group in clauses if group]
        if not clauses:
            raise QuerySyntaxError("Type at least one word or number to search for.")
        terms = sum(len(group) for group in clauses)
        if terms > MAX_TERMS:
            raise QuerySyntaxError(f"That search has {terms} terms; the limit is {MAX_TERMS}.")
        if any(all(clause.excluded for clause in group) for group in clauses):
            raise QuerySyntaxError(
                "Each alternative needs a word to look for, not only words to exclude (-word)."
            )
        return cls(text, tuple(tuple(group) for group in clauses), tuple(dict.fromkeys(notes)))

    def including_people(self, people):
        """The same search, also finding these people under every name they go by."""
        people = list(people)
        names = {person.name for person in people}
        names.update(alias.name for person in people for alias in person.aliases.all())
        names = {" ".join(name.replace('"', " ").split()) for name in names}
        return replace(
            self,
            names=tuple(sorted(name for name in names if _tokens(name)))[:20],
            people=tuple(person.pk for person in people),
        )

    def without_positions(self):
        """The same search with each phrase as its words and each `a NEAR/n b` as `a b`, all
        anywhere, which the GIN index answers without reading a vector (an excluded phrase
        is left out): every match of the search is among its matches. None when the search
        needs no word positions."""
        groups = tuple(
            tuple(term for clause in group for term in _anywhere(clause)) for group in self.groups
        )
        return None if groups == self.groups else replace(self, groups=groups)

    @property
    def as_name(self):
        """The text, if the query could be a name: a few bare words or one quoted phrase."""
        clauses = [clause for group in self.groups for clause in group]
        phrase = (
            len(clauses) == 1
            and isinstance(clauses[0], Term)
            and clauses[0].phrase
            and not clauses[0].excluded
        )
        if self.is_plain_words or (len(self.groups) == 1 and phrase):
            return " ".join(clause.text for clause in clauses)
        return None

    @property
    def is_plain_words(self):
        """True for a few bare words: what a misspelled name looks like."""
        clauses = [clause for group in self.groups for clause in group]
        return (
            len(self.groups) == 1
            and 0 < len(clauses) <= 4
            and all(
                isinstance(c, Term) and not (c.phrase or c.prefix or c.excluded) for c in clauses
            )
        )

    def tsquery(self, config):
        """The whole search normalised by one configuration, as a SearchQuery expression
        compiled once however many statements use it (see CompiledQuery)."""
        return _compiled_tsquery(self, config)

    def by_language(self):
        """Per-row query: each article's language picks the configuration its vector used."""
        return Case(
            When(language="ru", then=self.tsquery(SEARCH_CONFIGS["ru"])),
            default=self.tsquery(DEFAULT_SEARCH_CONFIG),
            output_field=SearchQueryField(),
        )

    def rank(self):
        """Relevance: weighted (title A above lead and names B above body C), each article
        against the search in its own language's configuration."""
        return SearchRank(F("search_vector"), self.by_language())

    def matches(self):
        """A filter written so each branch can use a GIN index: the search_vector's and,
        for the people the search names, person_ids'. An article that mentions one of them
        matches through the names of its names_text anyway; found by the id, its search
        vector is not read again to check a name's words are in order."""
        return self.mentioning() | self.text_matches()

    def mentioning(self):
        """The articles that mention the people the search names (none: every article)."""
        return Q(person_ids__overlap=list(self.people)) if self.people else Q()

    def text_matches(self):
        """Russian articles matched by the search in the Russian configuration, the others
        in the English one: each branch the condition of its own search indexes
        (archive.models.year_search_indexes), which answer it alone."""
        russian = Q(language="ru", search_vector=self.tsquery(SEARCH_CONFIGS["ru"]))
        other = ~Q(language="ru") & Q(search_vector=self.tsquery(DEFAULT_SEARCH_CONFIG))
        return russian | other

    def __str__(self):
        return " OR ".join(" ".join(str(clause) for clause in group) for group in self.groups)


class CompiledQuery(SearchQuery):
    """A tsquery expression that is resolved and compiled to SQL once, then reused.

    A search page runs the same tree of tsquery functions in up to twenty statements
    (windows of years, ranking, snippets, in both configurations); resolving and compiling
    it again for each took a millisecond a statement for a name with nine spellings. The
    tree refers to no column, so its SQL is the same in every statement."""

    def __init__(self, expression):
        super().__init__("")
        self.expression = expression
        self.compiled = {}

    def get_source_expressions(self):
        return []

    def resolve_expression(self, *args, **kwargs):
        return self

    def as_sql(self, compiler, connection, **extra_context):
        if connection.alias not in self.compiled:
            resolved = self.expression.resolve_expression(compiler.query)
            self.compiled[connection.alias] = compiler.compile(resolved)
        sql, params = self.compiled[connection.alias]
        return sql, list(params)


@lru_cache(maxsize=256)
def _compiled_tsquery(search, config):
    alternatives = [_group_query(group, config) for group in search.groups]
    alternatives += [
        SearchQuery(f'"{name}"', search_type="websearch", config=config) for name in search.names
    ]
    return CompiledQuery(reduce(or_, alternatives))


def _anywhere(clause):
    """Terms that match wherever `clause` does, their words in any order and at any distance."""
    if isinstance(clause, Near):
        return [*_anywhere(clause.left), *_anywhere(clause.right)]
    tokens = _tokens(clause.text)
    if not clause.phrase or len(tokens) < 2:
        return [clause]
    if clause.excluded:
        return []  # leaving out an exclusion only widens the search
    return [Term(token) for token in tokens]


def _clean(text):
    """Drop control characters (NUL included) and our highlight markers; squeeze spaces."""
    text = "".join(
        " " if unicodedata.category(c) in {"Cc", "Cs"} else c
        for c in strip_markers(str(text or ""))
    )
    return " ".join(text.split())


def _near_distance(digits, notes):
    distance = int(digits) if digits else DEFAULT_NEAR_DISTANCE
    if not 1 <= distance <= MAX_NEAR_DISTANCE:
        distance = min(max(distance, 1), MAX_NEAR_DISTANCE)
        notes.append(f"NEAR distances run from 1 to {MAX_NEAR_DISTANCE}; used NEAR/{distance}.")
    return distance


def _join_near(items, notes):
    """Turn `a NEAR/n b` into one Near clause; a chain a NEAR b NEAR c pairs each neighbour."""
    clauses, last, pending = [], None, None
    for item in items:
        if isinstance(item, int):
            if last is None:
                notes.append("NEAR needs a word on each side; it was ignored.")
            else:
                pending = item
            continue
        if pending is not None:
            if item.excluded or last.excluded:
                notes.append("Exclusion (-word) does not combine with NEAR; it was ignored.")
            if clauses and clauses[-1] is last:
                clauses.pop()
            clauses.append(
                Near(replace(last, excluded=False), replace(item, excluded=False), pending)
            )
            pending = None
        else:
            clauses.append(item)
        last = item
    if pending is not None:
        notes.append("NEAR needs a word on each side; it was ignored.")
    return clauses


def _group_query(clauses, config):
    """AND of one websearch_to_tsquery (plain words, phrases, exclusions) and raw operands."""
    plain = " ".join(clause.websearch() for clause in clauses if clause.plain)
    parts = [SearchQuery(plain, search_type="websearch", config=config)] if plain else []
    for clause in clauses:
        if clause.plain:
            continue
        alternatives = [SearchQuery(clause.tsquery(), search_type="raw", config=config)]
        if isinstance(clause, Term):
            alternatives += [
                SearchQuery(stem, search_type="raw", config="simple")
                for stem in clause.prefix_stems()
            ]
        if clause.excluded:
            parts.extend(~alternative for alternative in alternatives)
        else:
            parts.append(reduce(or_, alternatives))
    return reduce(and_, parts)


def _headline(field_name, search, **options):
    return Case(
        When(
            language="ru",
            then=SearchHeadline(
                field_name,
                search.tsquery(SEARCH_CONFIGS["ru"]),
                config=SEARCH_CONFIGS["ru"],
                start_sel=MARK_ON,
                stop_sel=MARK_OFF,
                **options,
            ),
        ),
        default=SearchHeadline(
            field_name,
            search.tsquery(DEFAULT_SEARCH_CONFIG),
            config=DEFAULT_SEARCH_CONFIG,
            start_sel=MARK_ON,
            stop_sel=MARK_OFF,
            **options,
        ),
        output_field=models.TextField(),
    )


class ArticleQuerySet(models.QuerySet):
    def listing(self):
        """Columns a list of articles shows: no bodies, raw text or vectors."""
        return self.select_related("outlet").defer(*LISTING_DEFERRED)

    def matching(self, search):
        """Articles that match `search` (text or ArticleSearch), unranked.

        Every spelling of every person an article mentions is in its `names_text` (written
        at import, rewritten when curators merge people or reject mentions), so a search
        for a person's name reaches the articles that mention them through the index alone.
        """
        if isinstance(search, str):
            search = ArticleSearch.parse(search)
        return self.filter(search.matches())

    def newest(self):
        """The ids of the newest rows, as many as relevance ranks, as a subquery."""
        return self.order_by(*NEWEST_FIRST).values("pk")[: ranked_matches()]

    def ranked(self, search, among=None):
        """Best first by weighted relevance (title A above lead and names B above body C),
        among `among` (ids) of these rows, by default the newest of these articles (see
        `ranked_matches`), read apart from the search's filter."""
        if among is None:
            candidates = self.model.objects.listing().filter(pk__in=self.newest())
        else:
            candidates = self.filter(pk__any=among)
        return candidates.annotate(rank=search.rank()).order_by("-rank", *NEWEST_FIRST)

    def search(self, search):
        """Articles matching `search` (text or ArticleSearch), best first."""
        if isinstance(search, str):
            search = ArticleSearch.parse(search)
        return self.matching(search).ranked(search)

    def headlines(self, search):
        """{pk: (title, snippet)} with matches between MARK_ON and MARK_OFF.

        Meant for one page of results: ts_headline re-parses each body, so it runs only
        on the rows about to be shown.
        """
        rows = self.annotate(
            title_headline=_headline("title", search, highlight_all=True),
            body_headline=_headline(
                "body",
                search,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        ).values_list("pk", "title_headline", "body_headline")
        return {pk: (title, body) for pk, title, body in rows}


def render_headline(text):
    """Escape everything first, then turn our private-use markers into <mark>."""
    escaped = str(escape(text))
    return mark_safe(escaped.replace(MARK_ON, "<mark>").replace(MARK_OFF, "</mark>"))


def strip_markers(text):
    """Remove our marker characters from incoming text, so no article can forge a <mark>."""
    return text.replace(MARK_ON, "").replace(MARK_OFF, "")
