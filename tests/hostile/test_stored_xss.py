"""Stored XSS: hostile markup imported through the real importer is shown as text on every
page (public, feeds, exports, admin), while search highlights stay real <mark> elements."""

import csv
import io
import json

import lxml.etree
import lxml.html
import pytest
from django.contrib import admin
from django.urls import reverse

from archive.models import (
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Participation,
    PersonAlias,
    Position,
    Quote,
)
from tests.hostile.conftest import FORMULA, SCRIPT, assert_inert, live_markup

pytestmark = pytest.mark.django_db

ESCAPED = ("&lt;script&gt;", "&lt;img", "&lt;b&gt;Evil", "&lt;Script&gt;")
FORMULA_STARTS = ("=", "+", "-", "@")


def public_pages(w):
    """Every public page the hostile records appear on, with a query hitting them."""
    return [
        "/",
        "/search/?q=alert",
        "/search/?q=Belousov+talks",
        "/search/?q=evil",
        f"/search/?person={w.evil.slug}",
        f"/search/?outlet={w.evil_outlet.slug}",
        w.dump.get_absolute_url(),
        w.record.get_absolute_url(),
        w.page.get_absolute_url(),
        "/people/",
        "/people/?q=evil",
        w.evil.get_absolute_url(),
        w.dong.get_absolute_url(),
        w.belousov.get_absolute_url(),
        "/outlets/",
        w.evil_outlet.get_absolute_url(),
        w.tass.get_absolute_url(),
        "/meetings/",
        "/meetings/timeline/",
        f"/meetings/?participant={w.evil.slug}",
        w.meeting.get_absolute_url(),
        w.evil_meeting.get_absolute_url(),
        "/archive/",
        "/archive/2024/",
        "/archive/2024/10/",
        "/archive/2024/10/14/",
        "/archive/2024/11/02/",
        "/archive/undated/",
    ]


def test_every_public_page_shows_the_markup_as_text(client, hostile_archive):
    for url in public_pages(hostile_archive):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(html, url)
        assert any(escaped in html for escaped in ESCAPED), f"{url} shows no hostile record"


def test_search_snippets_keep_their_highlights_and_escape_the_rest(client, hostile_archive):
    html = client.get("/search/", {"q": "alert"}).content.decode()
    tree = lxml.html.fromstring(html)
    marks = tree.xpath("//article[@class='card']//mark")
    assert marks and {mark.text.lower() for mark in marks} == {"alert"}
    snippets = tree.xpath("//p[@class='snippet'][mark]")
    assert snippets, "no highlighted snippet"
    # ts_headline drops what PostgreSQL's parser reads as tags; the rest arrives escaped.
    assert "&lt;img src=x onerror=<mark>alert</mark>(1)&gt;" in html
    assert not live_markup(html)


def test_the_article_body_links_names_and_escapes_everything_else(client, hostile_archive):
    w = hostile_archive
    html = client.get(w.dump.get_absolute_url()).content.decode()
    body = lxml.html.fromstring(html).xpath("//div[@class='body']")[0]
    links = {a.get("href"): a.get("title") for a in body.iter("a")}
    assert links[w.evil.get_absolute_url()] == w.evil.name  # the title attribute, escaped
    assert links[f"/search/?organization={w.evil_org.slug}"] == w.evil_org.name
    assert all(href.startswith("/") for href in links)
    assert "<script>alert(1)</script>" in body.text_content()  # shown as text


