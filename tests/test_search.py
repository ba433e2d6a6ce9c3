"""Search: query syntax, ranking, names in every spelling, safe highlighting."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from archive import filters
from archive.curation import reject
from archive.filters import ArticleSearchFilter
from archive.models import Article, Mention
from archive.names import people_named, similar_names
from archive.paging import RowsByIds
from archive.search import (
    MARK_OFF,
    MARK_ON,
    MAX_NEAR_DISTANCE,
    SEARCH_CONFIGS,
    ArticleSearch,
    QuerySyntaxError,
    render_headline,
)
from tests.factories import (
    make_article,
    make_mention,
    make_organization,
    make_outlet,
    make_person,
)
from tests.plans import explain

pytestmark = pytest.mark.django_db


def found(text):
    return set(Article.objects.search(text))


def test_title_hit_ranks_above_body_hit():
    body_hit = make_article(title="Talks in Beijing", body="Belousov met the minister.")
    title_hit = make_article(title="Belousov visits China", body="The talks went well.")
    assert list(Article.objects.search("Belousov")) == [title_hit, body_hit]


def test_quoted_phrase_needs_the_words_together():
    together = make_article(body="The navies held joint exercises in the Sea of Japan.")
    apart = make_article(body="Joint statements followed the exercises.")
    assert found('"joint exercises"') == {together}
    assert found("joint exercises") == {together, apart}


def test_or_finds_either_word():
    drills = make_article(body="Naval drills began on Monday.")
    exercises = make_article(body="The exercises began on Monday.")
    make_article(body="Talks began on Monday.")
    assert found("drills OR exercises") == {drills, exercises}


def test_minus_excludes_a_word_or_phrase():
    navy = make_article(body="Talks about navy cooperation.")
    army = make_article(body="Talks about army cooperation.")
    assert found("talks -navy") == {army}
    assert found('cooperation -"navy cooperation"') == {army}
    assert navy not in found("talks -navy")


def test_or_separates_alternatives_like_websearch():
    both = make_article(body="Belousov and Dong met.")
    only_gerasimov = make_article(body="Gerasimov spoke.")
    make_article(body="Belousov spoke.")
    assert found("Belousov Dong OR Gerasimov") == {both, only_gerasimov}


def test_prefix_matches_word_beginnings_even_under_a_shorter_stem():
    cooperation = make_article(body="Military cooperation between the two countries.")
    cooperative = make_article(body="A cooperative approach.")
    make_article(body="Corporate news.")
    assert found("cooperat*") == {cooperation, cooperative}
    assert found("milit*") == {cooperation}


def test_prefix_works_in_russian():
    article = make_article(body="Стороны обсудили военное сотрудничество.", language="ru")
    assert found("сотруднич*") == {article}


def test_excluded_prefix():
    naval = make_article(body="Naval talks in Vladivostok.")
    army = make_article(body="Army talks in Moscow.")
    assert found("talks -nav*") == {army}
    assert naval in found("talks nav*")


def test_near_finds_words_within_the_distance_in_either_order():
    close = make_article(body="Belousov held talks with Dong Jun in Beijing.")
    reversed_order = make_article(body="Dong Jun welcomed Belousov.")
    far = make_article(
        body="Belousov arrived on Monday. After a long flight and a press conference "
        "about many other things, the guests met Dong later."
    )
    assert found("Belousov NEAR/5 Dong") == {close, reversed_order}
    assert found("Belousov Dong") == {close, reversed_order, far}
    assert found("Belousov NEAR/3 Dong") == {reversed_order}
    assert found("Dong NEAR/2 Belousov") == set()


def test_near_with_a_phrase_and_a_prefix():
    article = make_article(body="The joint exercises with China ended.")
    make_article(body="Joint exercises ended; talks about many unrelated topics then China.")
    assert found('"joint exercises" NEAR/2 chin*') == {article}


@pytest.mark.parametrize(
    "text",
    [
        "x & y | !z <-> :*",
        "'; DROP TABLE archive_article; --",
        "a:* & b",
        "(((talks)))",
        "Belousov NEAR/3",
        '"unbalanced quote',
        "OR OR OR talks",
        "\\' \\\\ %s %(x)s",
        "word:A*",
        "!!!!talks",
    ],
)
def test_hostile_queries_run_without_errors(text):
    make_article(body="Talks in Beijing.")
    list(Article.objects.search(text))


@pytest.mark.parametrize(
    "text, message",
    [
        ("a" * 10_000, "limit is 500"),
        ("-navy", "not only words to exclude"),
        ("& | ! <->", "at least one word"),
        ("(((", "at least one word"),
        ("", "at least one word"),
        (" ".join(["word"] * 40), "limit is 32"),
    ],
)
def test_queries_that_cannot_run_explain_why(text, message):
    with pytest.raises(QuerySyntaxError, match=message):
        ArticleSearch.parse(text)


def test_null_bytes_and_markers_are_dropped():
    search = ArticleSearch.parse(f"Bel\x00ousov {MARK_ON}Dong{MARK_OFF}")
    assert str(search) == "Bel ousov Dong"


def test_notes_explain_what_was_reinterpreted():
    assert ArticleSearch.parse('"joint exercises').notes
    assert "used NEAR/20" in ArticleSearch.parse("a NEAR/99 b").notes[0]
    assert "at least 2 letters" in ArticleSearch.parse("x*").notes[0]


def test_language_picks_the_configuration_for_each_article():
    russian = make_article(title="Визит", body="Министры провели переговоры.", language="ru")
    english = make_article(title="Visit", body="Переговоры прошли в Москве.")
    # Stemmed as Russian only in the Russian article; the English one keeps the exact word.
    assert found("переговорах") == {russian}
    assert found("переговоры") == {russian, english}


def test_alias_finds_articles_that_mention_the_person():
    shoigu = make_person(name="Sergei Shoigu", aliases=["Shoygu", "Шойгу"])
    spelled_out = make_article(body="Sergei Shoigu met the delegation.")
    by_mention_only = make_article(body="The Security Council secretary met the delegation.")
    make_mention(by_mention_only, shoigu, text="Security Council secretary")
    make_article(body="The delegation left.")
    search = ArticleSearch.parse("Шойгу").including_people(people_named("Шойгу"))
    assert set(Article.objects.search(search)) == {spelled_out, by_mention_only}


def test_a_search_compiles_its_tsquery_once_for_all_its_statements():
    shoigu = make_person(name="Sergei Shoigu", aliases=["Shoygu", "Шойгу"])
    article = make_article(title="Shoygu in Minsk", body="Sergei Shoigu met the delegation.")
    search = ArticleSearch.parse("Shoigu").including_people([shoigu])
    russian = search.tsquery(SEARCH_CONFIGS["ru"])
    assert search.tsquery(SEARCH_CONFIGS["ru"]) is russian
    assert ArticleSearch.parse("Shoigu").including_people([shoigu]).tsquery("archive_russian") is (
        russian
    )
    assert search.tsquery(SEARCH_CONFIGS["en"]) is not russian
    for _ in range(2):  # the SQL compiled for the first statement serves the next ones
        assert list(Article.objects.search(search)) == [article]
        title, _ = Article.objects.filter(pk=article.pk).headlines(search)[article.pk]
        assert title == f"{MARK_ON}Shoygu{MARK_OFF} in Minsk"
    assert list(russian.compiled) == [connection.alias]


def test_no_phrase_or_proximity_search_spans_two_mentioned_names():
    belousov = make_person(name="Andrei Belousov", aliases=["Belousov"])
    dong = make_person(name="Dong Jun", aliases=["Dong"])
    article = make_article(body="The ministers of Russia and China met in Beijing.")
    make_mention(article, belousov, text="ministers")
    make_mention(article, dong, text="China")
    assert found("Belousov Dong") == {article}
    assert found(f"Belousov NEAR/{MAX_NEAR_DISTANCE} Dong") == set()
    assert found('"Belousov Dong"') == found('"Andrei Belousov Dong Jun"') == set()


def test_rejecting_a_mention_takes_its_names_out_of_the_search():
    shoigu = make_person(name="Sergei Shoigu", aliases=["Shoygu"])
    article = make_article(body="The Security Council secretary met the delegation.")
    mention = make_mention(article, shoigu, text="Security Council secretary")
    assert found("Shoygu") == {article}
    reject(Mention.objects.filter(pk=mention.pk))
    assert found("Shoygu") == set()


def test_people_named_ignores_case_accents_and_quotes():
    shoigu = make_person(name="Sergei Shoigu", aliases=["Shoygu", "Шойгу"])
    make_person(name="Someone Else")
    assert list(people_named("shoygu")) == [shoigu]
    assert list(people_named('"Sergéi Shoigu"')) == [shoigu]
    assert list(people_named("Shoig")) == []
    assert list(people_named("ШОЙГУ")) == [shoigu]
    accented = make_person(name="Tomáš Hlaváček", aliases=["Tomás Hlavácek"])
    assert list(people_named("tomas hlavacek")) == [accented]


def test_people_named_reads_the_folded_name_indexes():
    """Names and aliases are compared through their indexes, not by reading every name
    through unaccent (a search looks its text up as a name on every request)."""
    make_person(name="Sergei Shoigu", aliases=["Shoygu"])
    query = people_named("Shoygu")
    plan = explain(*query.query.sql_with_params())
    assert "person_name_folded" in plan, plan
    assert "person_alias_folded" in plan, plan


def test_similar_names_suggests_close_spellings():
    make_person(name="Sergei Shoigu", aliases=["Shoygu"])
    make_organization(name="Ministry of National Defense")
    make_person(name="Dong Jun")
    assert similar_names("Shoigo")[0] in {"Sergei Shoigu", "Shoygu"}
    assert "Ministry of National Defense" in similar_names("Ministry of Nationl Defense")
    assert similar_names("Sergei") == []
    assert similar_names("zzzz") == []


def test_headlines_mark_matches_for_the_given_rows_only():
    article = make_article(title="Belousov visits China", body="Belousov met Dong Jun.")
    other = make_article(title="Other", body="Belousov again.")
    search = ArticleSearch.parse("Belousov")
    headlines = Article.objects.filter(pk=article.pk).headlines(search)
    assert list(headlines) == [article.pk]
    title, snippet = headlines[article.pk]
    assert title == f"{MARK_ON}Belousov{MARK_OFF} visits China"
    assert f"{MARK_ON}Belousov{MARK_OFF} met" in snippet
    assert other.pk not in headlines


def test_script_in_an_article_is_escaped_while_marks_survive():
    article = make_article(
        title="<script>alert(1)</script> Belousov",
        body='Belousov said <img src=x onerror="alert(2)"> nothing.',
    )
    title, snippet = Article.objects.filter(pk=article.pk).headlines(
        ArticleSearch.parse("Belousov")
    )[article.pk]
    html = render_headline(title) + render_headline(snippet)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>Belousov</mark>" in html


def test_render_headline_escapes_before_marking():
    assert render_headline(f"<b>{MARK_ON}x{MARK_OFF}</b>") == "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"


def test_search_of_dated_articles_breaks_rank_ties_by_date():
    older = make_article(body="Talks.", published_date=datetime.date(2023, 1, 1))
    newer = make_article(body="Talks.", published_date=datetime.date(2024, 1, 1))
    undated = make_article(body="Talks.")
    assert list(Article.objects.search("talks")) == [newer, older, undated]


# Bounded work on broad searches (archive/paging.py, ranked_matches) ------------------------


@pytest.fixture
def broad_archive(db):
    """Six articles about drills, newest first; the oldest is the only one with the word in
    its title, so unbounded ranking would put it first."""
    oldest = make_article(
        title="Drills", body="Naval drills. " * 5, published_date=datetime.date(2020, 1, 1)
    )
    newer = [
        make_article(
            title=f"Report {n}",
            body=f"Report {n}: the navy held drills in the north.",
            published_date=datetime.date(2021, 1, n),
        )
        for n in range(1, 6)
    ]
    return oldest, newer


def test_relevance_is_ranked_among_the_newest_matches(broad_archive, settings):
    oldest, newer = broad_archive
    assert Article.objects.search("drills").first() == oldest
    settings.ARCHIVE_RANKED_MATCHES = 3
    ranked = list(Article.objects.search("drills"))
    assert set(ranked) == set(newer[2:])
    settings.ARCHIVE_RANKED_MATCHES = 6
    assert Article.objects.search("drills").first() == oldest


@pytest.mark.parametrize("query", ["drills", '"naval drills"', "Andrei Belousov"])
@pytest.mark.parametrize("unwindowed", [0, filters.UNWINDOWED])
def test_relevance_pages_rank_the_sample_as_it_was_read(
    client, settings, monkeypatch, query, unwindowed
):
    """The statements that find the sample compute each article's relevance (over windows
    or not; for a phrase, as its positions are checked), unless the search names someone
    (it is ranked apart then): the pages hold the sample in the order ranking it apart
    gives, ties newest first."""
    monkeypatch.setattr(filters, "UNWINDOWED", unwindowed)
    settings.ARCHIVE_RANKED_MATCHES = 7
    belousov = make_person(name="Andrei Belousov")
    texts = [
        ("Naval drills", "Naval drills with Andrei Belousov. " * 3),
        ("Report", "The navy held naval drills."),
        ("Andrei Belousov", "The minister watched the drills."),
        ("Report", "Drills, naval drills and more naval drills."),
        ("Report", "The navy held naval drills."),  # ties with the second, newer
        ("Talks", "Naval drills ended."),
    ]
    for n in range(18):
        title, body = texts[n % len(texts)]
        article = make_article(
            title=title, body=body, published_date=datetime.date(2020 + n // 6, 1 + n % 6, 1)
        )
        if n % 4 == 0:
            make_mention(article, belousov, text="the minister")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_article")
    page = client.get("/search/", {"q": query, "sort": "relevance"})
    filterset = page.context["filter"]
    sample = filterset.sample()
    expected = Article.objects.ranked(filterset.search, among=sample.ids)
    assert len(sample.ids) == 7
    assert (sample.ranks is None) == bool(filterset.people) == (query == "Andrei Belousov")
    assert [a.pk for a in expected] != sample.ids  # relevance reorders the newest
    assert [a.pk for a in page.context["articles"]] == [a.pk for a in expected[:20]]
    assert [a.pk for a in filterset.qs] == [a.pk for a in expected]


def test_the_search_page_says_when_relevance_was_ranked_among_the_newest(
    client, broad_archive, settings
):
    oldest, _ = broad_archive
    settings.ARCHIVE_RANKED_MATCHES = 3
    page = client.get("/search/", {"q": "drills"})
    assert page.context["count_estimated"] and page.context["result_count"] >= 4
    assert len(page.context["articles"]) == 3
    assert "relevance is ranked among the 3 newest of them" in page.content.decode()
    by_date = client.get("/search/", {"q": "drills", "sort": "oldest"})
    assert by_date.context["articles"][0] == oldest
    assert "ranked among" not in by_date.content.decode()


def test_broad_counts_are_estimated_and_pages_stop_at_the_exact_limit(
    client, broad_archive, settings
):
    """Counted exactly up to the sample the page ranks and counts facets in; past it, the
    planner's estimate, and the pages go as far as the exact count limit."""
    settings.ARCHIVE_RANKED_MATCHES = 3
    settings.ARCHIVE_EXACT_COUNT_LIMIT = 4
    page = client.get("/search/", {"q": "drills", "sort": "newest"})
    paginator = page.context["paginator"]
    assert paginator.estimated and paginator.count == 4
    assert page.context["result_count"] >= 4  # the estimate, never below what was sampled
    assert "About " in page.content.decode()
    settings.ARCHIVE_RANKED_MATCHES = 6
    page = client.get("/search/", {"q": "drills", "sort": "newest"})
    assert not page.context["paginator"].estimated
    assert page.context["result_count"] == 6
    assert "About " not in page.content.decode()


