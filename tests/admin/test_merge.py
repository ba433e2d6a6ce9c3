"""Merging people, organizations, outlets and meetings; splitting a meeting."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.urls import reverse

from archive import curation
from archive.models import (
    Article,
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Organization,
    Outlet,
    Participation,
    Person,
    PersonAlias,
    Position,
    Quote,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def merge_action(client, model, records, survivor=None):
    """Post the merge action; without a survivor, the confirmation page's response."""
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [r.pk for r in records]}
    if survivor is not None:
        data.update(post="yes", survivor=survivor.pk)
    return client.post(reverse(f"admin:archive_{model}_changelist"), data)


@pytest.fixture
def duplicate_shoigu(archive_world):
    """A second Sergei Shoigu, as extraction might discover him, with a bit of everything."""
    w = archive_world
    twin = f.make_person(
        name="Sergey Shoygu",
        slug="sergey-shoygu",
        aliases=["Shoygu", "С. Шойгу"],
        review_status="needs_review",
    )
    f.make_mention(w.russian, twin, "Шойгу")
    f.make_quote(w.visit, twin, text="We value our partnership.")
    f.make_position(twin, title="Defence Minister", start_date=datetime.date(2012, 11, 6))
    # Both are participants of the Moscow visit (the duplicate-participation case), and the
    # twin alone of another meeting.
    Participation.objects.create(
        meeting=w.moscow_visit,
        person=twin,
        role_title="Defence Minister",
        review_status="confirmed",
    )
    w.other_meeting = f.make_meeting(participants=[twin, w.gerasimov], articles=[w.russian])
    return twin


def test_merge_confirmation_page_shows_what_moves(curator_client, archive_world, duplicate_shoigu):
    response = merge_action(curator_client, "person", [archive_world.shoigu, duplicate_shoigu])
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="survivor"' in content
    assert "Sergey Shoygu" in content
    assert "1 mentions, 1 quotes, 1 positions, 2 participations, 2 aliases" in content


def test_merging_people_moves_everything_to_the_survivor(
    curator_client, archive_world, duplicate_shoigu
):
    w, twin = archive_world, duplicate_shoigu
    shoigu = w.shoigu
    response = merge_action(curator_client, "person", [shoigu, twin], survivor=shoigu)
    assert response.status_code == 302

    assert not Person.objects.filter(pk=twin.pk).exists()
    assert Mention.objects.filter(person=shoigu, article=w.russian).count() == 2
    assert Quote.objects.filter(person=shoigu, text="We value our partnership.").exists()
    assert Position.objects.filter(person=shoigu, title="Defence Minister").exists()
    # One participation per person and meeting: the survivor's row stays.
    visit = Participation.objects.get(meeting=w.moscow_visit, person=shoigu)
    assert visit.review_status == "confirmed"  # the loser's curator verdict carried over
    assert visit.role_title == "Defence Minister"
    assert Participation.objects.filter(meeting=w.other_meeting, person=shoigu).exists()
    aliases = set(PersonAlias.objects.filter(person=shoigu).values_list("name", flat=True))
    assert aliases == {"Shoygu", "Шойгу", "С. Шойгу", "Sergey Shoygu"}
    # The loser's names are searchable on the articles that mention the survivor.
    assert "Sergey Shoygu" in Article.objects.get(pk=w.visit.pk).names_text

    history = LogEntry.objects.filter(object_id=str(shoigu.pk), action_flag=CHANGE).get()
    assert "Sergey Shoygu" in history.change_message
    assert LogEntry.objects.filter(object_id=str(twin.pk), action_flag=DELETION).exists()


def test_merge_keeps_positions_unique_for_the_gazetteer(archive_world):
    shoigu = archive_world.shoigu
    twin = f.make_person(name="Shoigu S.")
    f.make_position(twin, start_date=datetime.date(2012, 11, 6))  # the same as Shoigu's
    curation.merge(shoigu, [twin])
    assert shoigu.positions.filter(start_date=datetime.date(2012, 11, 6)).count() == 1


def test_merging_three_people_at_once(archive_world):
    w = archive_world
    a, b = f.make_person(name="Dong J."), f.make_person(name="Adm. Dong Jun")
    f.make_mention(w.reply, a, "Dong Jun")
    f.make_mention(w.talks, b, "Dong Jun")
    moved = curation.merge(w.dong, [a, b])
    assert moved["mentions"] == 2 and moved["aliases"] == 2
    assert set(w.dong.aliases.values_list("name", flat=True)) >= {"Dong J.", "Adm. Dong Jun"}