def test_javascript_urls_are_never_links(client, hostile_archive):
    w = hostile_archive
    html = client.get(w.dump.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html
    source = ArticleSource.objects.get(url__startswith="javascript:")
    assert source.url not in [a.get("href") for a in lxml.html.fromstring(html).iter("a")]


def test_raw_text_is_plain_text_never_html(client, hostile_archive):
    response = client.get(reverse("archive:article-raw", args=[hostile_archive.dump.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT in response.content.decode()  # verbatim, as received


def _entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = lxml.etree.fromstring(response.content)
    return feed.findall("{http://www.w3.org/2005/Atom}entry")


@pytest.mark.parametrize(
    "url",
    [
        "/search/feed/?q=alert",
        "/search/feed/",
        "/people/evil-name/feed/",
        "/people/dong-jun/feed/",
    ],
)
def test_feeds_carry_the_markup_as_text(client, hostile_archive, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<script" not in response.content.lower()
    entries = _entries(response)
    assert entries
    atom = "{http://www.w3.org/2005/Atom}"
    for entry in entries:
        title = entry.find(f"{atom}title")
        assert title.get("type") in (None, "text")  # a feed reader shows it as text
        summary = entry.find(f"{atom}summary")
        if summary is not None and (summary.text or "").strip():
            # type="html": the reader unescapes once, then renders; it must still be text.
            assert summary.get("type") == "html"
            assert not live_markup(f"<div>{summary.text}</div>"), summary.text
    assert any("<script>" in (e.findtext(f"{atom}title") or "") for e in entries) or any(
        "&lt;script&gt;" in (e.findtext(f"{atom}summary") or "") for e in entries
    )


EXPORTS = [
    "/search/?q=alert&format={}",
    "/search/?format={}",
    "/people/?format={}",
    "/outlets/?format={}",
    "/meetings/?format={}",
    "/meetings/timeline/?format={}",
    "/archive/?format={}",
    "/archive/undated/?format={}",
    "/archive/2024/11/?format={}",
    "/outlets/{outlet}/?format={}",
]


def _export(client, template, fmt, w):
    url = template.replace("{outlet}", w.evil_outlet.slug).format(fmt)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    return url, response, b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("template", EXPORTS)
def test_csv_exports_neutralise_formulas(client, hostile_archive, template):
    url, response, content = _export(client, template, "csv", hostile_archive)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) > 1, url
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (url, cell)


def test_the_formula_title_and_outlet_export_as_text(client, hostile_archive):
    _, _, content = _export(client, "/search/?format={}", "csv", hostile_archive)
    rows = {row[0]: row for row in csv.reader(io.StringIO(content))}
    row = rows[str(hostile_archive.formula.pk)]
    assert row[1] == "'" + FORMULA
    assert row[2] == "'@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize("template", EXPORTS)
def test_json_exports_are_data_with_the_markup_verbatim(client, hostile_archive, template):
    url, response, content = _export(client, template, "json", hostile_archive)
    assert response["Content-Type"] == "application/json"
    assert isinstance(json.loads(content), list), url


def test_json_export_keeps_hostile_text_as_data(client, hostile_archive):
    _, _, content = _export(client, "/search/?q=alert&format={}", "json", hostile_archive)
    titles = {record["title"] for record in json.loads(content)}
    assert hostile_archive.record.title in titles


@pytest.mark.parametrize("name", ["evil", "meeting", "evil_meeting"])
def test_detail_json_is_application_json(client, hostile_archive, name):
    record = getattr(hostile_archive, name)
    response = client.get(record.get_absolute_url(), {"format": "json"})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT in json.dumps(response.json(), ensure_ascii=False)


# Admin -------------------------------------------------------------------------------------


def admin_pages(w):
    pages = [reverse("admin:index"), reverse("admin:archive_review_queue")]
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        pages += [changelist, f"{changelist}?q=alert", f"{changelist}?q=<script>"]
    objects = [
        w.dump,
        w.record,
        w.page,
        w.formula,
        w.evil,
        w.evil_outlet,
        w.evil_org,
        w.meeting,
        w.evil_meeting,
        PersonAlias.objects.filter(person=w.evil).first(),
        Position.objects.filter(person=w.evil).first(),
        Mention.objects.filter(person=w.evil).first(),
        Quote.objects.filter(person=w.evil).first(),
        Participation.objects.filter(person=w.evil).first(),
        MeetingReport.objects.filter(meeting=w.evil_meeting).first(),
        ArticleSource.objects.filter(outlet=w.evil_outlet).first(),
    ]
    for record in objects:
        opts = record._meta
        for view in ("change", "delete", "history"):
            name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
            pages.append(reverse(name, args=[record.pk]))
    pages.append(reverse("admin:archive_meeting_split", args=[w.meeting.pk]))
    return pages


def test_every_admin_page_shows_the_markup_as_text(superuser_client, hostile_archive):
    for url in admin_pages(hostile_archive):
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


def test_admin_merge_confirmation_escapes_names(superuser_client, hostile_archive):
    w = hostile_archive
    response = superuser_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "merge_selected", "_selected_action": [w.evil.pk, w.dong.pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, "merge")
    assert "&lt;b&gt;Evil&lt;/b&gt;" in html


def test_a_curator_edit_saving_hostile_text_stays_text(superuser_client, hostile_archive):
    meeting = hostile_archive.evil_meeting
    Meeting.objects.filter(pk=meeting.pk).update(place="<svg/onload=alert(1)>")
    for url in (
        meeting.get_absolute_url(),
        reverse("admin:archive_meeting_change", args=[meeting.pk]),
    ):
        assert_inert(superuser_client.get(url).content.decode(), url)


@pytest.mark.parametrize(
    "html",
    [
        "<p><script>alert(1)</script></p>",
        "<p><img src=x onerror=alert(1)></p>",
        '<p><a href=" JaVaScRiPt:alert(1)">x</a></p>',
        "<p><svg onload=alert(1)></svg></p>",
        "<p><b>Evil</b></p>",
        '<p><iframe src="/"></iframe></p>',
    ],
)
def test_the_inertness_check_catches_live_markup(html):
    assert live_markup(html)


def test_the_inertness_check_passes_escaped_markup():
    assert not live_markup("<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Evil&lt;/b&gt;</p>")


def test_the_upload_report_shows_hostile_file_names_and_records_as_text(
    superuser_client, hostile_archive
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.hostile.conftest import HOSTILE_RECORD

    record = {**HOSTILE_RECORD, "title": HOSTILE_RECORD["title"] + " (uploaded)"}
    files = [
        SimpleUploadedFile("<img src=x onerror=alert(1)>.json", json.dumps(record).encode()),
        SimpleUploadedFile("<b>Evil</b>.txt", b"\x00\x01binary"),
        SimpleUploadedFile("deep.json", b"[" * 100_000),
    ]
    response = superuser_client.post(reverse("admin:archive_article_upload"), {"files": files})
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, "upload report")
    assert "&lt;img src=x onerror=alert(1)&gt;.json" in html
    assert "binary file" in html and "nested deeper than 20 levels" in html