def test_facets_of_a_broad_search_count_among_the_newest(client, broad_archive, settings):
    oldest, _ = broad_archive
    oldest.outlet = outlet = make_outlet(name="Old Gazette")
    oldest.save()
    settings.ARCHIVE_RANKED_MATCHES = 5
    facets = {facet.name: facet for facet in client.get("/search/?q=drills").context["facets"]}
    assert facets["outlet"].sampled and facets["outlet"].values == []  # only the oldest has one
    assert sum(v.count for v in facets["language"].values) == 5
    settings.ARCHIVE_RANKED_MATCHES = 6
    facets = {facet.name: facet for facet in client.get("/search/?q=drills").context["facets"]}
    assert not facets["outlet"].sampled
    assert [(v.label, v.count) for v in facets["outlet"].values] == [(outlet.name, 1)]
    assert sum(v.count for v in facets["language"].values) == 6


def test_a_selected_facets_other_values_are_counted_in_a_smaller_sample(
    client, broad_archive, settings
):
    """They come from a second search without that filter, which reads a quarter as many
    matches (filters.OTHER_VALUES_SAMPLE); the facet says how many it counted."""
    oldest, newer = broad_archive
    gazette, wire = make_outlet(name="Old Gazette"), make_outlet(name="Wire")
    Article.objects.filter(pk__in=[oldest.pk] + [a.pk for a in newer[:3]]).update(outlet=gazette)
    Article.objects.filter(pk__in=[a.pk for a in newer[3:]]).update(outlet=wire)

    def facets(url):
        page = client.get(url)
        return page.context["articles"], {f.name: f for f in page.context["facets"]}

    settings.ARCHIVE_RANKED_MATCHES = 8
    articles, counted = facets(f"/search/?q=drills&outlet={gazette.slug}")
    assert len(articles) == 4  # the results and the other facets: every match, all 4
    assert not counted["language"].sampled and counted["language"].values[0].count == 4
    assert counted["outlet"].sampled == 2  # the 2 newest of all 6, both Wire's
    assert [(v.label, v.count) for v in counted["outlet"].values] == [("Wire", 2)]
    settings.ARCHIVE_RANKED_MATCHES = 24
    _, counted = facets(f"/search/?q=drills&outlet={gazette.slug}")
    assert not counted["outlet"].sampled
    outlets = [(v.label, v.count, v.selected) for v in counted["outlet"].values]
    assert outlets == [("Old Gazette", 4, True), ("Wire", 2, False)]


