"""FilterSets on their own: facets, combined filters, form messages."""

import datetime
import re

import pytest
from django.db import connection, router
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from archive import curation, filters
from archive.filters import ArticleSearchFilter, MeetingFilter, PersonFilter, QuickSelect
from archive.models import Article, Meeting, Person
from tests import factories as f
from tests.plans import explain

pytestmark = pytest.mark.django_db


def search(query):
    return ArticleSearchFilter(QueryDict(query), queryset=Article.objects.listing())


def test_unbound_search_lists_newest_first_with_undated_last(archive_world):
    w = archive_world
    articles = list(ArticleSearchFilter(None, queryset=Article.objects.all()).qs)
    assert articles[0] == w.reply and articles[-1] == w.undated


def test_facets_leave_out_their_own_filter_but_keep_the_others(archive_world):
    facets = {facet.name: facet for facet in search("q=Belousov&outlet=tass&language=en").facets()}
    assert {v.label: v.count for v in facets["outlet"].values} == {"TASS": 1, "Xinhua": 1}
    assert {v.label: v.count for v in facets["language"].values} == {"English": 1}
    assert {v.label: v.count for v in facets["person"].values} == {
        "Andrei Belousov": 1,
        "Dong Jun": 1,
    }


def test_person_country_facet_counts_articles_not_mentions(archive_world):
    article = f.make_article(title="Gerasimov and Shoigu", body="Gerasimov and Shoigu.")
    f.make_mention(article, archive_world.gerasimov, "Gerasimov")
    f.make_mention(article, archive_world.shoigu, "Shoigu")
    facets = {facet.name: facet for facet in search("q=Gerasimov").facets()}
    assert {v.value: v.count for v in facets["person_country"].values} == {"RU": 1}


def test_facets_count_each_article_once_and_leave_rejected_records_out():
    tass = f.make_outlet(name="TASS", slug="tass", country="RU")
    unplaced = f.make_outlet(name="Somewhere", slug="somewhere", country="")
    gerasimov = f.make_person(name="Valery Gerasimov", country="RU")
    shoigu = f.make_person(name="Sergei Shoigu", country="RU")
    dong = f.make_person(name="Dong Jun", country="CN")
    ministry = f.make_organization(name="Ministry of National Defense", slug="china-mnd")
    body = "Gerasimov met Dong Jun of the Ministry of National Defense. Shoigu was there."
    first = f.make_article(title="Drills one", body=body, outlet=tass)
    second = f.make_article(title="Drills two", body=body, outlet=unplaced, language="ru")
    for article in (first, second):
        for person in (gerasimov, shoigu, dong):
            f.make_mention(article, person, person.name.split()[-1])
    f.make_mention(first, gerasimov, "Gerasimov", start=0, end=9)  # named twice, counted once
    f.make_mention(first, ministry)
    f.make_meeting([gerasimov, dong], [first, second], kind=Meeting.Kind.TALKS)
    f.make_meeting([gerasimov, dong], [first], kind=Meeting.Kind.TALKS)
    rejected = f.make_meeting([gerasimov], [second], kind=Meeting.Kind.VISIT)
    curation.reject(Meeting.objects.filter(pk=rejected.pk))
    curation.reject(Person.objects.filter(pk=shoigu.pk))

    counts = filters.facet_counts([first.pk, second.pk])

    assert counts["outlet"] == [("somewhere", "Somewhere", 1), ("tass", "TASS", 1)]
    assert counts["outlet_country"] == [("RU", "RU", 1)]
    assert counts["language"] == [("en", "English", 1), ("ru", "Russian", 1)]
    assert counts["person"] == [
        (dong.slug, "Dong Jun", 2),
        (gerasimov.slug, "Valery Gerasimov", 2),
    ]
    assert counts["person_country"] == [("CN", "CN", 2), ("RU", "RU", 2)]
    assert counts["organization"] == [("china-mnd", "Ministry of National Defense", 1)]
    assert counts["meeting_kind"] == [("talks", "talks", 2)]
    only_outlets = filters.facet_counts([first.pk, second.pk], only="outlet")
    assert only_outlets["language"] and not only_outlets["person"]
    assert not only_outlets["meeting_kind"]
    only_kinds = filters.facet_counts([first.pk], only="meeting_kind")
    assert only_kinds["meeting_kind"] == [("talks", "talks", 1)] and not only_kinds["outlet"]


