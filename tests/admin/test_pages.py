"""Every admin list and change page loads, for every model, in a bounded number of queries."""

import pytest
from django.urls import reverse

from archive.models import (
    ArticleSource,
    MeetingReport,
    Mention,
    OrganizationAlias,
    Participation,
    PersonAlias,
    Position,
    Quote,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def records(world):
    """One record of every archive model, by model name."""
    return {
        "outlet": world.tass,
        "organization": world.ministry,
        "organizationalias": OrganizationAlias.objects.create(
            organization=world.ministry, name="MND"
        ),
        "person": world.belousov,
        "personalias": PersonAlias.objects.filter(person=world.dong).first(),
        "position": Position.objects.filter(person=world.shoigu).first(),
        "article": world.talks,
        "articlesource": ArticleSource.objects.get(article=world.talks),
        "meeting": world.beijing_talks,
        "participation": Participation.objects.filter(meeting=world.beijing_talks).first(),
        "meetingreport": MeetingReport.objects.filter(meeting=world.beijing_talks).first(),
        "mention": Mention.objects.filter(article=world.talks).first(),
        "quote": Quote.objects.get(article=world.talks),
    }


MODELS = [
    "outlet",
    "organization",
    "organizationalias",
    "person",
    "personalias",
    "position",
    "article",
    "articlesource",
    "meeting",
    "participation",
    "meetingreport",
    "mention",
    "quote",
]


@pytest.mark.parametrize("model", MODELS)
def test_changelist_loads_in_bounded_queries(
    admin_client, archive_world, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(reverse(f"admin:archive_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_page_loads_in_bounded_queries(
    admin_client, archive_world, model, django_assert_max_num_queries
):
    record = records(archive_world)[model]
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(reverse(f"admin:archive_{model}_change", args=[record.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_page_loads(admin_client, db, model):
    assert admin_client.get(reverse(f"admin:archive_{model}_add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "field", "term", "expected"),
    [
        ("mention", "person", "Шойгу", "Sergei Shoigu"),
        ("mention", "organization", "Ministry", "Ministry of National Defense"),
        ("mention", "article", "exercises", "Belousov and Dong Jun hold talks in Beijing"),
        ("meetingreport", "meeting", "Moscow", "2023-04-18: Dong Jun, Sergei Shoigu"),
        ("article", "outlet", "xin", "Xinhua"),
    ],
)
def test_autocomplete_finds_related_records(
    admin_client, archive_world, model, field, term, expected
):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "archive", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    assert expected in [row["text"] for row in response.json()["results"]]


def test_change_pages_cost_the_same_with_many_rows(
    admin_client, archive_world, django_assert_max_num_queries
):
    from tests import factories as f

    w = archive_world
    for n in range(15):
        person = f.make_person(name=f"Official {n}")
        f.make_mention(w.talks, person, "Dong Jun")
        f.make_quote(w.talks, person)
        f.make_meeting(participants=[person, w.dong], articles=[w.talks])
        Participation.objects.create(meeting=w.beijing_talks, person=person)
    for url in (
        reverse("admin:archive_article_change", args=[w.talks.pk]),
        reverse("admin:archive_meeting_change", args=[w.beijing_talks.pk]),
        reverse("admin:archive_meeting_changelist"),
        reverse("admin:archive_mention_changelist"),
    ):
        with django_assert_max_num_queries(15):
            assert admin_client.get(url).status_code == 200


def test_the_meeting_page_links_to_the_split_page(admin_client, archive_world):
    meeting = archive_world.beijing_talks
    page = admin_client.get(reverse("admin:archive_meeting_change", args=[meeting.pk]))
    assert reverse("admin:archive_meeting_split", args=[meeting.pk]) in page.content.decode()
