"""Small builders for test records; each call makes a distinct, valid record."""

import hashlib
import itertools

from archive.models import Article, Outlet, Person

_counter = itertools.count(1)


def make_outlet(**fields):
    n = next(_counter)
    defaults = {"name": f"Outlet {n}", "slug": f"outlet-{n}", "kind": Outlet.Kind.NEWSPAPER}
    return Outlet.objects.create(**{**defaults, **fields})


def make_person(**fields):
    n = next(_counter)
    defaults = {"name": f"Person {n}", "slug": f"person-{n}"}
    return Person.objects.create(**{**defaults, **fields})


def make_article(**fields):
    n = next(_counter)
    body = fields.pop("body", f"Body text of article number {n}.")
    defaults = {
        "title": f"Article {n}",
        "body": body,
        "raw_text": body,
        "language": "en",
        "content_hash": hashlib.sha256(f"{body}-{n}".encode()).hexdigest(),
    }
    if fields.get("published_date"):
        defaults["date_precision"] = "day"
        defaults["date_confidence"] = "exact"
    return Article.objects.create(**{**defaults, **fields})
