"""./run manage create_curator: staff in the curator group, idempotent."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def create_curator(*args, **env):
    out = io.StringIO()
    call_command("create_curator", *args, stdout=out)
    return out.getvalue()


def test_creates_a_staff_curator_from_an_environment_variable(monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)
    out = create_curator(
        "alice", "--email", "alice@example.org", "--password-from-env", "CURATOR_PASSWORD"
    )
    assert "Created curator alice" in out
    user = User.objects.get(username="alice")
    assert user.is_staff and not user.is_superuser
    assert user.email == "alice@example.org"
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == ["curator"]
    assert user.has_perm("archive.change_article")
    assert not user.has_perm("auth.view_user")


def test_running_it_again_changes_nothing_but_what_is_given(monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)
    create_curator("alice", "--password-from-env", "CURATOR_PASSWORD")
    out = create_curator("alice", "--email", "new@example.org", "--no-input")
    assert "Updated curator alice" in out
    user = User.objects.get(username="alice")
    assert user.check_password(PASSWORD)
    assert user.email == "new@example.org"
    assert user.groups.count() == 1
    assert User.objects.count() == 1


def test_prompts_for_the_password(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    create_curator("bob")
    assert User.objects.get(username="bob").check_password(PASSWORD)


def test_refuses_mismatched_weak_or_missing_passwords(monkeypatch):
    answers = iter([PASSWORD, "something else"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="do not match"):
        create_curator("bob")
    monkeypatch.setenv("WEAK", "12345")
    with pytest.raises(CommandError, match="too short"):
        create_curator("bob", "--password-from-env", "WEAK")
    with pytest.raises(CommandError, match="not set"):
        create_curator("bob", "--password-from-env", "UNSET_VARIABLE_FOR_TEST")
    with pytest.raises(CommandError, match="needs a password"):
        create_curator("bob", "--no-input")
    assert not User.objects.exists()


def test_read_only_staff(monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)
    create_curator("carol", "--read-only", "--password-from-env", "CURATOR_PASSWORD")
    user = User.objects.get(username="carol")
    assert list(user.groups.values_list("name", flat=True)) == ["reader"]
    assert user.has_perm("archive.view_article")
    assert not user.has_perm("archive.change_article")
