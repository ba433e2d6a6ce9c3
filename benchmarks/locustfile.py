"""Mixed reader traffic for benchmarks/load_test.py (which starts it; see there).

Every simulated reader loops over: searches (40%), article pages (25%),
lists (20%: the home page, the date archive and its years and months, people, outlets,
meetings) and person, outlet and meeting pages (15%). Addresses and search words come from
the archive under test, sampled by load_test.py into the JSON file LOAD_TEST_SAMPLE names;
page 2 of a search is asked only for words common enough to have one. Requests are grouped
by kind in the statistics ("search: phrase", "article", ...); any answer but 200 counts as
a failure. LOAD_TEST_THINK_TIME (seconds, default 0) makes each reader pause between pages.
"""

import json
import os
import random
from urllib.parse import urlencode

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOAD_TEST_SAMPLE"], encoding="utf-8") as sample_file:
    SAMPLE = json.load(sample_file)


def search_query(rng):
    """A query of one of the shapes readers type (templates/archive/search_help.html)."""
    words, pairs, names = SAMPLE["words"], SAMPLE["pairs"], SAMPLE["names"]
    shape = rng.choice(["word", "two words", "phrase", "or", "exclusion", "prefix", "name"])
    if shape == "word" or (shape == "name" and not names) or (shape == "phrase" and not pairs):
        return "word", rng.choice(words)
    if shape == "two words":
        return shape, " ".join(rng.sample(words, 2))
    if shape == "phrase":
        return shape, '"{} {}"'.format(*rng.choice(pairs))
    if shape == "or":
        return shape, "{} OR {}".format(*rng.sample(words, 2))
    if shape == "exclusion":
        return shape, "{} -{}".format(*rng.sample(words, 2))
    if shape == "prefix":
        return shape, rng.choice(words)[:4] + "*"
    return shape, rng.choice(names)


class Reader(FastHttpUser):
    wait_time = constant(float(os.environ.get("LOAD_TEST_THINK_TIME", "0")))

    def on_start(self):
        self.rng = random.Random()

    def get(self, path, name, **params):
        url = f"{path}?{urlencode(params)}" if params else path
        self.client.get(url, name=name)

    @task(40)
    def search(self):
        shape, query = search_query(self.rng)
        params = {"q": query}
        if SAMPLE["outlets"] and self.rng.random() < 0.2:
            shape += " + outlet"
            params["outlet"] = self.rng.choice(SAMPLE["outlets"])
        elif SAMPLE["deep_words"] and self.rng.random() < 0.1:
            shape, params = "word, page 2", {"q": self.rng.choice(SAMPLE["deep_words"]), "page": 2}
        self.get("/search/", f"search: {shape}", **params)

    @task(25)
    def article(self):
        self.get(f"/articles/{self.rng.choice(SAMPLE['articles'])}/", "article")

    @task(20)
    def listing(self):
        lists = [
            ("/", "list: home"),
            ("/archive/", "list: archive"),
            ("/people/", "list: people"),
            ("/outlets/", "list: outlets"),
            ("/meetings/", "list: meetings"),
        ]
        if SAMPLE["months"]:
            year, month = self.rng.choice(SAMPLE["months"])
            lists += [
                (f"/archive/{year}/", "list: year"),
                (f"/archive/{year}/{month:02d}/", "list: month"),
            ]
        self.get(*self.rng.choice(lists))

    @task(15)
    def record(self):
        pages = [
            (f"/{kind}/{{}}/", kind, name)
            for kind, name in [("people", "person"), ("outlets", "outlet"), ("meetings", "meeting")]
            if SAMPLE[kind]
        ]
        if not pages:
            return self.article()
        path, kind, name = self.rng.choice(pages)
        self.get(path.format(self.rng.choice(SAMPLE[kind])), name)
