"""A curator's session in the admin: log in, merge two duplicate people, confirm a meeting."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Meeting, Participation, Person, PersonAlias, ReviewStatus
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
PASSWORD = "curator-test-password-91"


@pytest.fixture
def curator(transactional_db, monkeypatch):
    """Made the documented way; the command also restores the groups that an earlier
    transactional test's flush removed."""
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)
    call_command(
        "create_curator",
        "curator",
        "--password-from-env",
        "CURATOR_PASSWORD",
        "--no-input",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="curator")
    assert user.groups.filter(name="curator").exists()
    return user


def tick(page, model, pk):
    page.locator(f"input.action-select[value='{pk}']").check()


def run_action(page, action):
    page.select_option("select[name='action']", action)
    with page.expect_navigation():
        page.locator("button[name='index'], input[name='index']").first.click()


def test_curator_merges_duplicate_people_and_confirms_a_meeting(page, live_server, curator):
    kept = factories.make_person(name="Andrei Belousov", slug="andrei-belousov", country="RU")
    duplicate = factories.make_person(name="Andrey Belousov", slug="andrey-belousov", country="RU")
    dong = factories.make_person(name="Dong Jun", slug="dong-jun", country="CN")
    meeting = Meeting.objects.create(
        date=datetime.date(2024, 10, 14),
        date_precision="day",
        place="Beijing",
        review_status=ReviewStatus.NEEDS_REVIEW,
        confidence=0.4,
    )
    Participation.objects.create(meeting=meeting, person=duplicate)
    Participation.objects.create(meeting=meeting, person=dong)

    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name='username']", "curator")
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type='submit'], button[type='submit']").first.click()
    assert "/admin/login/" not in page.url
    screenshot(page, "admin-index")

    page.goto(f"{live_server.url}/admin/archive/person/")
    tick(page, "person", kept.pk)
    tick(page, "person", duplicate.pk)
    screenshot(page, "admin-people-selected")
    run_action(page, "merge_selected")
    screenshot(page, "admin-merge-confirmation")
    assert page.get_by_text("Choose the person to keep").count() == 1
    page.check(f"#survivor-{kept.pk}")
    with page.expect_navigation():
        page.locator("form input[type='submit'], form button[type='submit']").last.click()
    screenshot(page, "admin-merged")

    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert PersonAlias.objects.filter(person=kept, name="Andrey Belousov").exists()
    assert set(meeting.participants.values_list("slug", flat=True)) == {
        "andrei-belousov",
        "dong-jun",
    }

    page.goto(f"{live_server.url}/admin/archive/meeting/")
    tick(page, "meeting", meeting.pk)
    run_action(page, "confirm_selected")
    screenshot(page, "admin-meeting-confirmed")
    meeting.refresh_from_db()
    assert meeting.review_status == ReviewStatus.CONFIRMED
    assert page.dialogs == []
