"""In a real browser (headless Chromium): the hostile archive's pages and the admin run
under the Content-Security-Policy without a single violation, and no imported markup ever
runs (no alert dialog opens)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.browser.conftest import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see tests/browser/conftest.py
    with chromium() as browser:
        page = browser.new_page()
        page.problems = []
        page.on("console", lambda message: _console(page, message))
        page.on("response", lambda response: _response(page, response))
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: (page.problems.append(dialog.message), dialog.dismiss()))
        yield page


def _console(page, message):
    # A failed load is reported with its address by _response; Chromium asks for a favicon.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.problems.append(message.text)


def _response(page, response):
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        page.problems.append(f"{response.status} {response.url}")


def visit(page, url):
    response = page.goto(url)
    assert response.status in (200, 302), url
    page.wait_for_load_state("load")
    assert page.problems == [], url


def test_public_pages_and_the_admin_run_under_the_policy(page, live_server, hostile_archive):
    w = hostile_archive
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    base = live_server.url
    for path in [
        "/",
        "/search/?q=alert",
        w.dump.get_absolute_url(),
        w.record.get_absolute_url(),
        w.evil.get_absolute_url(),
        w.evil_outlet.get_absolute_url(),
        w.meeting.get_absolute_url(),
        "/meetings/timeline/",
        "/archive/2024/",
        "/people/?role=emperor",
    ]:
        visit(page, base + path)

    visit(page, f"{base}/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url == f"{base}/admin/"
    for path in [
        reverse("admin:archive_article_changelist") + "?q=alert",
        reverse("admin:archive_article_change", args=[w.dump.pk]),
        reverse("admin:archive_person_change", args=[w.evil.pk]),
        reverse("admin:archive_outlet_change", args=[w.evil_outlet.pk]),
        reverse("admin:archive_review_queue"),
        reverse("admin:archive_article_upload"),
    ]:
        visit(page, base + path)

    # The admin's JavaScript at work: an autocomplete (select2) and the inline formsets.
    visit(page, base + reverse("admin:archive_meeting_change", args=[w.evil_meeting.pk]))
    page.locator(".select2-selection").first.click()
    page.wait_for_selector(".select2-results__option")
    page.keyboard.press("Escape")
    page.locator(".add-row a:visible").first.click(timeout=5000)
    assert page.problems == []
