"""The review queue: every kind of work appears, oldest first; reviewed records leave it."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import curation
from archive.models import Article, Meeting, Organization, Outlet, Person
from tests import factories as f
from tests.plans import explain

QUEUE = reverse("admin:archive_review_queue")

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(archive_world):
    """One record of each kind that needs a human, besides the world's own."""
    w = archive_world
    Meeting.objects.update(confidence=0.8)  # the default, 0.5, is low
    w.new_outlet = f.make_outlet(name="defense-digest.example", review_status="needs_review")
    w.new_person = f.make_person(name="Li Shangfu Jr.", review_status="needs_review")
    w.new_org = f.make_organization(name="Joint Staff Department", review_status="needs_review")
    w.doubtful = f.make_meeting(participants=[w.gerasimov, w.dong], confidence=0.3)
    w.later = f.make_article(
        title="Gerasimov and Dong met, a week on",
        outlet=w.global_times,
        published_date=datetime.date(2024, 10, 21),
    )
    w.spread = f.make_meeting(
        participants=[w.belousov, w.gerasimov],
        articles=[w.talks, w.later],
        date=datetime.date(2024, 10, 14),
        confidence=0.8,
    )
    w.repeat = f.make_article(
        title="Belousov and Dong Jun hold talks in Beijing",
        body="Another text under the same headline.",
        outlet=w.global_times,
        published_date=datetime.date(2024, 10, 15),
    )
    curation.flag_suspected_duplicates()  # as the importer does for each batch
    return w


def section(response, kind):
    return next(s for s in response.context["sections"] if s.kind == kind)


def records(response, kind):
    return [item.record for item in section(response, kind).items]


def test_every_kind_of_work_is_listed(curator_client, work):
    response = curator_client.get(QUEUE)
    assert response.status_code == 200
    assert records(response, "undated") == [work.visit, work.undated]  # oldest first
    assert records(response, "outlets") == [work.new_outlet]
    assert records(response, "people") == [work.new_person]
    assert records(response, "organizations") == [work.new_org]
    assert records(response, "low-confidence") == [work.doubtful]
    assert records(response, "conflicting") == [work.spread]
    assert records(response, "duplicates") == [work.repeat]  # the later of the two
    assert section(response, "duplicates").items[0].reason == (
        f"same title as article {work.talks.pk}"
    )
    assert section(response, "conflicting").items[0].reason == "reports published 7 days apart"
    content = response.content.decode()
    assert reverse("admin:archive_person_change", args=[work.new_person.pk]) in content
    assert "Newly discovered people (1)" in content


def test_a_planned_meeting_reported_after_its_date_conflicts(work):
    planned = f.make_meeting(
        participants=[work.shoigu, work.dong],
        articles=[work.russian],  # published 2023-04-19
        date=datetime.date(2023, 4, 10),
        status="planned",
    )
    assert planned in curation.conflicting_meetings()
    planned.date = datetime.date(2023, 4, 19)
    planned.save()
    assert planned not in curation.conflicting_meetings()


def twins():
    return {a: a.suspected_duplicate.twin for a in curation.suspected_duplicates()}


def test_same_title_far_apart_from_other_outlets_is_no_duplicate(work):
    repeat = Article.objects.filter(pk=work.repeat.pk)
    repeat.update(published_date=datetime.date(2025, 1, 1))
    assert curation.reflag_titles([work.repeat.title]) == 0
    assert twins() == {}
    repeat.update(outlet=work.tass)
    assert curation.reflag_titles([work.repeat.title]) == 1
    assert twins() == {work.repeat: work.talks}
    repeat.update(title=work.talks.title.upper())  # case does not matter, in any script
    russian = [work.russian, f.make_article(title="ШОЙГУ ПРОВЁЛ ПЕРЕГОВОРЫ", outlet=work.tass)]
    assert curation.reflag_titles([work.talks.title, work.russian.title]) == 2
    assert twins() == {work.repeat: work.talks, russian[1]: work.russian}


def test_the_twin_is_the_first_earlier_article_alike_and_not_rejected(work):
    third = f.make_article(
        title=work.talks.title,
        outlet=work.global_times,
        published_date=datetime.date(2024, 10, 16),
    )
    curation.flag_suspected_duplicates([third.pk])
    assert twins() == {work.repeat: work.talks, third: work.talks}
    curation.reject(Article.objects.filter(pk=work.talks.pk))
    assert twins() == {third: work.repeat}  # repeat has no earlier twin left
    curation.confirm(Article.objects.filter(pk=third.pk))
    assert twins() == {}
    Article.objects.filter(pk=work.talks.pk).update(review_status="auto")
    curation.reflag_titles([work.talks.title])
    assert twins() == {work.repeat: work.talks}  # the confirmed third is no longer a suspect


