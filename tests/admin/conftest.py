import pytest
from django.contrib.auth.models import Group, User
from django.test import Client


def staff_user(username, group=None, **fields):
    user = User.objects.create_user(
        username, password="a-long-test-password", is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def curator(db):
    """A staff user in the "curator" group (created by migration 0003)."""
    return staff_user("curator", "curator")


@pytest.fixture
def reader(db):
    return staff_user("reader", "reader")


@pytest.fixture
def curator_client(curator):
    client = Client()
    client.force_login(curator)
    return client


@pytest.fixture
def reader_client(reader):
    client = Client()
    client.force_login(reader)
    return client


@pytest.fixture
def admin_form():
    """read(response, form_id) -> {name: [values]}: what a browser would post from that form."""
    import lxml.html

    def read(response, form_id):
        form = lxml.html.fromstring(response.content).get_element_by_id(form_id)
        data = {}
        for name, value in form.form_values():
            data.setdefault(name, []).append(value)
        return data

    return read