@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction
def test_facet_counts_read_the_sampled_articles_from_an_index_alone():
    """The sample's outlets, languages, people and organizations come from the index that
    includes them (article_facets), not from a page of the table for each article."""
    person = f.make_person(name="Valery Gerasimov")
    # Each row fills most of a page, as a real article's does (its search vector is kept
    # in the row: migration 0015).
    words = " ".join(f"word{n}" for n in range(400))
    articles = [f.make_article(title=f"Drills {n}", body=f"{words} {n}.") for n in range(30)]
    for article in articles:
        f.make_mention(article, person)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) archive_article")  # pages all visible, as in use
        # Earlier tests' rows (rolled back) left both indexes sized for tens of thousands.
        cursor.execute("REINDEX INDEX article_facets")
        cursor.execute("REINDEX INDEX archive_article_pkey")
    sql, params = filters._facet_count_sql([a.pk for a in articles[::3]], None)
    plan = explain(sql, params, kinds=("seqscan", "bitmapscan"), analyze=True)
    assert "Index Only Scan using article_facets on archive_article" in plan, plan
    assert "Heap Fetches: 0" in plan, plan


def test_facet_counts_read_where_the_router_sends_reads(monkeypatch, archive_world):
    """The counts are one raw statement: it must go to the database the router picks for
    reads (a replica, when there are any), as the ORM's queries do."""
    asked = []
    real = router.db_for_read

    def db_for_read(model, **hints):
        asked.append(model)
        return real(model, **hints)

    monkeypatch.setattr(router, "db_for_read", db_for_read)
    counts = filters.facet_counts([archive_world.visit.pk])
    assert counts["outlet"] and Article in asked


def test_an_invalid_query_matches_nothing_instead_of_everything(archive_world):
    filterset = search("q=-navy&outlet=tass")
    assert "q" in filterset.form.errors
    assert list(filterset.qs) == []


def test_the_search_expands_only_exact_names(archive_world):
    assert search("q=Shoygu").people == [archive_world.shoigu]
    assert search("q=Shoygu talks").people == []
    assert search('q="Sergei Shoigu"').people == [archive_world.shoigu]
    assert search('q="Sergei Shoigu" talks').people == []
    assert search("q=shoygu").search.names == ("Sergei Shoigu", "Shoygu", "Шойгу")


def test_person_tenure_uses_today(archive_world):
    f.make_position(
        archive_world.gerasimov,
        title="Chief of the General Staff",
        role="chief_of_general_staff",
        start_date=datetime.date(2012, 11, 9),
        end_date=datetime.date.today() - datetime.timedelta(days=1),
    )
    past = PersonFilter(QueryDict("tenure=past"), queryset=Person.objects.all()).qs
    assert list(past) == [archive_world.gerasimov]


def test_country_pair_needs_a_participant_from_each(archive_world):
    f.make_meeting(participants=[archive_world.shoigu, archive_world.gerasimov])
    pair = MeetingFilter(QueryDict("country=RU&with_country=CN"), queryset=Meeting.objects.all())
    assert set(pair.qs) == {archive_world.beijing_talks, archive_world.moscow_visit}


def test_quick_select_escapes_labels_and_marks_the_chosen_option():
    widget = QuickSelect(choices=[("", "---------"), ("a-b", 'A <script>"x"</script>'), ("c", "C")])
    html = widget.render("person", "a-b", attrs={"id": "id_person"})
    assert html.startswith('<select id="id_person" name="person">')
    assert (
        '<option value="a-b" selected>A &lt;script&gt;&quot;x&quot;&lt;/script&gt;</option>' in html
    )
    assert '<option value="c">C</option>' in html
    assert "<script>" not in html


def test_quick_select_marks_the_chosen_record_in_the_tags_it_keeps(db):
    f.make_outlet(name="Gazette <script>alert(1)</script>", slug="gazette")
    f.make_outlet(name="TASS", slug="tass")
    plain = str(search("q=drills").form["outlet"])  # kept whole, then marked
    chosen = str(search("q=drills&outlet=gazette").form["outlet"])
    assert " selected" not in plain
    label = "Gazette &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<option value="gazette">{label}</option>' in plain
    assert f'<option value="gazette" selected>{label}</option>' in chosen
    assert chosen.count(" selected") == 1 and "<script>" not in chosen
    assert chosen.replace(" selected", "") == plain


def test_search_form_marks_each_chosen_choice_in_the_kept_tags(db):
    f.make_article(language="ru", published_date=datetime.date(2024, 5, 1))
    plain = search("q=drills").form
    chosen = search("q=drills&sort=newest&language=ru&meeting_kind=visit").form
    for name, value in [("sort", "newest"), ("language", "ru"), ("meeting_kind", "visit")]:
        before, after = str(plain[name]), str(chosen[name])
        assert f'<option value="{value}" selected>' in after
        assert after.count(" selected") == 1 and " selected" not in before
        assert after.replace(" selected", "") == before


