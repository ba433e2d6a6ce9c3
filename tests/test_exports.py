"""CSV and JSON exports: every row, the page's filters, streamed, safe in spreadsheets."""

import csv
import io
import json
from datetime import date

import pytest

from archive.models import ReviewStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def test_search_csv_has_every_matching_article_across_pages(client):
    for n in range(45):
        f.make_article(title=f"Talks {n}", body="Talks continued.")
    f.make_article(title="Other", body="Nothing here.")
    response = client.get("/search/", {"q": "talks", "format": "csv", "page": 2})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="search.csv"'
    exported = rows(response)
    assert len(exported) == 45
    assert set(exported[0]) == {
        "id",
        "title",
        "outlet",
        "outlet_country",
        "published",
        "date_precision",
        "date_confidence",
        "language",
        "url",
        "archive_url",
    }


def test_search_json_keeps_the_filters_and_the_order(client, archive_world):
    w = archive_world
    response = client.get("/search/", {"q": "Belousov", "outlet": "tass", "format": "json"})
    assert response["Content-Type"] == "application/json"
    [article] = json.loads(body(response))
    assert article == {
        "id": w.talks.pk,
        "title": w.talks.title,
        "outlet": "TASS",
        "outlet_country": "RU",
        "published": "2024-10-14",
        "date_precision": "day",
        "date_confidence": "exact",
        "language": "en",
        "url": "https://tass.com/defense/1856001",
        "archive_url": f"http://testserver/articles/{w.talks.pk}/",
    }


def test_meeting_json_carries_participants_with_roles_then_and_sources(client, archive_world):
    w = archive_world
    response = client.get(w.beijing_talks.get_absolute_url(), {"format": "json"})
    meeting = response.json()
    assert {k: meeting[k] for k in ("date", "date_precision", "place", "format", "kind")} == {
        "date": "2024-10-14",
        "date_precision": "day",
        "place": "Beijing",
        "format": "in_person",
        "kind": "talks",
    }
    assert meeting["status"] == "held"
    assert meeting["participants"] == [
        {"name": "Andrei Belousov", "country": "RU", "role": "Minister of Defence"},
        {"name": "Dong Jun", "country": "CN", "role": "Minister of National Defense"},
    ]
    assert meeting["sources"] == [
        {
            "title": w.talks.title,
            "outlet": "TASS",
            "url": "https://tass.com/defense/1856001",
            "published": "2024-10-14",
        },
        {
            "title": w.reply.title,
            "outlet": "Xinhua",
            "url": "https://english.news.cn/2024/1015/1",
            "published": "2024-10-15",
        },
    ]


def test_meeting_list_exports_use_the_list_filters(client, archive_world):
    response = client.get("/meetings/", {"participant": "sergei-shoigu", "format": "json"})
    [meeting] = json.loads(body(response))
    assert meeting["place"] == "Moscow"
    # Dong Jun took office after this visit: no role is invented for him.
    assert {p["name"]: p["role"] for p in meeting["participants"]} == {
        "Dong Jun": "",
        "Sergei Shoigu": "Minister of Defence",
    }
    [row] = rows(client.get("/meetings/", {"participant": "sergei-shoigu", "format": "csv"}))
    assert row["participants"] == "Dong Jun, CN; Sergei Shoigu, RU, Minister of Defence"


def test_meeting_list_exports_order_people_and_sources_and_leave_out_rejected_reports(client):
    # Created against the order the export must give, so insertion order cannot pass it.
    zhang, adams = f.make_person(name="Zhang Youxia"), f.make_person(name="Adam Adams")
    newer = f.make_article(title="Second report", published_date=date(2025, 3, 2))
    rejected = f.make_article(
        title="Rejected report",
        published_date=date(2025, 3, 1),
        review_status=ReviewStatus.REJECTED,
    )
    older = f.make_article(title="First report", published_date=date(2025, 3, 1))
    f.make_meeting(participants=[zhang, adams], articles=[newer, rejected, older])
    [meeting] = json.loads(body(client.get("/meetings/", {"format": "json"})))
    assert [p["name"] for p in meeting["participants"]] == ["Adam Adams", "Zhang Youxia"]
    assert [s["title"] for s in meeting["sources"]] == ["First report", "Second report"]
    [row] = rows(client.get("/meetings/", {"format": "csv"}))
    assert row["participants"] == "Adam Adams; Zhang Youxia"
    assert "Rejected report" not in row["sources"]