@pytest.mark.parametrize("sample_size", [3, 40, 1000])
def test_newest_first_pages_are_the_same_from_the_sample_or_beyond_it(
    client, db, settings, sample_size
):
    """Pages within the sample are read from its ids; past it, by the search itself, and
    counted: the planner's estimate of an un-ANALYZEd table is far below the 45 matches."""
    settings.ARCHIVE_RANKED_MATCHES = sample_size
    articles = [
        make_article(
            title=f"Drills {n}",
            body="The navy held drills.",
            published_date=datetime.date(2021, 1 + n % 12, 1 + n % 5) if n % 7 else None,
        )
        for n in range(45)
    ]
    make_article(
        title="Talks", body="Nothing about the sea.", published_date=datetime.date(2022, 1, 1)
    )
    newest = sorted(
        articles, key=lambda a: (a.published_date is not None, a.published_date, a.pk), reverse=True
    )
    for page in (1, 2, 3):
        shown = client.get("/search/", {"q": "drills", "sort": "newest", "page": page})
        assert shown.context["articles"] == newest[(page - 1) * 20 : page * 20]


def test_a_page_past_the_sample_counts_only_a_few_pages_beyond_itself(
    client, db, settings, monkeypatch
):
    settings.ARCHIVE_RANKED_MATCHES = 3
    monkeypatch.setattr("archive.views.search.PAGES_AHEAD", 1)
    for n in range(45):
        make_article(
            title=f"Drills {n}",
            body="The navy held drills.",
            published_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
        )

    def paged(page):
        shown = client.get("/search/", {"q": "drills", "sort": "newest", "page": page})
        assert shown.status_code == 200
        return shown.context["paginator"], shown.context

    paginator, context = paged(1)  # counted to the end of page 2
    assert (paginator.count, paginator.estimated, paginator.num_pages) == (40, True, 2)
    assert context["count_estimated"] and context["result_count"] >= 40
    paginator, context = paged(3)  # a page further on counts further
    assert (paginator.count, paginator.estimated) == (45, False)
    assert (context["result_count"], context["count_estimated"]) == (45, False)
    assert [a.title for a in context["articles"]] == [f"Drills {n}" for n in range(4, -1, -1)]


