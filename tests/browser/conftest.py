"""End-to-end tests in headless Chromium (Debian's package) driven by Playwright.

./test installs Debian's chromium when it is missing and it can (as root); the browser is
never downloaded at test time. Screenshots go to test-artifacts/ (git-ignored).
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path():
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail(
            "Chromium is not installed: ./test installs Debian's chromium package when run as "
            "root; otherwise install it (apt-get install chromium) or set CHROMIUM=/path."
        )
    return path


@contextmanager
def chromium():
    """Headless Chromium driven by Playwright. Closed afterwards with the database
    connections the ORM opened while Playwright's event loop ran: those are not the test's
    own, and left open they outlive the test database ("being accessed by other users"
    when it is dropped)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def browser():
    """A browser per test, so Playwright's event loop is gone before the test database is
    flushed."""
    with chromium() as browser:
        yield browser


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
    make meanwhile are still plain synchronous calls. Set for each browser test only, so
    no other test (check --deploy) inherits it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


@pytest.fixture
def demo_archive(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
