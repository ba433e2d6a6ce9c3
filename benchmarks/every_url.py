"""Every kind of URL of the site and the admin, timed once, against a benchmark database.

    .venv/bin/python -m archive.launcher exec -- .venv/bin/python benchmarks/every_url.py --articles 1000000

benchmarks/run.py times the pages readers open most. This script asks for everything
else once, as a reader or a curator would: searches in every sort with filters, deep and
missing pages, feeds, CSV and JSON exports (their first 20 KB, as a download starts),
detail pages as JSON, the admin's lists, searches, change pages, autocomplete and review
queue. It prints each URL's status and time (the whole response), slowest first, and
exits 1 if any answered 5xx. The database is run.py's (archive_bench_<N>, generated there);
the script only reads it, but for a curator account it creates once (`benchmark-curator`).
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SEARCHES = [
    "bermercham",
    "two",
    '"joint exercises"',
    "took NEAR/5 two",
    "Gerasimov",
    "officia*",
    "holds OR reserved -security",
    "",
]
SEARCH_FILTERS = [
    {},
    {"outlet": "tass"},
    {"date_from": "2020-01-01", "date_to": "2021-12-31"},
    {"meeting_kind": "talks"},
    {"language": "ru"},
    {"page": "3"},
    {"page": "60"},
]
EXPORT_START = 20_000  # bytes of a streamed export read, as a download begins
SLOW = 1.0  # seconds


def public_urls(ids):
    urls = []
    for text in SEARCHES:
        for sort in ("relevance", "newest", "oldest"):
            for extra in SEARCH_FILTERS:
                query = urlencode({"q": text, "sort": sort, **extra})
                urls.append(f"/search/?{query}")
                if not extra or "outlet" in extra:
                    urls += [f"/search/feed/?{query}", f"/search/?{query}&format=csv"]
                    urls.append(f"/search/?{query}&format=json")
    return [
        *urls,
        f"/articles/{ids['article']}/?format=json",
        f"/articles/{ids['article']}/raw/",
        f"/meetings/{ids['meeting']}/?format=json",
        f"/people/{ids['person']}/?format=json",
        f"/people/{ids['person']}/feed/",
        f"/outlets/{ids['outlet']}/?format=json",
        f"/outlets/{ids['outlet']}/?page=200",
        "/meetings/?format=csv",
        "/meetings/?kind=talks&year=2020&page=2",
        "/meetings/timeline/?format=json",
        "/people/?format=csv",
        "/people/?q=shoigu&page=2",
        "/outlets/?format=json",
        "/archive/2020/?format=csv",
        "/archive/undated/",
        "/archive/undated/?format=json",
    ]


def admin_urls(ids):
    lists = [
        "article",
        "articlesource",
        "meeting",
        "meetingreport",
        "mention",
        "organization",
        "outlet",
        "participation",
        "person",
        "position",
        "quote",
    ]
    urls = ["/admin/", "/admin/archive/article/review-queue/"]
    for model in lists:
        urls += [f"/admin/archive/{model}/", f"/admin/archive/{model}/?q=Gerasimov"]
    autocomplete = "/admin/autocomplete/?app_label=archive&model_name=mention&field_name="
    return [
        *urls,
        "/admin/archive/article/?q=tass.com",
        "/admin/archive/article/?p=500",
        "/admin/archive/article/?published_year=2020",
        "/admin/archive/article/?review_status__exact=needs_review",
        "/admin/archive/mention/?q=Shoigu",
        f"/admin/archive/article/{ids['article']}/change/",
        f"/admin/archive/meeting/{ids['meeting']}/change/",
        f"/admin/archive/person/{ids['person_pk']}/change/",
        f"{autocomplete}article&term=Gerasimov",
        f"{autocomplete}person&term=Ger",
    ]


def timed_get(client, url):
    """(status, seconds): the whole response, or a streamed one's first EXPORT_START bytes."""
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        read = 0
        for chunk in response.streaming_content:
            read += len(chunk)
            if read >= EXPORT_START:
                break
        response.close()
    return response.status_code, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size")
    parser.add_argument("--database", help="database name (default archive_bench_<articles>)")
    parser.add_argument("--top", type=int, default=40, help="slowest URLs printed")
    options = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "benchmark")
    import run

    name = options.database or f"archive_bench_{options.articles}"
    run.setup_django(run.database_url(os.environ["DATABASE_URL"], name))
    from django.contrib.auth.models import User
    from django.test import Client

    from archive.models import Article, Meeting, Outlet, Person

    ids = {
        "article": Article.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "meeting": Meeting.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "person": Person.objects.order_by("pk").values_list("slug", flat=True).first(),
        "outlet": Outlet.objects.order_by("pk").values_list("slug", flat=True).first(),
    }
    ids["person_pk"] = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    if None in ids.values():
        sys.exit(f"{name} holds no corpus: run benchmarks/run.py --articles N first")
    curator, _ = User.objects.get_or_create(
        username="benchmark-curator", defaults={"is_staff": True, "is_superuser": True}
    )
    reader = Client(SERVER_NAME="localhost", raise_request_exception=False)
    admin = Client(SERVER_NAME="localhost", raise_request_exception=False)
    admin.force_login(curator)

    results = []
    for client, urls in ((reader, public_urls(ids)), (admin, admin_urls(ids))):
        for url in urls:
            status, seconds = timed_get(client, url)
            results.append((seconds, status, url))
    results.sort(reverse=True)
    failed = [row for row in results if row[1] >= 500]
    slow = [row for row in results if row[0] > SLOW]
    print(f"{len(results)} URLs; {len(failed)} answered 5xx; {len(slow)} took over {SLOW:g} s")
    print(f"{'ms':>8}  status  URL (slowest first)")
    shown = [*failed, *(row for row in results if row not in failed)]
    for seconds, status, url in shown[: max(options.top, len(failed))]:
        print(f"{1000 * seconds:8.0f}  {status:6d}  {url}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