def test_a_page_of_rows_by_ids_reads_only_its_own_rows_in_the_ids_order(db):
    articles = [make_article(title=f"Report {n}") for n in range(6)]
    ids = [articles[n].pk for n in (4, 0, 5, 2, 1, 3)]
    rows = RowsByIds(Article.objects.all(), ids)
    assert len(rows) == 6
    with CaptureQueriesContext(connection) as captured:
        page = rows[2:5]
    assert [row.pk for row in page] == ids[2:5]
    assert len(captured) == 1
    read = {int(n) for n in re.findall(r"\b\d+\b", captured[0]["sql"])}
    assert set(ids[2:5]) <= read
    assert not read & set(ids[:2] + ids[5:])


def dated_articles(title, together, apart, year):
    """30 articles dated one a day, a third with the body `together` and the others
    `apart`; newest first, as a list of (article, has the body `together`)."""
    rows = []
    for n in range(30):
        hit = n % 3 == 0
        article = make_article(
            title=f"{title} {n}",
            body=together if hit else apart,
            published_date=datetime.date(year, 1, 1 + n),
        )
        rows.append((article, hit))
    return rows[::-1]


@pytest.fixture
def near_archive(db):
    """30 dated articles holding both "naval" and "drills", a third with them side by side;
    newest first, as a list of (article, is a NEAR/1 match)."""
    return dated_articles(
        "Report", "Naval drills began.", "Naval officers watched; the drills began.", 2020
    )


