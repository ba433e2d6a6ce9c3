"""generate_corpus: a synthetic archive that every page and the search can use, made the
same way from the same seed, and never mixed into a real archive unless asked."""

import hashlib
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils.html import escape

from archive.models import (
    Article,
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Outlet,
    Participation,
    Person,
    Quote,
)
from archive.synthetic import database
from archive.synthetic.corpus import generate
from tests import factories as f

pytestmark = pytest.mark.django_db

ARTICLES = 300


def generate_corpus(*args):
    call_command("generate_corpus", "--workers", "1", "--progress-every", "0", *args)


@pytest.fixture
def corpus():
    generate_corpus("--articles", str(ARTICLES), "--seed", "3")


def snapshot():
    """What the archive says, without ids or timestamps."""
    articles = {}
    for article in Article.objects.select_related("outlet").order_by("source_path"):
        articles[article.source_path] = (
            article.title,
            hashlib.sha256(article.body.encode()).hexdigest(),
            article.lead,
            article.published_date,
            article.date_precision,
            article.outlet.slug,
            article.language,
            article.review_status,
            article.url,
        )
    mentions = sorted(
        (m.article.source_path, m.start, m.end, m.text, m.person_id and m.person.slug)
        for m in Mention.objects.select_related("article", "person")
    )
    meetings = sorted(
        (
            m.date,
            m.summary,
            m.status,
            tuple(sorted(p.person.slug for p in m.participations.all())),
            tuple(sorted(r.article.source_path for r in m.reports.all())),
        )
        for m in Meeting.objects.prefetch_related("participations__person", "reports__article")
    )
    return articles, mentions, meetings


def forget_articles():
    Meeting.objects.all().delete()
    Article.objects.all().delete()


def test_generates_a_whole_archive(corpus):
    articles = Article.objects.all()
    assert articles.count() == ARTICLES
    assert all(re.fullmatch(r"synthetic:3:\d+", a.source_path) for a in articles)
    languages = Counter(articles.values_list("language", flat=True))
    assert set(languages) == {"en", "ru"} and 10 <= languages["ru"] <= 60
    years = {a.published_date.year for a in articles if a.published_date}
    assert min(years) <= 2006 and max(years) >= 2023 and max(years) <= 2025
    precisions = Counter(articles.values_list("date_precision", flat=True))
    assert precisions["day"] > 250 and precisions["unknown"] > 0
    words = [len(a.body.split()) for a in articles]
    assert 250 <= sum(words) / len(words) <= 700
    assert Person.objects.count() > 600 and Outlet.objects.count() > 290
    assert Person.objects.filter(slug="sergei-shoigu").exists()  # the real gazetteer
    assert Meeting.objects.count() >= 20
    assert Participation.objects.count() >= 2 * Meeting.objects.count()
    assert MeetingReport.objects.count() >= 60
    assert Mention.objects.count() >= 3 * ARTICLES
    assert Quote.objects.exists() and ArticleSource.objects.exists()
    for mention in Mention.objects.select_related("article")[:200]:
        assert mention.article.body[mention.start : mention.end] == mention.text
    # What the person and organization filters read, as extraction writes it.
    shown = Mention.objects.exclude(review_status="rejected")
    for article in articles.prefetch_related(None)[:200]:
        mentions = shown.filter(article=article)
        people = set(mentions.exclude(person=None).values_list("person_id", flat=True))
        organizations = mentions.exclude(organization=None).values_list("organization_id")
        assert article.person_ids == sorted(people)
        assert article.organization_ids == sorted({o for (o,) in organizations})


def test_filling_up_is_idempotent_and_append_adds(corpus):
    generate_corpus("--articles", str(ARTICLES), "--seed", "3")
    assert Article.objects.count() == ARTICLES
    generate_corpus("--articles", "50", "--seed", "3", "--append")
    assert Article.objects.count() == ARTICLES + 50
    numbers = sorted(
        int(p.split(":")[2]) for p in Article.objects.values_list("source_path", flat=True)
    )
    assert numbers == list(range(ARTICLES + 50))


def test_a_dry_run_writes_nothing(capsys):
    generate_corpus("--articles", "2500", "--dry-run")
    assert "Would write 2,500 synthetic articles in 3 batches" in capsys.readouterr().out
    assert not Article.objects.exists() and not Person.objects.exists()


