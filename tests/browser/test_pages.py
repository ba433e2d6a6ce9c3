"""An analyst's path through the site: search, filter, article, person, other coverage."""

import re

import pytest

from archive.models import Meeting
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_search_filter_article_person_and_other_coverage(page, live_server, demo_archive):
    page.goto(f"{live_server.url}/")
    screenshot(page, "home")
    assert page.title().startswith("Latest articles")

    page.get_by_role("searchbox").first.fill("Belousov Dong")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/" in page.url
    results = page.locator("main article")
    assert results.count() > 0
    assert page.locator("main mark").count() > 0  # matched words highlighted
    screenshot(page, "search")

    page.locator("summary", has_text=re.compile("Refine", re.I)).first.click()
    outlet = page.get_by_label(re.compile("^Outlet", re.I)).first
    tass = outlet.locator("option", has_text="TASS").first.get_attribute("value")
    outlet.select_option(value=tass)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("search|apply|filter", re.I)).first.click()
    assert "outlet=" in page.url
    for meta in page.locator("main article .meta").all_inner_texts():
        assert "TASS" in meta
    screenshot(page, "search-filtered")

    with page.expect_navigation():
        page.locator("main article h3 a, main article h2 a").first.click()
    assert "/articles/" in page.url
    screenshot(page, "article")

    person_link = page.locator(".body a[href*='/people/'], article a[href*='/people/']").first
    name = person_link.inner_text()
    with page.expect_navigation():
        person_link.click()
    assert "/people/" in page.url
    assert page.locator("h1").inner_text().strip() != ""
    assert name.split()[-1].rstrip("’'s") in page.content() or page.locator("h1").count() == 1
    screenshot(page, "person")


def test_meeting_page_leads_to_every_report(page, live_server, demo_archive):
    meeting = max(Meeting.objects.all(), key=lambda m: m.reports.count())
    assert meeting.reports.count() >= 2
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    screenshot(page, "meeting")
    links = page.locator("main a[href*='/articles/']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    expected = {f"/articles/{r.article_id}/" for r in meeting.reports.all()}
    assert expected <= hrefs
    with page.expect_navigation():
        page.locator(
            f"main a[href='/articles/{meeting.reports.first().article_id}/']"
        ).first.click()
    assert f"/articles/{meeting.reports.first().article_id}/" in page.url
    assert page.get_by_text(re.compile("also reported by", re.I)).count() > 0
    screenshot(page, "article-other-coverage")


def test_lists_and_archive_pages_render_on_a_phone(browser, live_server, demo_archive):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path, name in [
        ("/people/", "people"),
        ("/meetings/", "meetings"),
        ("/archive/", "archive"),
        ("/outlets/", "outlets"),
        ("/meetings/timeline/", "timeline"),
        ("/search/help/", "search-help"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"{path} scrolls sideways on a phone ({width}px)"
        screenshot(page, f"phone-{name}")
    context.close()