POSITIONAL = ["naval NEAR/1 drills", '"naval drills"']
# The ids of a batch of candidates whose search vectors a query reads.
CANDIDATE_IDS = re.compile(r"\"id\" = ANY\('\{([0-9,]+)\}'.*search_vector", re.S)


@pytest.mark.parametrize("query", POSITIONAL)
@pytest.mark.parametrize("candidates", [4, 12, 29, 30, 1000])
def test_a_positional_sample_is_the_newest_matches_among_the_candidates_read(
    client, near_archive, monkeypatch, candidates, query
):
    """A phrase or NEAR is checked in the newest `candidates` articles holding its words:
    the sample is exactly the matches among them (so the newest matches), complete only
    when every candidate was read, and the page says how far it looked."""
    monkeypatch.setattr(filters, "POSITION_CANDIDATES", candidates)
    page = client.get("/search/", {"q": query})
    sample = page.context["filter"].sample()
    read = near_archive[:candidates]
    assert sample.ids == [article.pk for article, near in read if near]
    assert sample.complete == (candidates >= 30)
    note = (
        f"Word order and distance (phrases, NEAR) were checked in the {candidates} newest "
        "articles that hold all the words"
    )
    assert (note in page.content.decode()) == (candidates < 30)
    newest = client.get("/search/", {"q": query, "sort": "newest"})
    assert newest.context["articles"] == [article for article, near in near_archive if near]