def test_merging_organizations_moves_mentions_positions_and_aliases(archive_world):
    w = archive_world
    twin = f.make_organization(name="PRC Ministry of National Defense", aliases=["MND"])
    mention = f.make_mention(w.reply, twin, "Dong Jun")
    position = f.make_position(w.dong, organization=twin)
    participation = Participation.objects.get(meeting=w.beijing_talks, person=w.dong)
    participation.organization = twin
    participation.save()
    curation.merge(w.ministry, [twin])
    assert Mention.objects.get(pk=mention.pk).organization == w.ministry
    assert Position.objects.get(pk=position.pk).organization == w.ministry
    assert Participation.objects.get(pk=participation.pk).organization == w.ministry
    assert set(w.ministry.aliases.values_list("name", flat=True)) == {
        "MND",
        "PRC Ministry of National Defense",
    }
    assert not Organization.objects.filter(pk=twin.pk).exists()


def test_merging_outlets_moves_articles_sources_and_names(curator_client, archive_world):
    w = archive_world
    twin = f.make_outlet(
        name="tass.ru",
        slug="tass-ru",
        domains=["tass.ru", "tass.com"],
        dateline_tags=["/ТАСС/"],
        aliases=["ИТАР-ТАСС"],
        review_status="needs_review",
    )
    w.tass.domains = ["tass.com"]
    w.tass.save()
    article = f.make_article(outlet=twin)
    source = f.make_source(w.reply, outlet=twin)
    response = merge_action(curator_client, "outlet", [w.tass, twin], survivor=w.tass)
    assert response.status_code == 302
    w.tass.refresh_from_db()
    assert Article.objects.get(pk=article.pk).outlet == w.tass
    assert ArticleSource.objects.get(pk=source.pk).outlet == w.tass
    assert w.tass.aliases == ["tass.ru", "ИТАР-ТАСС"]
    assert w.tass.domains == ["tass.com", "tass.ru"]
    assert w.tass.dateline_tags == ["/ТАСС/"]
    assert not Outlet.objects.filter(pk=twin.pk).exists()


def test_merging_meetings_moves_reports_and_folds_participants(curator_client, archive_world):
    w = archive_world
    twin = f.make_meeting(
        participants=[w.belousov, w.dong, w.gerasimov],
        articles=[w.reply, w.visit],  # w.reply already reports the survivor
        date=datetime.date(2024, 10, 14),
        confidence=0.9,
    )
    response = merge_action(
        curator_client, "meeting", [w.beijing_talks, twin], survivor=w.beijing_talks
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=w.beijing_talks.pk)
    assert set(meeting.articles.all()) == {w.talks, w.reply, w.visit}
    assert set(meeting.participants.all()) == {w.belousov, w.dong, w.gerasimov}
    assert MeetingReport.objects.filter(meeting=meeting, article=w.reply).count() == 1
    assert (meeting.confidence, meeting.review_status) == (0.9, "confirmed")
    assert not Meeting.objects.filter(pk=twin.pk).exists()


def test_merge_needs_two_records_and_a_survivor(curator_client, archive_world):
    response = merge_action(curator_client, "person", [archive_world.shoigu])
    assert response.status_code == 302
    assert Person.objects.filter(pk=archive_world.shoigu.pk).exists()
    with pytest.raises(ValueError):
        curation.merge(archive_world.shoigu, [archive_world.shoigu])
    with pytest.raises(TypeError):
        curation.merge(archive_world.shoigu, [archive_world.tass])


def test_splitting_a_meeting_moves_the_chosen_reports(curator_client, archive_world):
    w = archive_world
    meeting = w.beijing_talks
    report = MeetingReport.objects.get(meeting=meeting, article=w.reply)
    url = reverse("admin:archive_meeting_split", args=[meeting.pk])
    page = curator_client.get(url)
    assert page.status_code == 200
    assert w.reply.title in page.content.decode()

    response = curator_client.post(url, {"reports": [report.pk]})
    assert response.status_code == 302
    new = Meeting.objects.exclude(pk__in=[meeting.pk, w.moscow_visit.pk]).get()
    assert list(new.articles.all()) == [w.reply]
    assert list(meeting.articles.all()) == [w.talks]
    assert set(new.participants.all()) == {w.belousov, w.dong}
    assert Participation.objects.get(meeting=new, person=w.dong).role_title == (
        "Minister of National Defense"
    )
    assert (new.date, new.place, new.kind) == (meeting.date, meeting.place, meeting.kind)
    meeting.refresh_from_db()
    assert meeting.review_status == new.review_status == "confirmed"
    assert LogEntry.objects.filter(object_id=str(new.pk)).exists()


def test_a_split_must_leave_a_report_behind(curator_client, archive_world):
    meeting = archive_world.beijing_talks
    url = reverse("admin:archive_meeting_split", args=[meeting.pk])
    response = curator_client.post(
        url, {"reports": list(meeting.reports.values_list("pk", flat=True))}
    )
    assert response.status_code == 200
    assert "Leave at least one report" in response.content.decode()
    assert Meeting.objects.count() == 2


def test_a_split_needs_a_chosen_report(curator_client, archive_world):
    url = reverse("admin:archive_meeting_split", args=[archive_world.beijing_talks.pk])
    response = curator_client.post(url, {})
    assert response.status_code == 200
    assert response.context["form"].errors["reports"]
