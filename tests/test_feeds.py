"""Atom feeds of searches and people: contents, filters, escaping."""

import xml.etree.ElementTree as ET

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def test_search_feed_lists_matches_newest_first(client, archive_world):
    feed, items = entries(client.get("/search/feed/", {"q": "Belousov"}))
    w = archive_world
    assert [e.find(f"{ATOM}title").text for e in items] == [w.reply.title, w.talks.title]
    assert items[0].find(f"{ATOM}link").get("href") == f"http://testserver/articles/{w.reply.pk}/"
    assert items[0].find(f"{ATOM}author/{ATOM}name").text == "Xinhua"
    assert items[0].find(f"{ATOM}published").text.startswith("2024-10-15")
    assert "Belousov" in feed.find(f"{ATOM}title").text
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/search/?q=Belousov&sort=newest"
    assert (
        feed.find(f"{ATOM}link[@rel='self']")
        .get("href")
        .endswith("/search/feed/?q=Belousov&sort=newest")
    )


def test_search_feed_takes_the_same_filters_as_the_page(client, archive_world):
    _, items = entries(client.get("/search/feed/", {"q": "Belousov", "outlet": "tass"}))
    assert [e.find(f"{ATOM}title").text for e in items] == [archive_world.talks.title]
    _, items = entries(client.get("/search/feed/", {"q": "Шойгу"}))
    assert len(items) == 3


def test_feed_text_reaches_readers_escaped(client):
    f.make_article(
        title="<script>alert(1)</script> Belousov",
        body="Belousov <img src=x onerror=alert(2)> & co.",
    )
    response = client.get("/search/feed/", {"q": "Belousov"})
    raw = response.content.decode()
    assert "<script>" not in raw and "<img" not in raw
    _, [entry] = entries(response)
    # Atom titles are text: the reader shows the characters as they are.
    assert entry.find(f"{ATOM}title").text == "<script>alert(1)</script> Belousov"
    # Summaries are HTML: after XML decoding it is still escaped markup, shown as text.
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Belousov &lt;img src=x onerror=alert(2)&gt; &amp; co."


def test_a_feed_for_an_unparsable_search_is_a_bad_request(client):
    assert client.get("/search/feed/", {"q": "-only"}).status_code == 400
    assert client.get("/search/feed/", {"outlet": "\x00"}).status_code == 400


def test_a_feed_without_a_query_lists_new_articles(client, archive_world):
    feed, items = entries(client.get("/search/feed/"))
    assert feed.find(f"{ATOM}title").text == "New articles"
    assert items[0].find(f"{ATOM}title").text == archive_world.reply.title


def test_person_feed_lists_articles_that_name_them(client, archive_world):
    w = archive_world
    feed, items = entries(client.get("/people/sergei-shoigu/feed/"))
    assert feed.find(f"{ATOM}title").text == "Sergei Shoigu in the defense diplomacy archive"
    assert [e.find(f"{ATOM}title").text for e in items] == [
        w.russian.title,
        w.visit.title,
        w.undated.title,
    ]


def test_feeds_cost_a_fixed_number_of_queries(client, archive_world, django_assert_max_num_queries):
    for n in range(20):
        article = f.make_article(title=f"Shoigu {n}", outlet=archive_world.tass)
        f.make_mention(article, archive_world.shoigu, article.title)
    with django_assert_max_num_queries(3):
        client.get("/people/sergei-shoigu/feed/")
    with django_assert_max_num_queries(4):
        client.get("/search/feed/", {"q": "Shoygu", "outlet": "tass"})


def test_a_search_feed_sorted_by_relevance_puts_the_best_match_first(client):
    import datetime

    in_title = f.make_article(
        title="Frigate drills off Qingdao",
        body="Crews practised at sea for a week.",
        published_date=datetime.date(2024, 3, 1),
    )
    in_body = f.make_article(
        title="Talks in Beijing",
        body="The ministers also mentioned frigate visits once.",
        published_date=datetime.date(2024, 9, 1),
    )
    _, newest = entries(client.get("/search/feed/", {"q": "frigate"}))
    _, best = entries(client.get("/search/feed/", {"q": "frigate", "sort": "relevance"}))
    assert [e.find(f"{ATOM}title").text for e in newest] == [in_body.title, in_title.title]
    assert [e.find(f"{ATOM}title").text for e in best] == [in_title.title, in_body.title]
    # Neither has a lead: the summary is the start of the body, escaped.
    assert best[1].find(f"{ATOM}summary").text == in_body.body