@pytest.fixture
def two_years_of_drills():
    """Articles in every month of 2022 and 2023, a third of them about drills, and two
    undated ones about drills."""
    for n in range(72):
        month = datetime.date(2022 + n // 36, 1 + (n // 3) % 12, 1 + n % 3)
        topic = "naval drills" if n % 3 == 0 else "a port visit"
        f.make_article(title=f"Report {n}", body=f"Report {n} on {topic}.", published_date=month)
    for n in range(2):
        f.make_article(title=f"Undated {n}", body="More naval drills.")
    with connection.cursor() as cursor:  # estimates for the windows, as in a live archive
        cursor.execute("ANALYZE archive_article")


def newest_matches(query, size):
    matching = Article.objects.matching(query).order_by("-published_date", "-id")
    dated = list(matching.filter(published_date__isnull=False).values_list("pk", flat=True))
    undated = list(matching.filter(published_date__isnull=True).values_list("pk", flat=True))
    return (dated + undated)[:size]


@pytest.fixture(params=["windows", "whole"])
def sampling(request, monkeypatch):
    """Both ways of gathering a sample: over windows of months, or in one query when the
    planner expects few matches (as it does for any search of a small test archive)."""
    if request.param == "windows":
        monkeypatch.setattr(filters, "UNWINDOWED", 0)
    return request.param


@pytest.mark.parametrize("size", [1, 3, 10, 23, 24, 25, 26, 100])
def test_the_sample_is_the_newest_matches_whatever_the_windows(
    two_years_of_drills, settings, sampling, size
):
    """Gathered over windows of months sized by estimates, the sample is exactly the newest
    matches (undated last), however many are wanted: fewer than a window holds, more than
    every dated match, more than all of them."""
    settings.ARCHIVE_RANKED_MATCHES = size
    sample = search("q=drills").sample()
    assert sample.ids == newest_matches("drills", size)
    assert sample.complete == (size >= 26)


@pytest.mark.parametrize(
    ("query", "estimates"),
    [("q=drills", 1), ("q=drills&sort=newest", 1), ("q=drills&date_from=2023-01-01", 2)],
)
def test_the_text_alone_is_estimated_only_when_a_filter_is_set(
    two_years_of_drills, query, estimates
):
    """Whether a search matches few is judged by the planner's estimate of it and, when a
    filter may hide how many its text alone matches, of that too: one EXPLAIN without a
    filter, where the two are the same query."""
    with CaptureQueriesContext(connection) as statements:
        sample = search(query).sample()
    explained = [s["sql"] for s in statements if s["sql"].startswith("EXPLAIN")]
    assert len(explained) == estimates
    assert sample.ids and sample.complete


def test_windows_are_read_a_year_at_a_time():
    """Each window lies within one calendar year, so that PostgreSQL can read that year's
    search index; an open window starts with whatever is dated after the newest year."""
    day = datetime.date
    assert list(filters._by_year(day(2023, 5, 1), day(2025, 3, 1), 2025, 10, [])) == [
        Q(published_date__gte=day(2025, 1, 1), published_date__lt=day(2025, 3, 1)),
        Q(published_date__gte=day(2024, 1, 1), published_date__lt=day(2025, 1, 1)),
        Q(published_date__gte=day(2023, 5, 1), published_date__lt=day(2024, 1, 1)),
    ]
    assert list(filters._by_year(day(2025, 11, 1), None, 2025, 10, [])) == [
        Q(published_date__gte=day(2026, 1, 1)),
        Q(published_date__gte=day(2025, 11, 1), published_date__lt=day(2026, 1, 1)),
    ]
    assert list(filters._by_year(day(2020, 1, 1), day(2025, 1, 1), 2025, 2, [1, 2])) == []


def test_a_name_searchs_windows_start_on_the_first_of_a_year(two_years_of_drills):
    """Windows for a name search reach back to the start of their oldest year, so that
    PostgreSQL finds a window's text matches through that year's search indexes; other
    searches' windows end on any month."""
    filterset = search("q=drills")
    assert filterset.form.is_valid()

    def starts(whole_years):
        windows = filterset._windows(estimate=24, wanted=2, found=[], whole_years=whole_years)
        return [
            dict(window.children)["published_date__gte"]
            for window in windows
            if "published_date__gte" in dict(window.children)
        ]

    assert any(start.month != 1 for start in starts(whole_years=False))
    whole = starts(whole_years=True)
    assert whole and all((start.month, start.day) == (1, 1) for start in whole), whole


def window_starts(query):
    """(sample, the first day of each window its statements read)."""
    with CaptureQueriesContext(connection) as captured:
        sample = search(query).sample()
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("EXPLAIN")]
    return sample, [
        start
        for sql in statements
        for start in re.findall(r'"published_date" >= \'(\d{4}-\d\d-\d\d)\'', sql)
    ]


