"""Tantivy over the same articles: the baseline benchmarks/run.py compares the archive with.

The index (in a folder of the caller's, built by streaming the articles out of PostgreSQL
with a server-side cursor) holds every article the public site shows: title, lead, names
and body in English or Russian fields (Tantivy's English stemmer, or a Russian Snowball
analyzer registered here), the outlet, the people mentioned and the day as YYYYMMDD.
Field boosts follow the archive's weights: PostgreSQL ranks A (title) 1.0, B (lead and
names) 0.4, C (body) 0.2, so title 5, lead and names 2, body 1.

Each search is the archive's, translated: the same words, phrases, NEAR as a phrase with
slop, a prefix as a regular expression over the stems the archive's prefix reaches, a name
as every spelling of the person or a mention of them; filters as required clauses.
"""

import time

import psycopg
import tantivy

from archive.search import Term

TEXT_FIELDS = ("title", "lead", "names", "body")
BOOSTS = {"title": 5.0, "lead": 2.0, "names": 2.0, "body": 1.0}
ANALYZERS = {"en": "en_stem", "ru": "ru_stem"}
ARTICLES_SQL = """
    SELECT a.id, a.language, a.title, a.lead, a.names_text, a.body, a.outlet_id,
           COALESCE(to_char(a.published_date, 'YYYYMMDD')::int, 0),
           ARRAY(SELECT DISTINCT m.person_id FROM archive_mention m
                 WHERE m.article_id = a.id AND m.person_id IS NOT NULL
                   AND m.review_status <> 'rejected')
    FROM archive_article a
    WHERE a.review_status <> 'rejected'
"""


def _field(name, language):
    return f"{name}_{language}"


class TantivyBaseline:
    def __init__(self, folder):
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True, fast=True)
        for language, analyzer in ANALYZERS.items():
            for name in TEXT_FIELDS:
                builder.add_text_field(_field(name, language), tokenizer_name=analyzer)
        builder.add_integer_field("outlet", indexed=True)
        builder.add_integer_field("person", indexed=True)
        builder.add_integer_field("day", indexed=True, fast=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(folder))
        russian = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("russian"))
            .build()
        )
        self.index.register_tokenizer("ru_stem", russian)
        self.fields = [_field(n, lang) for lang in ANALYZERS for n in TEXT_FIELDS]
        self.boosts = {_field(n, lang): BOOSTS[n] for lang in ANALYZERS for n in TEXT_FIELDS}
        self.searcher = None

    def build(self, database_url, threads=2, heap_bytes=512_000_000):
        """Index every shown article; returns (documents, seconds)."""
        started = time.perf_counter()
        writer = self.index.writer(heap_bytes, threads)
        documents = 0
        with psycopg.connect(database_url) as connection, connection.cursor(name="tantivy") as rows:
            rows.itersize = 2000
            rows.execute(ARTICLES_SQL)
            for pk, language, title, lead, names, body, outlet, day, people in rows:
                language = "ru" if language == "ru" else "en"
                document = tantivy.Document()
                document.add_integer("id", pk)
                for name, text in zip(TEXT_FIELDS, (title, lead, names, body), strict=True):
                    if text:
                        document.add_text(_field(name, language), text)
                if outlet is not None:
                    document.add_integer("outlet", outlet)
                for person in people:
                    document.add_integer("person", person)
                document.add_integer("day", day)
                writer.add_document(document)
                documents += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return documents, time.perf_counter() - started

    def _parse(self, text):
        return self.index.parse_query(
            text, self.fields, field_boosts=self.boosts, conjunction_by_default=True
        )

    def query(self, search, restriction=None):
        """The Tantivy query for a Search of search_mix, with a (kind, value) filter."""
        if search.spellings:
            alternatives = [tantivy.Query.term_query(self.schema, "person", search.person_id)]
            for spelling in search.spellings:
                try:
                    alternatives.append(self._parse(f'"{spelling}"'))
                except ValueError:
                    continue  # a spelling the query language cannot quote
            text = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])
        elif search.prefix:
            term = Term(search.prefix, prefix=True)
            pattern = "|".join([f"{search.prefix}.*", *term.prefix_stems()])
            text = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, tantivy.Query.regex_query(self.schema, field, pattern))
                    for field in self.fields
                    if field.endswith("_en")
                ]
            )
        else:
            text = self._parse(search.tantivy)
        if restriction is None:
            return text
        kind, value = restriction
        if kind == "day":
            first, last = value
            required = tantivy.Query.range_query(
                self.schema, "day", tantivy.FieldType.Integer, first, last
            )
        else:
            required = tantivy.Query.term_query(self.schema, kind, value)
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, text), (tantivy.Occur.Must, required)]
        )

    def top(self, query, limit=10):
        """Ids of the best `limit` articles for `query`."""
        hits = self.searcher.search(query, limit, count=False).hits
        return [self.searcher.doc(address)["id"][0] for _score, address in hits]
