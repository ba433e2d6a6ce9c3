"""Archive-scale benchmark: search and page times, import speed, size, memory, and Tantivy.

    .venv/bin/python -m archive.launcher exec -- .venv/bin/python benchmarks/run.py --articles 20000

Works in a database of its own on the same server (archive_bench_<N> unless --database;
created when missing and kept between runs; the archive's own database is never touched):
  1. generates the synthetic corpus there when it holds fewer articles (generate_corpus),
     then VACUUM ANALYZE (also when an earlier run's rolled-back import left dead rows,
     which autovacuum would otherwise clean during the timings);
  2. times, in this process, with django.test.Client against the real views (the whole
     response: middleware, queries, templates), after a warm-up pass:
     - the search page for a fixed mix (search_mix.py): 8 query shapes, each without a
       filter and filtered by outlet, person and date range, sorted by relevance and by
       date, several distinct queries each;
     - the home, article, person, outlet, meeting and date-archive pages, and the lists
       of meetings (first pages, filtered, and pages drawn at random), of people and of
       outlets, and the meeting timeline;
  3. notes this process's resident memory (it served every page);
  4. imports 10,000 documents (--import-documents; import_throughput.py's) with the real
     importer into the benchmark database, in a transaction rolled back at the end;
  5. runs the same searches, top 10 by relevance, in Tantivy (tantivy_baseline.py) over
     the same articles, indexed in a temporary folder (after the import: reading every
     article for it leaves the database's cache cold);
  6. prints the database size and what computing the search vector costs an article.

Times are milliseconds, p50/p95/p99 over every timed request of a row (queries x repeats).
The last line is one JSON object: articles, search_p95_ms (the worst query shape, its
filters and sorts pooled), page_p95_ms (the worst page), tantivy_ratio (the worst shape's
archive page p95 / Tantivy p95, relevance order, filters pooled), import_per_s,
web_rss_mb, tantivy_query_ratio (the same with the page's top-10 query alone, without
counts, facets, snippets or the template: the work Tantivy does), and python_loop_ms (a
fixed pure-Python loop timed before the timings: the machine's speed, which has differed
between sessions by a factor of two for the same code).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MANAGE = [sys.executable, str(ROOT / "manage.py")]
MIN_SAMPLES = 3


def database_url(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def percentile(samples, share):
    """Linear interpolation between the closest ranks (the inclusive method)."""
    ordered = sorted(samples)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples):
    return {f"p{int(q * 100)}": 1000 * percentile(samples, q) for q in (0.5, 0.95, 0.99)}


# Setting up ---------------------------------------------------------------------------------


def prepare_database(server_url, name, articles, seed, workers):
    """Create the database if needed, migrate it, and generate the corpus when it holds
    fewer articles; VACUUM ANALYZE after generating, if it was never vacuumed, or if an
    earlier run's rolled-back import left dead rows: autovacuum would otherwise clean them
    during the timings (a minute or more of one core, with the years' search indexes)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    url = database_url(server_url, name)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([*MANAGE, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    with psycopg.connect(url, autocommit=True) as connection:
        stored = connection.execute("SELECT count(*) FROM archive_article").fetchone()[0]
        vacuumed, dead_rows = connection.execute(
            "SELECT coalesce(bool_or(relname = 'archive_article' "
            "AND coalesce(last_vacuum, last_autovacuum) IS NOT NULL), false), "
            "coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables"
        ).fetchone()
    generated = None
    if stored < articles:
        print(f"{name}: {stored:,} articles; generating {articles:,}", flush=True)
        started = time.perf_counter()
        command = [*MANAGE, "generate_corpus", "--articles", str(articles), "--seed", str(seed)]
        if workers:
            command += ["--workers", str(workers)]
        subprocess.run(command, env=env, check=True)
        generated = time.perf_counter() - started
    vacuum = None
    if generated is not None or not vacuumed or dead_rows:
        started = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
        vacuum = time.perf_counter() - started
    return url, generated, vacuum


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.test.utils import override_settings

    # Plain static file names: the hashed ones need collectstatic (as in the tests).
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    from archive.wsgi import freeze_loaded_objects

    freeze_loaded_objects()  # as the web process does


# Measuring ----------------------------------------------------------------------------------


class Timer:
    """GETs through django.test.Client, timed; remembers failures and the slowest URL."""

    def __init__(self):
        from django.test import Client

        self.client = Client(SERVER_NAME="localhost")
        self.failures = []

    def get(self, url):
        """Seconds to answer a GET of `url`, the whole response."""
        started = time.perf_counter()
        response = self.client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            self.failures.append((url, response.status_code))
        return elapsed


@dataclass(frozen=True)
class Probe:
    """One search of the mix: the page's URL, its parameters, and the Tantivy form."""

    url: str
    params: dict
    search: object
    restriction: object


def search_probes(mix):
    """{(shape, filter, sort): [Probe]}, every query of every row of the mix."""
    from search_mix import FILTERS, SHAPES, SORTS

    rows = {}
    for shape in SHAPES:
        for kind in FILTERS:
            for sort in SORTS:
                probes = []
                for n, search in enumerate(mix.searches[shape]):
                    params, restriction = mix.filter_params(kind, n)
                    params = {"q": search.text, **params, "sort": sort}
                    probes.append(
                        Probe(f"/search/?{urlencode(params)}", params, search, restriction)
                    )
                rows[shape, kind, sort] = probes
    return rows


def time_rows(rows, measure, repeat, warmup, budget, label):
    """{row: [seconds]} for {row: [item]}, `measure(item)` timing one item.

    `warmup` untimed passes, then `repeat` timed ones, each over every row in turn. A row
    stops early once it has taken `budget` seconds and has MIN_SAMPLES samples, so that
    a very slow search does not hold the benchmark for hours; the table gives the counts.
    """
    spent = defaultdict(float)
    for _ in range(warmup):
        for row, items in rows.items():
            for item in items:
                if spent[row] >= budget:
                    break
                spent[row] += measure(item)
    spent.clear()
    times = defaultdict(list)
    for n in range(repeat):
        for row, items in rows.items():
            for item in items:
                if spent[row] >= budget and len(times[row]) >= MIN_SAMPLES:
                    break
                elapsed = measure(item)
                spent[row] += elapsed
                times[row].append(elapsed)
        print(f"  {label}: pass {n + 1}/{repeat} done", file=sys.stderr, flush=True)
    return times


def results_query(probe):
    """Seconds to fetch the search page's first 10 results alone: the filters and the
    ranked query, without counts, facets, snippets or the template."""
    from django.http import QueryDict

    from archive.filters import ArticleSearchFilter
    from archive.models import Article
    from archive.visibility import shown

    started = time.perf_counter()
    data = QueryDict(mutable=True)
    data.update(probe.params)
    filterset = ArticleSearchFilter(data, queryset=shown(Article.objects.listing()))
    list(filterset.qs[:10])
    return time.perf_counter() - started


def page_urls(per_page, seed):
    """{page: [url]}: the home page and a sample of every kind of detail and archive page."""
    from django.db import connection

    def sample(sql, n=per_page):
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [seed / 1000])
            cursor.execute(f"{sql} ORDER BY random() LIMIT %s", [n])
            return [row[0] for row in cursor.fetchall()]

    shown = "review_status <> 'rejected'"
    busiest = (
        "SELECT slug FROM archive_outlet o JOIN (SELECT outlet_id, count(*) n FROM "
        "archive_article GROUP BY outlet_id ORDER BY n DESC LIMIT 3) a ON a.outlet_id = o.id"
    )
    famous = (
        "SELECT slug FROM archive_person p JOIN (SELECT person_id, count(*) n FROM "
        "archive_mention WHERE person_id IS NOT NULL GROUP BY person_id ORDER BY n DESC "
        "LIMIT 3) m ON m.person_id = p.id"
    )
    people = sample(famous, 3) + sample(
        f"SELECT slug FROM archive_person p WHERE {shown} AND EXISTS "
        "(SELECT 1 FROM archive_mention m WHERE m.person_id = p.id)",
        per_page - 3,
    )
    outlets = sample(busiest, 3) + sample(
        "SELECT slug FROM archive_outlet o WHERE EXISTS "
        "(SELECT 1 FROM archive_article a WHERE a.outlet_id = o.id)",
        per_page - 3,
    )
    days = sample(
        f"SELECT published_date FROM archive_article WHERE {shown} AND date_precision = 'day'"
    )

    def pages(view, table, page_size, filters=()):
        """URLs of the list `view`: its first page, first pages with each of `filters`,
        then pages drawn at random; `per_page` in all."""
        last = sample(f"SELECT ceil(count(*) / {page_size}.0)::int FROM {table} WHERE {shown}", 1)
        numbers = sample(f"SELECT n FROM generate_series(2, {max(last[0], 2)}) AS n")
        urls = [f"{view}?page={n}" for n in numbers if n <= last[0]]
        return ([view] + [f"{view}?{query}" for query in filters] + urls)[:per_page]

    years = sample(
        "SELECT year FROM (SELECT DISTINCT extract(year FROM date)::int AS year "
        f"FROM archive_meeting WHERE {shown} AND date IS NOT NULL) AS y"
    )
    return {
        "home": ["/"] * per_page,
        "article": [
            f"/articles/{pk}/" for pk in sample(f"SELECT id FROM archive_article WHERE {shown}")
        ],
        "person": [f"/people/{slug}/" for slug in people],
        "outlet": [f"/outlets/{slug}/" for slug in outlets],
        "meeting": [
            f"/meetings/{pk}/" for pk in sample(f"SELECT id FROM archive_meeting WHERE {shown}")
        ],
        "meeting list": pages(
            "/meetings/",
            "archive_meeting",
            30,
            [f"participant={slug}" for slug in people[:3]] + [f"year={years[0]}"],
        ),
        "meeting timeline": pages("/meetings/timeline/", "archive_meeting", 100),
        "people list": pages("/people/", "archive_person", 50),
        "outlet list": pages("/outlets/", "archive_outlet", 50),
        "archive index": ["/archive/"] * per_page,
        "archive year": [f"/archive/{day:%Y}/" for day in days],
        "archive month": [f"/archive/{day:%Y/%m}/" for day in days],
        "archive day": [f"/archive/{day:%Y/%m/%d}/" for day in days],
    }