@pytest.mark.parametrize("mentioned", ["person", "organization", "person_country"])
def test_a_search_filtered_by_mentions_reads_whole_years(
    two_years_of_drills, settings, monkeypatch, mentioned
):
    """Filtered by the people or organizations mentioned, a search's windows are whole
    years, which that year's search indexes answer (they hold person_ids and
    organization_ids); the sample is still the newest matches."""
    monkeypatch.setattr(filters, "UNWINDOWED", 0)
    settings.ARCHIVE_RANKED_MATCHES = 2
    person = f.make_person(name="Valery Gerasimov", country="RU")
    ministry = f.make_organization(name="Ministry of Defence", slug="mod")
    for article in Article.objects.filter(published_date__isnull=False):
        f.make_mention(article, person)
        f.make_mention(article, ministry)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_article")
    value = {"person": person.slug, "organization": "mod", "person_country": "RU"}[mentioned]
    sample, starts = window_starts(f"q=drills&{mentioned}={value}")
    assert sample.ids == newest_matches("drills", 2)
    assert starts and all(start.endswith("-01-01") for start in starts), starts


def test_the_sample_reaches_the_years_without_a_search_index_of_their_own(
    db, settings, monkeypatch
):
    monkeypatch.setattr(filters, "UNWINDOWED", 0)
    settings.ARCHIVE_RANKED_MATCHES = 10
    dates = [None, datetime.date(1994, 12, 31), datetime.date(1995, 1, 1)]
    dates += [datetime.date(2023, 5, 1), datetime.date(2041, 3, 1)]
    ids = {
        date: f.make_article(title=f"Drills {n}", body="Naval drills.", published_date=date).pk
        for n, date in enumerate(dates)
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_article")
    sample = search("q=drills").sample()
    assert sample.ids == [ids[date] for date in reversed(dates)]
    assert sample.complete


def test_a_name_search_filtered_by_that_person_reads_only_the_mentions(db, settings, monkeypatch):
    """With the person filter on a person the search names, every article the filter
    selects matches: over windows, the text is not searched again for other matches."""
    monkeypatch.setattr(filters, "UNWINDOWED", 0)
    settings.ARCHIVE_RANKED_MATCHES = 2
    belousov = f.make_person(name="Andrei Belousov")
    mentions = []
    for n in range(3):
        article = f.make_article(
            body=f"Andrei Belousov spoke ({n}).", published_date=datetime.date(2024, 1 + n, 1)
        )
        f.make_mention(article, belousov)
        mentions.append(article.pk)
    named = f.make_article(
        body="Andrei Belousov arrived.", published_date=datetime.date(2024, 6, 1)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_article")
    filterset = search(f"q=Andrei+Belousov&person={belousov.slug}")
    with CaptureQueriesContext(connection) as captured:
        sample = filterset.sample()
    assert sample.ids == [mentions[2], mentions[1]]
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("EXPLAIN")]
    assert statements and not any("@@" in sql for sql in statements), statements
    assert search("q=Andrei+Belousov").sample().ids == [named.pk, mentions[2]]  # without it


def test_the_sample_follows_the_filters_and_dates(two_years_of_drills, settings, sampling):
    settings.ARCHIVE_RANKED_MATCHES = 4
    sample = search("q=drills&date_to=2022-06-30").sample()
    expected = Article.objects.matching("drills").filter(published_date__lte="2022-06-30")
    assert sample.ids == list(
        expected.order_by("-published_date", "-id").values_list("pk", flat=True)[:4]
    )


@pytest.mark.parametrize("language", ["", "&language=en"])  # with a filter and without
def test_a_name_search_finds_the_mentions_and_the_text_however_it_is_read(
    db, settings, sampling, language
):
    """A search for a person's name matches the articles that mention them (person_ids)
    and those whose text holds the name, newest first, undated last: over windows the two
    are read apart (_newest_naming)."""
    settings.ARCHIVE_RANKED_MATCHES = 10
    belousov = f.make_person(name="Andrei Belousov")
    day = datetime.date
    mentioned = f.make_article(body="The minister spoke.", published_date=day(2024, 3, 1))
    f.make_mention(mentioned, belousov, text="minister")
    # Its names were written before a curator renamed the person, say: found by the id.
    Article.objects.filter(pk=mentioned.pk).update(names_text="")
    named = f.make_article(body="Andrei Belousov arrived.", published_date=day(2023, 1, 1))
    both = f.make_article(body="Andrei Belousov spoke.", published_date=day(2024, 3, 1))
    f.make_mention(both, belousov)
    undated = f.make_article(body="Andrei Belousov left.")
    for n in range(5):
        f.make_article(body=f"Naval drills {n}.", published_date=day(2024, 1 + n, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_article")
    sample = search(f"q=Andrei+Belousov{language}").sample()
    assert sample.ids == [both.pk, mentioned.pk, named.pk, undated.pk]
    assert sample.complete