def positional_sample(settings, query, size):
    """(the sample of `query` of `size` articles, [the ids of each batch of candidates
    read again by id to check their positions])."""
    settings.ARCHIVE_RANKED_MATCHES = size
    filterset = ArticleSearchFilter(QueryDict(urlencode({"q": query})), queryset=Article.objects)
    with CaptureQueriesContext(connection) as captured:
        sample = filterset.sample()
    batches = [CANDIDATE_IDS.search(statement["sql"]) for statement in captured]
    return sample, [batch.group(1).split(",") for batch in batches if batch]


@pytest.mark.parametrize("query", POSITIONAL)
@pytest.mark.parametrize("size", [1, 2, 5, 9, 10])
def test_a_positional_sample_checks_positions_in_the_rows_it_reads(
    near_archive, settings, monkeypatch, query, size
):
    """Each candidate's word positions are checked by the statement that reads it, from
    the vector in the row: no candidate is read again by id, and the sample is still
    exactly the newest matches, complete only when it holds every match."""
    monkeypatch.setattr(filters, "POSITION_CANDIDATES", 30)
    sample, batches = positional_sample(settings, query, size)
    assert sample.ids == [article.pk for article, near in near_archive if near][:size]
    assert sample.complete == (size >= 10)
    assert sample.position_candidates is None
    assert batches == []


@pytest.fixture
def named_archive(db):
    """30 dated articles holding "Sergei" and "Shoigu", a third as his name; newest first,
    as a list of (article, names him)."""
    make_person(name="Sergei Shoigu")
    return dated_articles("Visit", "Sergei Shoigu arrived.", "Shoigu met Sergei Lavrov.", 2021)


@pytest.mark.parametrize("unwindowed", [0, filters.UNWINDOWED])
@pytest.mark.parametrize("size", [1, 2, 5, 9, 10])
def test_a_positional_search_naming_someone_checks_positions_in_the_rows_it_reads(
    named_archive, settings, monkeypatch, size, unwindowed
):
    """A phrase naming a person, read in one query or over windows (the articles
    mentioning the person, then the others, each window apart), has its candidates'
    positions checked as they are read, as any phrase: none is read again by id, and the
    sample is exactly the newest matches."""
    monkeypatch.setattr(filters, "POSITION_CANDIDATES", 30)
    monkeypatch.setattr(filters, "UNWINDOWED", unwindowed)
    sample, batches = positional_sample(settings, '"Sergei Shoigu"', size)
    assert sample.ids == [article.pk for article, named in named_archive if named][:size]
    assert sample.complete == (size >= 10)
    assert sample.position_candidates is None
    assert batches == []


def test_without_positions_turns_phrases_and_near_into_their_words_anywhere():
    search = ArticleSearch.parse('"joint exercises" NEAR/2 chin* OR Belousov -"naval base"')
    relaxed = search.without_positions()
    assert str(relaxed) == "joint exercises chin* OR Belousov"
    assert (
        str(ArticleSearch.parse('"joint drills" navy').without_positions()) == "joint drills navy"
    )
    for needs_no_positions in ["Belousov Dong", '"Belousov" Dong', "cooperat* OR -navy drills"]:
        assert ArticleSearch.parse(needs_no_positions).without_positions() is None