def test_person_json_carries_aliases_and_positions(client, archive_world):
    person = client.get("/people/sergei-shoigu/", {"format": "json"}).json()
    assert person["aliases"] == ["Shoygu", "Шойгу"]
    assert person["positions"] == [
        {
            "title": "Minister of Defence",
            "role": "defense_minister",
            "organization": None,
            "start_date": "2012-11-06",
            "end_date": "2024-05-12",
            "dates_approximate": False,
        },
        {
            "title": "Secretary of the Security Council",
            "role": "security_council_secretary",
            "organization": None,
            "start_date": "2024-05-12",
            "end_date": None,
            "dates_approximate": False,
        },
    ]


def test_people_and_outlet_lists_export(client, archive_world):
    people = json.loads(body(client.get("/people/", {"country": "RU", "format": "json"})))
    assert [p["name"] for p in people] == ["Andrei Belousov", "Sergei Shoigu", "Valery Gerasimov"]
    outlets = rows(client.get("/outlets/", {"format": "csv"}))
    tass = next(row for row in outlets if row["slug"] == "tass")
    assert (tass["article_count"], tass["first_published"]) == ("3", "2023-04-18")


def test_dated_lists_export_their_period(client, archive_world):
    exported = rows(client.get("/archive/2024/", {"format": "csv"}))
    assert {row["title"] for row in exported} == {
        archive_world.talks.title,
        archive_world.reply.title,
    }
    undated = json.loads(body(client.get("/archive/undated/", {"format": "json"})))
    assert [a["title"] for a in undated] == [archive_world.undated.title]
    assert undated[0]["url"] == "javascript:alert(1)"
    outlet = rows(client.get("/outlets/xinhua/", {"format": "csv"}))
    assert [row["title"] for row in outlet] == [archive_world.reply.title]


def test_cells_that_look_like_formulas_are_defused(client):
    f.make_article(title='=HYPERLINK("http://evil","x") talks', body="Talks.")
    f.make_article(title="-2+3 talks", body="Talks.")
    titles = sorted(row["title"] for row in rows(client.get("/search/?q=talks&format=csv")))
    assert titles == ["'-2+3 talks", '\'=HYPERLINK("http://evil","x") talks']


def test_unknown_formats_and_invalid_filters_are_refused(client, archive_world):
    assert client.get("/search/", {"format": "xml"}).status_code == 400
    assert client.get("/people/sergei-shoigu/", {"format": "csv"}).status_code == 400
    response = client.get("/search/", {"q": "talks", "date_from": "soon", "format": "csv"})
    assert response.status_code == 400
    assert "date_from" in response.content.decode()
    assert client.get("/meetings/", {"year": "abc", "format": "json"}).status_code == 400


def test_exports_cost_a_fixed_number_of_queries(
    client, archive_world, django_assert_max_num_queries
):
    w = archive_world
    for n in range(20):
        article = f.make_article(title=f"Talks {n}", outlet=w.xinhua)
        f.make_meeting(participants=[w.belousov, w.dong], articles=[article])
    for url, budget in [
        ("/meetings/?format=json", 4),
        ("/people/?format=csv", 3),
        # names in the query, estimate, months (cached), newest matches, ranked
        ("/search/?q=talks&format=csv", 5),
        ("/outlets/?format=json", 1),
    ]:
        # Plus the savepoint the rows are read in, and its release (the transaction of
        # test_an_export_reads_its_rows_as_it_streams_not_all_before, inside the test's).
        with django_assert_max_num_queries(budget + 2):
            body(client.get(url))


@pytest.mark.parametrize("query", ["talks", "talks NEAR/1 continued"])
def test_a_search_sorted_by_relevance_exports_every_match_past_its_sample(client, settings, query):
    """Relevance ranks the newest matches only; the export still holds every match."""
    settings.ARCHIVE_RANKED_MATCHES = 5
    for n in range(12):
        f.make_article(title=f"Report {n}", body="Talks continued.")
    exported = rows(client.get("/search/", {"q": query, "format": "csv"}))
    assert len(exported) == 12
    assert len(client.get("/search/", {"q": query}).context["articles"]) == 5


@pytest.mark.django_db(transaction=True)  # autocommit, as after a web request
def test_an_export_reads_its_rows_as_it_streams_not_all_before(client):
    from django.db import connection

    for n in range(3):
        f.make_article(title=f"Frigate visit {n}", body="A frigate called at the port.")
    chunks = iter(client.get("/search/", {"q": "frigate", "format": "csv"}).streaming_content)
    assert next(chunks).startswith(b"id,title")
    assert b"Frigate visit" in next(chunks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors")
        # A cursor WITH HOLD (Django's choice in autocommit) has PostgreSQL compute every
        # row of the result before the first is read.
        assert cursor.fetchall() == [(False,)]
    assert sum(b"Frigate visit" in chunk for chunk in chunks) == 2