def python_loop_ms(runs=5, additions=1_000_000):
    """Milliseconds a fixed pure-Python loop takes here, the median of `runs`: a gauge of
    the machine's speed, so that runs on machines (or moments) of different speeds can be
    told apart from changes in the code."""
    times = []
    for _ in range(runs):
        started, total = time.perf_counter(), 0
        for n in range(additions):
            total += n
        times.append(time.perf_counter() - started)
    return 1000 * percentile(times, 0.5)


def resident_memory_mb():
    """(current, peak) resident memory of this process, in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(value.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def slowest_queries(timer, url, explain=True, top=3):
    """The slowest SQL statements of one request, and the plan of the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        timer.get(url)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    lines = [f"{url}: {len(queries)} queries"]
    for query in queries[:top]:
        lines.append(f"  {1000 * float(query['time']):8.1f} ms  {query['sql'][:300]}")
    if explain and queries and queries[0]["sql"].lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
            plan = [row[0] for row in cursor.fetchall()]
        lines += ["  plan of the slowest:"] + [f"    {line}" for line in plan[:60]]
    return "\n".join(lines)


def vector_cost(sample=5000):
    """Microseconds PostgreSQL spends computing one article's search vector, from the
    generated column's own expression over `sample` stored articles."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef "
            "WHERE adrelid = 'archive_article'::regclass"
        )
        expression = next(e for (e,) in cursor.fetchall() if "to_tsvector" in e)
        rows = (
            "(SELECT title, lead, names_text, body, language FROM archive_article "
            f"ORDER BY id LIMIT {sample}) AS a"
        )
        started = time.perf_counter()
        cursor.execute(f"SELECT sum(length(body) + length(title)) FROM {rows}")
        reading = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(f"SELECT sum(length({expression})) FROM {rows}")
        computing = time.perf_counter() - started
    return 1e6 * (computing - reading) / sample


def import_throughput(documents):
    """(documents a second, seconds to the first stored document, {status: documents})
    through the real importer as `import_articles` runs it (worker processes, one a core),
    extraction included, into this database; everything it writes is rolled back.

    The rate includes the start (the people matcher, the workers, a first batch of 100
    prepared before any is stored: about half a second), so it is measured over enough
    documents that the start does not make most of it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from django.db import transaction
    from import_throughput import write_corpus

    from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
    from archive.ingest.prepare import cores
    from archive.ingest.store import Importer

    people = [p.name for p in Gazetteer.from_file(DEFAULT_GAZETTEER_PATH).people if p.positions]
    statuses = defaultdict(int)
    with tempfile.TemporaryDirectory() as folder:
        write_corpus(Path(folder), documents, people)
        with transaction.atomic():
            started, first = time.perf_counter(), None
            for result in Importer(workers=cores()).import_paths([folder]):
                first = first or time.perf_counter() - started
                statuses[result.status] += 1
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
    return documents / elapsed, first, dict(statuses)