def test_refuses_an_archive_with_real_articles():
    real = f.make_article(title="A real report", body="Filed by a real correspondent.")
    with pytest.raises(CommandError, match="1 articles that generate_corpus did not make"):
        generate_corpus("--articles", "20")
    assert list(Article.objects.all()) == [real]

    generate_corpus("--articles", "20", "--allow-real-data")
    assert Article.objects.count() == 21
    real.refresh_from_db()
    assert (real.title, real.body) == ("A real report", "Filed by a real correspondent.")


def test_the_same_seed_makes_the_same_archive(corpus):
    first = snapshot()
    forget_articles()
    generate_corpus("--articles", str(ARTICLES), "--seed", "3")
    assert snapshot() == first
    forget_articles()
    generate_corpus("--articles", str(ARTICLES), "--seed", "4")
    assert snapshot()[0] != first[0]


def test_a_run_in_parts_makes_the_same_archive_as_one_run(corpus):
    whole = snapshot()
    forget_articles()
    generate_corpus("--articles", "120", "--seed", "3")
    generate_corpus("--articles", str(ARTICLES), "--seed", "3")
    assert snapshot() == whole


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_make_the_same_archive():
    generate(1100, seed=5, workers=1)
    one = snapshot()
    forget_articles()
    generate(1100, seed=5, workers=2)
    assert snapshot() == one


def test_a_bulk_load_rebuilds_the_search_index():
    generate(200, seed=2, rebuild_search_index=True)
    assert database.search_indexes_present()
    database.drop_search_indexes()
    generate(250, seed=2, rebuild_search_index=False)  # repairs a missing index
    assert database.search_indexes_present()
    assert Article.objects.count() == 250


def _titles(response):
    return re.findall(
        r'<article class="card">\s*<h3><a href="[^"]+">(.*?)</a></h3>',
        response.content.decode(),
        re.S,
    )


def test_every_page_renders_for_generated_data(client, corpus):
    shown = Article.objects.exclude(review_status="rejected")
    samples = [
        shown.filter(language="ru").first(),
        shown.filter(meeting_reports__isnull=False).first(),
        shown.filter(published_date__isnull=True).first(),
        shown.filter(sources__isnull=False).first(),
        shown.filter(quotes__isnull=False).first(),
    ]
    for article in samples:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert escape(article.title) in response.content.decode()
    dated = shown.filter(published_date__isnull=False, date_precision="day").first()
    day = dated.published_date
    mentioned = Person.objects.annotate(n=Count("mentions")).filter(n__gt=0).order_by("-n").first()
    busiest = Outlet.objects.annotate(n=Count("articles")).order_by("-n").first()
    meeting = Meeting.objects.exclude(review_status="rejected").first()
    for url in [
        "/",
        "/search/",
        "/search/?q=cooperation",
        f"/search/?q=cooperation&sort=newest&outlet={busiest.slug}",
        f"/search/?person={mentioned.slug}&date_from=2001-01-01&date_to=2025-12-31",
        "/archive/",
        f"/archive/{day.year}/",
        f"/archive/{day:%Y/%m}/",
        f"/archive/{day:%Y/%m/%d}/",
        "/archive/undated/",
        "/people/",
        mentioned.get_absolute_url(),
        "/outlets/",
        busiest.get_absolute_url(),
        "/meetings/",
        "/meetings/timeline/",
        meeting.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url
    assert escape(dated.title) in client.get(f"/archive/{day:%Y/%m/%d}/").content.decode()
    assert escape(mentioned.name) in client.get(mentioned.get_absolute_url()).content.decode()


def _rare_word(article):
    """A word of the article's body that no other article contains."""
    bodies = list(Article.objects.exclude(pk=article.pk).values_list("body", flat=True))
    others = set(" ".join(bodies).split())
    words = re.findall(r"[^\W\d_]{7,}", article.body)
    return next(w for w in words if w.islower() and w not in others)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_search_finds_generated_articles_in_either_language(client, corpus, language):
    article = Article.objects.exclude(review_status="rejected").filter(language=language).last()
    word = _rare_word(article)
    assert list(Article.objects.search(word)) == [article]
    response = client.get("/search/", {"q": word})
    assert _titles(response) == [escape(article.title)]


def test_a_frequent_word_matches_many_generated_articles(corpus):
    english = Article.objects.filter(language="en").count()
    matching = Article.objects.matching("cooperation").filter(language="en").count()
    assert matching > english * 0.3