def test_merging_outlets_can_make_a_duplicate(work):
    copy_site = f.make_outlet(name="tass-mirror.example")
    Article.objects.filter(pk=work.repeat.pk).update(
        outlet=copy_site, published_date=datetime.date(2025, 1, 1)
    )
    curation.reflag_titles([work.repeat.title])
    assert twins() == {}
    curation.merge(work.tass, [copy_site])
    assert twins() == {work.repeat: work.talks}


def test_admin_edits_and_deletions_find_twins_again(curator_client, admin_form, work):
    third = f.make_article(title=work.talks.title.lower(), outlet=work.tass)
    curation.flag_suspected_duplicates([third.pk])
    assert twins() == {work.repeat: work.talks, third: work.talks}
    url = reverse("admin:archive_article_change", args=[work.repeat.pk])
    data = admin_form(curator_client.get(url), "article_form")
    data["title"] = ["Belousov and Dong Jun end talks in Beijing"]
    response = curator_client.post(url, data)  # the edit also confirms the article
    assert response.status_code == 302, response.context["errors"]
    assert twins() == {third: work.talks}
    response = curator_client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [work.talks.pk]},
    )
    assert response.status_code == 302
    assert twins() == {}  # the deleted article was third's only earlier likeness
    data = admin_form(curator_client.get(url), "article_form")
    data["title"], data["outlet"] = [work.talks.title], [str(work.tass.pk)]
    assert curator_client.post(url, data).status_code == 302
    assert twins() == {third: work.repeat}


def test_deleting_the_outlet_two_articles_shared_unflags_them(curator_client, work):
    Article.objects.filter(pk=work.repeat.pk).update(
        outlet=work.tass, published_date=datetime.date(2025, 1, 1)
    )
    curation.reflag_titles([work.repeat.title])
    assert twins() == {work.repeat: work.talks}  # the same outlet, months apart
    response = curator_client.post(
        reverse("admin:archive_outlet_changelist"),
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [work.tass.pk]},
    )
    assert response.status_code == 302
    assert not Outlet.objects.filter(pk=work.tass.pk).exists()
    assert twins() == {}


def test_finding_twins_reads_the_title_index(work):
    with CaptureQueriesContext(connection) as queries:
        curation.flag_suspected_duplicates([work.repeat.pk])
    [insert] = [q["sql"] for q in queries if q["sql"].lstrip().startswith("INSERT")]
    plan = explain(insert)
    assert "article_title" in plan
    assert "Seq Scan on archive_article" not in plan


def test_confirmed_and_rejected_records_leave_the_queue(curator_client, work):
    for model, records_ in (
        ("article", [work.visit, work.undated, work.talks]),
        ("outlet", [work.new_outlet]),
        ("person", [work.new_person]),
        ("meeting", [work.doubtful, work.spread]),
    ):
        response = curator_client.post(
            reverse(f"admin:archive_{model}_changelist"),
            {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [r.pk for r in records_]},
        )
        assert response.status_code == 302
    curator_client.post(
        reverse("admin:archive_organization_changelist"),
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [work.new_org.pk]},
    )
    response = curator_client.get(QUEUE)
    assert response.context["total"] == 1  # work.repeat: its twin was confirmed, not it
    assert records(response, "duplicates") == [work.repeat]
    assert Organization.objects.get(pk=work.new_org.pk).review_status == "rejected"
    person = Person.objects.get(pk=work.new_person.pk)
    assert (person.review_status, person.review_reasons) == ("confirmed", [])
    assert "review_status" in person.curated_fields


def test_confirming_sets_status_reasons_and_curated_fields(work):
    outlet = work.new_outlet
    outlet.review_reasons = ["new outlet found by domain"]
    outlet.save()
    assert curation.confirm(Outlet.objects.filter(pk=outlet.pk)) == 1
    outlet.refresh_from_db()
    assert (outlet.review_status, outlet.review_reasons) == ("confirmed", [])
    assert outlet.curated_fields == ["review_status"]
    curation.reject(Article.objects.filter(pk=work.undated.pk))
    assert work.undated not in curation.undated_articles()
    assert Meeting.objects.get(pk=work.doubtful.pk) in curation.low_confidence_meetings()


def test_the_queue_is_linked_from_the_admin_index(curator_client, reader_client):
    content = curator_client.get(reverse("admin:index")).content.decode()
    assert QUEUE in content
    assert reverse("admin:archive_article_upload") in content
    content = reader_client.get(reverse("admin:index")).content.decode()
    assert QUEUE in content
    assert reverse("admin:archive_article_upload") not in content


def test_the_queue_costs_a_fixed_number_of_queries(
    curator_client, work, django_assert_max_num_queries
):
    for n in range(10):
        f.make_person(name=f"New official {n}", review_status="needs_review")
        f.make_meeting(participants=[work.dong, work.belousov], confidence=0.2)
    with django_assert_max_num_queries(20):
        assert curator_client.get(QUEUE).status_code == 200
