"""Load test: mixed reader traffic against the production server, on loopback only.

    .venv/bin/python -m archive.launcher exec -- .venv/bin/python benchmarks/load_test.py
    ... benchmarks/load_test.py --duration 300 --users 20 --workers 5
    ... benchmarks/load_test.py --url http://127.0.0.1:8000   # a server already running

Reads the archive as it is in the database DATABASE_URL names (through the launcher: the
embedded server of ARCHIVE_VAR_DIR, or the configured DATABASE_URL), samples addresses and
search words from it, starts `python -m archive.launcher production` (gunicorn, DEBUG off)
on a free loopback port, runs locust headless (benchmarks/locustfile.py) for the given
duration with the given number of concurrent readers, stops the server, and prints the
article count, requests per second, latency percentiles (p50, p95, p99) and errors, for
all requests and per kind of request. Nothing is written to the archive.

Build a large archive first with `manage generate_corpus --articles 100000`.
"""

import argparse
import csv
import ipaddress
import itertools
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# PostgreSQL's English stop words of four letters or more, and words of every title: a
# search of one of them alone finds nothing or everything.
COMMON_WORDS = """about after again against also among before being below between both
does doing down during each from further have having here into more most once only other
over same should some such than that their theirs them then there these they this those
through under until very were what when where which while whom will with would your"""
STOPWORDS = frozenset(COMMON_WORDS.split())


def sample_archive(rng, size=2000):
    """Addresses and search words drawn from the archive, as locustfile.py reads them."""
    from archive.models import Article, Meeting, Outlet, Person
    from archive.visibility import shown

    articles = shown(Article.objects)
    sampled = list(articles.order_by("?").values_list("pk", "title")[:size])
    counts = Counter()
    pairs = set()
    for _pk, title in sampled:
        tokens = [w.lower() for w in re.findall(r"[^\W\d_]{4,}", title)]
        counts.update(w for w in tokens if w not in STOPWORDS)
        pairs.update(
            (a, b)
            for a, b in itertools.pairwise(tokens)
            if a not in STOPWORDS and b not in STOPWORDS
        )
    # The common words and as many of the rarer ones: both cheap and costly searches.
    common = [w for w, _ in counts.most_common(150)]
    rare = [w for w, _ in counts.most_common()[150:]]
    words = common + rng.sample(rare, min(len(rare), 150))
    # Words in the titles of more than two pages of results (20 a page), estimated from the
    # sample: searches for them can ask for page 2.
    scale = articles.count() / max(len(sampled), 1)
    deep_words = [w for w, n in counts.most_common(50) if n * scale > 40]
    people = shown(Person.objects).filter(mentions__isnull=False).distinct()
    return {
        "article_count": Article.objects.count(),
        "articles": [pk for pk, _ in sampled],
        "words": words,
        "deep_words": deep_words,
        "pairs": sorted(pairs)[:1000],
        "names": list(people.order_by("?").values_list("name", flat=True)[:200]),
        "people": list(people.order_by("?").values_list("slug", flat=True)[:size]),
        "outlets": list(
            shown(Outlet.objects)
            .filter(articles__isnull=False)
            .distinct()
            .values_list("slug", flat=True)
        ),
        "meetings": list(shown(Meeting.objects).order_by("?").values_list("pk", flat=True)[:size]),
        "months": sorted(
            {(d.year, d.month) for d in articles.dates("published_date", "month")}, reverse=True
        )[:120],
        "counts": {
            "people": Person.objects.count(),
            "outlets": Outlet.objects.count(),
            "meetings": Meeting.objects.count(),
        },
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_loopback(url):
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        sys.exit(f"refusing {url}: the load test only targets this machine (127.0.0.0/8, ::1)")


def start_server(port, workers, log):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archive.launcher",
            "production",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with {server.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(url + "/", timeout=10) as response:
                if response.status == 200:
                    return server, url
        except (OSError, urllib.error.URLError):
            time.sleep(0.5)
    stop_server(server)
    sys.exit(f"the server did not answer within 300 s; see {log.name}")


def stop_server(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_locust(url, options, folder):
    prefix = Path(folder) / "locust"
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        "--only-summary",
        "--loglevel=WARNING",
        f"--host={url}",
        f"--users={options.users}",
        f"--spawn-rate={options.users}",
        f"--run-time={options.duration}s",
        f"--csv={prefix}",
    ]
    env = dict(os.environ, LOAD_TEST_SAMPLE=str(Path(folder) / "sample.json"))
    env["LOAD_TEST_THINK_TIME"] = str(options.think_time)
    with open(Path(folder) / "locust.log", "w") as log:
        subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        sys.exit("locust wrote no statistics:\n" + (Path(folder) / "locust.log").read_text())
    with open(stats, newline="") as handle:
        return list(csv.DictReader(handle))


def machine_load():
    """The machine's load average: other work on it skews every figure."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def print_report(rows):
    print(
        f"{'requests':<28} {'count':>8} {'errors':>7} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    rows = sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"]))
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<28} {int(row['Request Count']):>8} {int(row['Failure Count']):>7} "
            f"{float(row['Requests/s']):>8.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    print("latencies in milliseconds")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load (default 120)")
    parser.add_argument("--users", type=int, default=10, help="concurrent readers (default 10)")
    parser.add_argument(
        "--think-time", type=float, default=0, help="seconds each reader waits between pages"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument("--url", help="load a server already running here instead (loopback)")
    parser.add_argument("--seed", type=int, default=11, help="seed of the archive sample")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Run through the launcher: python -m archive.launcher exec -- python " + __file__)
    if options.url:
        require_loopback(options.url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    sample = sample_archive(random.Random(options.seed))
    if not sample["articles"]:
        sys.exit("The archive is empty: load it first (manage load_demo, generate_corpus).")
    counts = sample["counts"]
    print(
        f"archive: {sample['article_count']} articles, {counts['people']} people, "
        f"{counts['outlets']} outlets, {counts['meetings']} meetings"
    )
    with tempfile.TemporaryDirectory(prefix="load-test-") as folder:
        (Path(folder) / "sample.json").write_text(json.dumps(sample))
        server = None
        try:
            if options.url:
                url = options.url.rstrip("/")
                print(f"server: {url} (already running)")
            else:
                log = open(Path(folder) / "server.log", "w")  # noqa: SIM115
                server, url = start_server(free_port(), options.workers, log)
                print(f"server: gunicorn, {options.workers} workers, {url}")
            print(
                f"load: {options.users} concurrent readers, {options.duration} s, "
                f"think time {options.think_time:g} s; {machine_load()}"
            )
            rows = run_locust(url, options, folder)
            print(f"after the run: {machine_load()}")
        finally:
            if server is not None:
                stop_server(server)
        print_report(rows)
        total = next(r for r in rows if r["Name"] == "Aggregated")
        print(
            f"summary: {sample['article_count']} articles, {float(total['Requests/s']):.1f} "
            f"requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, "
            f"{total['Failure Count']} errors of {total['Request Count']} requests"
        )
        failures = Path(folder) / "locust_failures.csv"
        if int(total["Failure Count"]) and failures.exists():
            print("errors:\n" + failures.read_text())


if __name__ == "__main__":
    main()