# Reporting ----------------------------------------------------------------------------------


def print_search_table(page_times, query_times, tantivy_times):
    print(
        f"\nsearch, ms{'':29}{'n':>4}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'top-10 query p95':>18}{'tantivy p95':>13}"
    )
    for (shape, kind, sort), samples in page_times.items():
        s = summary(samples)
        line = (
            f"{shape:16}{kind:8}{sort:15}{len(samples):4}"
            f"{s['p50']:8.1f}{s['p95']:8.1f}{s['p99']:8.1f}"
        )
        if (shape, kind, sort) in query_times:
            line += f"{summary(query_times[shape, kind, sort])['p95']:18.1f}"
        if (shape, kind) in tantivy_times and sort == "relevance":
            line += f"{summary(tantivy_times[shape, kind])['p95']:13.2f}"
        print(line)


def print_page_table(times):
    print(f"\npage, ms{'':23}{'n':>4}{'p50':>8}{'p95':>8}{'p99':>8}")
    for page, samples in times.items():
        s = summary(samples)
        print(f"{page:31}{len(samples):4}{s['p50']:8.1f}{s['p95']:8.1f}{s['p99']:8.1f}")


def pooled_p95(times, keep=lambda row: True):
    """p95 per query shape (the first part of each row), over the rows `keep` accepts."""
    groups = defaultdict(list)
    for row, samples in times.items():
        if keep(row):
            groups[row[0]].extend(samples)
    return {group: summary(samples)["p95"] for group, samples in groups.items()}


