"""The admin log records reviews; model text is always escaped."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def test_titles_are_escaped_in_the_changelist_and_the_queue(curator_client, db):
    article = f.make_article(title=SCRIPT)
    for url in (
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_review_queue"),
        reverse("admin:archive_article_change", args=[article.pk]),
    ):
        content = curator_client.get(url).content.decode()
        assert SCRIPT not in content, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content, url


def test_names_are_escaped_in_inline_links_and_the_merge_page(curator_client, archive_world):
    person = f.make_person(name=SCRIPT)
    f.make_mention(archive_world.talks, person, "Dong Jun")
    page = curator_client.get(
        reverse("admin:archive_article_change", args=[archive_world.talks.pk])
    )
    assert SCRIPT not in page.content.decode()
    merge = curator_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [person.pk, archive_world.dong.pk]},
    )
    assert merge.status_code == 200
    assert SCRIPT not in merge.content.decode()


def test_reviews_and_edits_show_in_the_history(curator_client, archive_world):
    dong = archive_world.dong
    curator_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [dong.pk]},
    )
    entry = LogEntry.objects.get(object_id=str(dong.pk))
    assert "rejected" in entry.change_message
    history = curator_client.get(reverse("admin:archive_person_history", args=[dong.pk]))
    assert history.status_code == 200
    assert "rejected" in history.content.decode()


def test_the_article_search_box_uses_full_text_search(curator_client, archive_world):
    url = reverse("admin:archive_article_changelist")
    # "exercises" appears only in a body: the default title/URL search cannot find it.
    response = curator_client.get(url, {"q": "exercises"})
    assert list(response.context["cl"].result_list) == [archive_world.talks]
    response = curator_client.get(url, {"q": "tass.com"})
    assert list(response.context["cl"].result_list) == [archive_world.talks]
    response = curator_client.get(url, {"q": "-"})
    assert response.status_code == 200
