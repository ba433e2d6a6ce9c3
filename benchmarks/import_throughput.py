"""Import throughput, extraction included, on a generated corpus (a script, not a test).

    ./run manage shell -c ""   # once, so that .venv exists
    .venv/bin/python -m archive.launcher exec -- .venv/bin/python benchmarks/import_throughput.py --articles 10000

Writes N synthetic text dumps (headers, chrome, datelines, names from the gazetteer,
meeting sentences) to a temporary folder, imports them into a fresh database of its own
(`archive_bench`, dropped and re-created; the archive's own database is never touched),
and prints documents per second for the whole import: reading, cleaning, dating,
attribution, de-duplication, extraction, and the database writes.

The machine may be shared: the script prints the load average before and after, and the
CPU time each part took a document (this process, its pipeline workers, the database
backend serving it), which does not depend on what else runs. `--workers 1` prepares
every document in this process; `--profile FILE` writes cProfile statistics of this
process's part of the import.
"""

import argparse
import cProfile
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "archive_bench"
CHROME = [
    "World",
    "Business & Economy",
    "Military & Defense",
    "Select the city",
    "USD 92.45",
    "All news",
    "Loading",
    "Show more",
    "{{item.group_date}}",
]
CITIES = ["MOSCOW", "BEIJING", "NEW DELHI", "MINSK", "ASTANA", "HANOI", "JAKARTA", "TEHRAN"]
TOPICS = [
    "joint exercises",
    "naval patrols",
    "military education",
    "arms control",
    "regional security",
    "counterterrorism",
    "air defense cooperation",
    "border security",
]
FILLER = (
    "The sides discussed {topic} and the situation in the region. Officials said the talks "
    "were held in a constructive atmosphere. The ministries agreed to continue contacts at all "
    "levels and to prepare new agreements on {topic}. Experts noted that cooperation in this "
    "area has grown steadily over recent years."
)


def bench_database_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def recreate_database(url):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")


def write_corpus(folder, count, people, seed=7):
    rng = random.Random(seed)
    start = date(2005, 1, 1)
    for number in range(count):
        a, b = rng.sample(people, 2)
        day = start + timedelta(days=rng.randrange(365 * 21))
        city = rng.choice(CITIES)
        topic = rng.choice(TOPICS)
        paragraphs = [
            f"{city}, {day:%B} {day.day}. /TASS/. {a} held talks with {b} in "
            f"{city.title()} on {day:%A}, the ministry said.",
            *(FILLER.format(topic=rng.choice(TOPICS)) for _ in range(rng.randint(2, 6))),
            f'"We value our partnership," {a.split()[-1]} said.',
        ]
        chrome = rng.sample(CHROME, 4)
        text = "\n".join(
            [
                f" date {day.isoformat()} https://tass.com/defense/{1000000 + number}",
                *chrome,
                f"{a.split()[-1]} and {b.split()[-1]} discuss {topic} (report {number})",
                *paragraphs,
                "Read also",
                "Another headline about something else",
            ]
        )
        (folder / f"{number:06d}.txt").write_text(text, encoding="utf-8")


def main():
    from archive.ingest.prepare import cores

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000, help="documents to generate")
    parser.add_argument(
        "--workers",
        type=int,
        default=cores(),
        help="processes preparing documents (default: one a core; 1: all in this process)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="documents a transaction (default: the importer's)",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="write cProfile statistics of the import to FILE"
    )
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Run through the launcher: python -m archive.launcher exec -- python " + __file__)
    recreate_database(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = bench_database_url(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
    from archive.ingest.store import BATCH_SIZE, Importer, load_gazetteer
    from archive.models import Article, Meeting, Mention

    call_command("migrate", verbosity=0)
    gazetteer = Gazetteer.from_file(DEFAULT_GAZETTEER_PATH)
    load_gazetteer(gazetteer)
    people = [p.name for p in gazetteer.people if p.positions]
    with tempfile.TemporaryDirectory() as folder:
        write_corpus(Path(folder), options.articles, people)
        batch_size = options.batch_size or BATCH_SIZE
        importer = Importer(batch_size=batch_size, workers=options.workers)
        connection.ensure_connection()
        backend = psutil.Process(connection.connection.info.backend_pid)
        cpu_before = _cpu_times(backend)
        load_before = os.getloadavg()
        profile = cProfile.Profile() if options.profile else None
        started = time.perf_counter()
        statuses = {}
        if profile:
            profile.enable()
        for result in importer.import_paths([folder]):
            statuses[result.status] = statuses.get(result.status, 0) + 1
        if profile:
            profile.disable()
            profile.dump_stats(options.profile)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        cpu = [
            (after - before) * 1000 / options.articles
            for before, after in zip(cpu_before, _cpu_times(backend), strict=True)
        ]
    print(
        f"{cores()} cores, {options.workers} workers, batches of {batch_size}; load "
        f"average (1, 5, 15 min) before {_load(load_before)}, after {_load(load_after)}"
    )
    print(f"documents: {options.articles}  statuses: {statuses}")
    print(
        f"stored: {Article.objects.count()} articles, {Mention.objects.count()} mentions, "
        f"{Meeting.objects.count()} meetings"
    )
    print(f"import with extraction: {elapsed:.1f} s, {options.articles / elapsed:.0f} documents/s")
    print(
        f"CPU a document: importer {cpu[0]:.2f} ms, pipeline workers {cpu[1]:.2f} ms, "
        f"database backend {cpu[2]:.2f} ms; total {sum(cpu):.2f} ms"
    )


def _cpu_times(backend):
    """CPU seconds of this process, of its ended children (the workers), of the backend."""
    times = os.times()
    database = backend.cpu_times()
    return (
        times.user + times.system,
        times.children_user + times.children_system,
        database.user + database.system,
    )


def _load(averages):
    return " ".join(f"{value:.2f}" for value in averages)


if __name__ == "__main__":
    main()
