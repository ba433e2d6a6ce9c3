"""Who may do what: curators curate, readers read, nobody else gets in; the site is public."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.urls import reverse

from archive.models import Person

pytestmark = pytest.mark.django_db


def test_a_curator_cannot_manage_users_or_groups(curator_client, curator):
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    url = reverse("admin:auth_user_change", args=[curator.pk])
    assert curator_client.get(url).status_code == 403
    response = curator_client.post(url, {"username": curator.username, "is_superuser": "on"})
    assert response.status_code == 403
    curator.refresh_from_db()
    assert not curator.is_superuser
    assert curator_client.get(reverse("admin:auth_user_add")).status_code == 403


def test_the_groups_grant_archive_permissions_only():
    curator, reader = Group.objects.get(name="curator"), Group.objects.get(name="reader")
    assert {p.content_type.app_label for p in curator.permissions.all()} == {"archive"}
    actions = {p.codename.split("_")[0] for p in curator.permissions.all()}
    assert actions == {"add", "change", "delete", "view"}
    assert {p.codename.split("_")[0] for p in reader.permissions.all()} == {"view"}
    assert curator.permissions.count() == 13 * 4


def test_a_curator_can_change_archive_records(curator_client, archive_world):
    url = reverse("admin:archive_person_change", args=[archive_world.dong.pk])
    assert curator_client.get(url).status_code == 200
    response = curator_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [archive_world.dong.pk]},
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=archive_world.dong.pk).review_status == "confirmed"


def test_a_reader_can_view_but_not_change(reader_client, archive_world):
    dong = archive_world.dong
    assert reader_client.get(reverse("admin:archive_person_changelist")).status_code == 200
    url = reverse("admin:archive_person_change", args=[dong.pk])
    page = reader_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = reader_client.post(url, {"name": "Changed", "slug": dong.slug})
    assert response.status_code == 403
    assert Person.objects.get(pk=dong.pk).name == "Dong Jun"
    assert reader_client.get(reverse("admin:archive_person_add")).status_code == 403
    assert (
        reader_client.get(reverse("admin:archive_person_delete", args=[dong.pk])).status_code == 403
    )
    assert reader_client.get(reverse("admin:archive_review_queue")).status_code == 200
    split = reverse("admin:archive_meeting_split", args=[archive_world.beijing_talks.pk])
    assert reader_client.get(split).status_code == 403


def test_a_reader_has_no_actions(reader_client, archive_world):
    response = reader_client.post(
        reverse("admin:archive_person_changelist"),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [archive_world.dong.pk, archive_world.belousov.pk],
        },
    )
    assert (
        Person.objects.filter(pk__in=[archive_world.dong.pk, archive_world.belousov.pk]).count()
        == 2
    )
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_review_queue"),
        reverse("admin:archive_article_upload"),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_public_site_needs_no_login(client, archive_world):
    assert client.get(archive_world.talks.get_absolute_url()).status_code == 200


def test_staff_without_a_group_sees_nothing_of_the_archive(client, db):
    user = User.objects.create_user("nobody", password="a-long-test-password", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:archive_article_changelist")).status_code == 403
    assert client.get(reverse("admin:archive_review_queue")).status_code == 403
