"""Security settings: the Content-Security-Policy every page carries and satisfies, the
admin behind a rate-limited login, and the production settings SECURE_SSL turns on."""

import datetime
import json
import re
from pathlib import Path

import lxml.html
import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PASSWORD = "a-long-test-password"


def policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def public_urls(w):
    return [
        "/",
        "/search/",
        "/search/?q=Belousov",
        "/search/?q=%22unclosed",
        "/search/help/",
        w.talks.get_absolute_url(),
        w.belousov.get_absolute_url(),
        w.beijing_talks.get_absolute_url(),
        "/people/",
        "/meetings/",
        "/meetings/timeline/",
        "/outlets/",
        "/outlets/tass/",
        "/archive/",
        "/archive/2024/10/",
        "/archive/undated/",
    ]


# Content-Security-Policy ------------------------------------------------------------------


def test_every_public_page_carries_the_policy(client, archive_world):
    for url in public_urls(archive_world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == POLICY, url
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url, status",
    [
        ("/no-such-page/", 404),
        ("/search/feed/?q=%22", 400),
        ("/search/?format=xml", 400),
        ("/admin/login/", 200),
        ("/admin/", 302),
    ],
)
def test_errors_redirects_and_the_login_page_carry_it_too(client, db, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert policy(response) == POLICY


def _inline_code(html):
    """Inline scripts, style elements, style attributes and event-handler attributes."""
    tree = lxml.html.fromstring(html)
    found = [
        f"<script> {lxml.html.tostring(s)[:60]!r}"
        for s in tree.iter("script")
        if not s.get("src") and s.get("type") != "application/json"
    ]
    found += ["<style>" for _ in tree.iter("style")]
    for element in tree.iter():
        if isinstance(element.tag, str):
            found += [
                f"<{element.tag} {name}>"
                for name in element.attrib
                if name == "style" or name.startswith("on")
            ]
    return found


def test_public_pages_have_no_inline_script_or_style(client, archive_world):
    for url in public_urls(archive_world):
        html = client.get(url).content.decode()
        assert _inline_code(html) == [], url
        assert "<script" not in html, url  # the public site runs no JavaScript at all


def test_templates_hold_no_inline_script_or_style():
    pattern = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.fixture
def superuser_client(db):
    user = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(user)
    return client


def test_admin_pages_have_no_inline_script_or_style(superuser_client, archive_world):
    w = archive_world
    for url in [
        reverse("admin:index"),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_article_change", args=[w.talks.pk]),
        reverse("admin:archive_article_add"),
        reverse("admin:archive_person_change", args=[w.belousov.pk]),
        reverse("admin:archive_meeting_change", args=[w.beijing_talks.pk]),
        reverse("admin:archive_meeting_changelist"),
        reverse("admin:archive_review_queue"),
        reverse("admin:archive_article_upload"),
        reverse("admin:auth_user_changelist"),
    ]:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == POLICY, url
        assert _inline_code(response.content.decode()) == [], url


# The admin login ---------------------------------------------------------------------------

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def curator(db, settings):
    # A fast hasher: these tests make dozens of login attempts, each hashing a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("curator", password=PASSWORD, is_staff=True)


def attempt(password, username="curator", ip="203.0.113.7"):
    """A login from a fresh browser at `ip`: the limit must not rest on a cookie."""
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    for url in ("/admin/", "/admin/archive/article/", "/admin/archive/article/review-queue/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/admin/login/?next={url}"
    assert client.post("/admin/archive/person/", {"action": "delete_selected"}).status_code == 302


def test_a_non_staff_user_is_sent_to_the_login_page(client, db):
    user = User.objects.create_user("visitor", password=PASSWORD)
    client.force_login(user)
    assert client.get("/admin/").status_code == 302


def test_a_correct_login_works_before_the_limit(curator):
    for _ in range(4):
        assert attempt("wrong").status_code == 200
    response = attempt(PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    # a success clears the count: four more mistakes are still allowed
    for _ in range(4):
        assert attempt("wrong").status_code == 200
    assert attempt(PASSWORD).status_code == 302


def test_five_failures_lock_that_username_from_that_address(curator):
    for _ in range(4):
        response = attempt("wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert attempt("wrong").status_code == 429  # the fifth failure is answered with the lock
    locked = attempt(PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert locked["Content-Type"] == "text/plain; charset=utf-8"
    assert locked.content.decode() == "Too many failed login attempts. Try again in 15 minutes."
    assert policy(locked) == POLICY
    assert attempt("wrong").status_code == 429
    # the same curator from elsewhere, and someone else from this address, are not locked
    assert attempt(PASSWORD, ip="198.51.100.9").status_code == 302
    assert attempt("wrong", username="someone-else").status_code == 200


def test_the_lock_lifts_after_fifteen_minutes(curator):
    for _ in range(5):
        attempt("wrong")
    assert attempt(PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=14, seconds=50)
    )
    assert attempt(PASSWORD).status_code == 429  # a locked attempt restarts the cool-off
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(PASSWORD).status_code == 302


def test_failures_older_than_the_window_do_not_count(curator):
    for _ in range(4):
        attempt("wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    for _ in range(4):
        assert attempt("wrong").status_code == 200
    assert attempt(PASSWORD).status_code == 302


# Production settings -----------------------------------------------------------------------

PRINT_SECURITY = (
    "import json, django; from django.conf import settings; django.setup();"
    "names = ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
    " 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
    " 'SECURE_PROXY_SSL_HEADER', 'X_FRAME_OPTIONS', 'SESSION_COOKIE_HTTPONLY',"
    " 'SECURE_CONTENT_TYPE_NOSNIFF'];"
    "print(json.dumps({n: getattr(settings, n) for n in names}))"
)
ENV = {
    "DJANGO_SETTINGS_MODULE": "archive.settings",
    "DATABASE_URL": "postgres://u:p@db.internal:5432/archive",
    "SECRET_KEY": "k" * 50,
    "DEBUG": "0",
}


def _security_settings(python_runner, **env):
    result = python_runner(["-c", PRINT_SECURITY], {**ENV, **env}, drop=("SECURE_SSL",))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_secure_ssl_turns_on_https_only_cookies_and_hsts(python_runner):
    values = _security_settings(python_runner, SECURE_SSL="1")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_without_secure_ssl_plain_http_still_works(python_runner):
    values = _security_settings(python_runner)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_hsts_and_secure_cookies_reach_the_browser(client, curator, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/admin/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["csrftoken"]["secure"]
    response = client.post(
        LOGIN, {"username": "curator", "password": PASSWORD}, secure=True, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