def run_tantivy(url, rows, repeat, warmup):
    """{(shape, filter): [seconds]} for the relevance rows, top 10 in Tantivy."""
    from tantivy_baseline import TantivyBaseline

    with tempfile.TemporaryDirectory() as folder:
        baseline = TantivyBaseline(folder)
        documents, seconds = baseline.build(url)
        print(f"tantivy: indexed {documents:,} articles in {seconds:.0f} s", flush=True)
        queries = {
            (shape, kind): [baseline.query(p.search, p.restriction) for p in probes]
            for (shape, kind, sort), probes in rows.items()
            if sort == "relevance"
        }

        def measure(query):
            started = time.perf_counter()
            baseline.top(query)
            return time.perf_counter() - started

        return time_rows(queries, measure, repeat, warmup, float("inf"), "tantivy")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size")
    parser.add_argument("--database", help="database name (default archive_bench_<articles>)")
    parser.add_argument("--seed", type=int, default=1, help="generate_corpus seed")
    parser.add_argument("--workers", type=int, help="generate_corpus workers (default its own)")
    parser.add_argument("--queries", type=int, default=5, help="distinct queries per shape")
    parser.add_argument("--pages", type=int, default=10, help="distinct pages of each kind")
    parser.add_argument("--repeat", type=int, default=2, help="timed passes over the mix")
    parser.add_argument("--warmup", type=int, default=1, help="untimed passes first")
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help=f"seconds a table row may take before it stops (at {MIN_SAMPLES} samples or more)",
    )
    parser.add_argument(
        "--import-documents", type=int, default=10000, help="documents the import times"
    )
    parser.add_argument("--no-tantivy", action="store_true", help="skip the Tantivy baseline")
    parser.add_argument("--no-explain", action="store_true", help="skip EXPLAIN ANALYZE")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Run through the launcher: python -m archive.launcher exec -- python " + __file__)

    name = options.database or f"archive_bench_{options.articles}"
    url, generated, vacuum = prepare_database(
        os.environ["DATABASE_URL"], name, options.articles, options.seed, options.workers
    )
    setup_django(url)
    from django.db import connection
    from search_mix import build_mix

    from archive.models import Article, Meeting, Mention, Person

    articles = Article.objects.count()
    print(
        f"{name}: {articles:,} articles, {Mention.objects.count():,} mentions, "
        f"{Meeting.objects.count():,} meetings, {Person.objects.count():,} people"
        + (f"; generated in {generated:.0f} s" if generated else "")
        + (f"; VACUUM ANALYZE {vacuum:.0f} s" if vacuum else ""),
        flush=True,
    )
    load_before, loop_before = os.getloadavg(), python_loop_ms()
    mix = build_mix(options.queries)
    for word in mix.frequent_words[:2]:
        share = Article.objects.matching(word).count() / articles
        print(f"frequent term '{word}' is in {share:.0%} of the articles")

    timer = Timer()
    rows = search_probes(mix)
    common = (options.repeat, options.warmup, options.budget)
    search_times = time_rows(rows, lambda p: timer.get(p.url), *common, "search page")
    relevance = {row: probes for row, probes in rows.items() if row[2] == "relevance"}
    query_times = time_rows(relevance, results_query, *common, "top-10 query")
    pages = page_urls(options.pages, options.seed)
    page_times = time_rows(pages, timer.get, *common, "pages")
    rss, peak = resident_memory_mb()
    load_after, loop_after = os.getloadavg(), python_loop_ms()

    import_rate, import_start, statuses = import_throughput(options.import_documents)
    tantivy_times = {}
    if not options.no_tantivy:
        tantivy_times = run_tantivy(url, rows, options.repeat, options.warmup)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "pg_total_relation_size('archive_article'), "
            "pg_relation_size('article_search_ru') + pg_relation_size('article_search_other')"
        )
        size_mb, article_mb, gin_mb = (n / 2**20 for n in cursor.fetchone())
    vector_us = vector_cost()

    print_search_table(search_times, query_times, tantivy_times)
    print_page_table(page_times)
    shapes = pooled_p95(search_times)
    ratios, query_ratios = {}, {}
    if tantivy_times:
        archive = pooled_p95(search_times, lambda row: row[2] == "relevance")
        queries = pooled_p95(query_times)
        tantivy = pooled_p95(tantivy_times)
        print(
            "\nper shape, relevance order, filters pooled: p95 of the archive's page, and of "
            "its top-10 query alone, against Tantivy's"
        )
        for shape, archive_p95 in archive.items():
            ratios[shape] = archive_p95 / tantivy[shape]
            query_ratios[shape] = queries[shape] / tantivy[shape]
            print(
                f"  {shape:16}{archive_p95:9.1f} ms /{tantivy[shape]:7.2f} ms ={ratios[shape]:8.0f}x"
                f"   query {queries[shape]:7.1f} ms ={query_ratios[shape]:6.0f}x"
            )
    worst_shape = max(shapes, key=shapes.get)
    pages_p95 = {page: summary(samples)["p95"] for page, samples in page_times.items()}
    worst_page = max(pages_p95, key=pages_p95.get)
    print(
        f"\nworst search shape: {worst_shape} ({shapes[worst_shape]:.0f} ms p95, filters and "
        f"sorts pooled); worst page: {worst_page} ({pages_p95[worst_page]:.0f} ms p95)\n"
        f"import: {import_rate:.0f} documents/s ({options.import_documents} documents "
        f"{statuses}, rolled back; the first stored after {import_start:.2f} s)\n"
        f"database: {size_mb:,.0f} MB (articles with TOAST and indexes {article_mb:,.0f} MB, "
        f"of which the whole archive's search GIN indexes {gin_mb:,.0f} MB); computing the search vector: "
        f"{vector_us:.0f} µs an article\n"
        f"web process: {rss:.0f} MB resident after the run, {peak:.0f} MB at most\n"
        f"{os.cpu_count()} cores; load average (1, 5, 15 min) before the timings "
        f"{_load(load_before)}, after {_load(load_after)}; a pure-Python loop of a million "
        f"additions {loop_before:.0f} ms before, {loop_after:.0f} ms after (the machine's speed)"
    )
    if timer.failures:
        print(f"NOT 200: {len(timer.failures)} requests, e.g. {timer.failures[:3]}")
    if not options.no_explain:
        slowest_row = max(search_times, key=lambda row: summary(search_times[row])["p95"])
        slowest_url = max((p.url for p in rows[slowest_row]), key=timer.get)
        print("\nslowest search row:", " / ".join(slowest_row))
        print(slowest_queries(timer, slowest_url))
        print("\nslowest page:", worst_page)
        print(slowest_queries(timer, max(pages[worst_page], key=timer.get)))
    print(
        json.dumps(
            {
                "articles": articles,
                "search_p95_ms": round(shapes[worst_shape], 1),
                "page_p95_ms": round(pages_p95[worst_page], 1),
                "tantivy_ratio": round(max(ratios.values()), 1) if ratios else None,
                "tantivy_query_ratio": (
                    round(max(query_ratios.values()), 1) if query_ratios else None
                ),
                "import_per_s": round(import_rate, 1),
                "web_rss_mb": round(rss, 1),
                "python_loop_ms": round(loop_before, 1),
            }
        )
    )


def _load(averages):
    return " ".join(f"{value:.2f}" for value in averages)


if __name__ == "__main__":
    main()
