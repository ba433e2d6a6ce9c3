"""Extraction stored in PostgreSQL: mentions, new people, meetings linked across outlets,
names searchable in every spelling, curated records respected by re-extraction."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from archive.ingest.store import ArticleExtractor, Importer, load_gazetteer
from archive.models import Article, Meeting, Mention, Person, ReviewStatus
from tests.ingest.gazetteer_data import gazetteer

pytestmark = pytest.mark.django_db

TASS = """ date 2024-10-14 https://tass.com/defense/1856001
Belousov and Dong Jun hold talks in Beijing
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov held talks with Chinese Defense Minister Dong Jun in Beijing on Monday.
"Our relations are at their highest level," Belousov said.
Lieutenant General Ivan Kuznetsov, head of the international cooperation directorate, also took part.
"""
XINHUA = """ date 2024-10-15 https://english.news.cn/20241015/abc/c.html
Chinese, Russian defense ministers meet in Beijing
BEIJING, Oct. 14 (Xinhua) -- Chinese Defense Minister Dong Jun met with Russian Defense Minister Andrei Belousov in Beijing on Monday, the two sides pledging closer military ties.
"""
VIDEO = """ date 2026-01-27 https://tass.com/defense/2000001
Belousov and Dong Jun talk by video link
MOSCOW, January 27. /TASS/. Andrei Belousov and Dong Jun held talks via videoconference on Tuesday.
"""


@pytest.fixture(autouse=True)
def gazetteer_loaded():
    load_gazetteer(gazetteer())


def import_texts(tmp_path, **texts):
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text)
    importer = Importer(today=date(2026, 11, 21))
    return {r.source.rsplit("/", 1)[-1][:-4]: r for r in importer.import_paths([str(tmp_path)])}


def test_one_meeting_reported_by_two_outlets_and_another_meeting_kept_apart(tmp_path):
    results = import_texts(tmp_path, a_tass=TASS, b_xinhua=XINHUA, c_video=VIDEO)
    assert {r.status for r in results.values()} == {"imported"}
    october = Meeting.objects.get(date=date(2024, 10, 14))
    assert october.reports.count() == 2
    # TASS names a general who "also took part"; Xinhua names the ministers only.
    assert set(october.participants.values_list("slug", flat=True)) == {
        "andrei-belousov",
        "dong-jun",
        "ivan-kuznetsov",
    }
    assert (october.place, october.format, october.status) == ("Beijing", "in_person", "held")
    roles = dict(october.participations.values_list("person__slug", "role_title"))
    assert roles["andrei-belousov"] == "Minister of Defence"
    video = Meeting.objects.get(date=date(2026, 1, 27))
    assert video.format == "video" and video.pk != october.pk


def test_a_report_imported_later_joins_the_meeting_stored_before(tmp_path):
    """The second import finds the meeting in the database (MeetingIndex), not in its batch."""
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    import_texts(first, a_tass=TASS, c_video=VIDEO)
    import_texts(later, b_xinhua=XINHUA)

    october = Meeting.objects.get(date=date(2024, 10, 14))
    assert Meeting.objects.count() == 2
    assert sorted(october.reports.values_list("article__outlet__name", flat=True)) == [
        "TASS",
        "Xinhua",
    ]


def test_mentions_have_offsets_and_evidence_and_new_people_are_flagged(tmp_path):
    article = import_texts(tmp_path, a_tass=TASS)["a_tass"].article
    mentions = list(Mention.objects.filter(article=article).select_related("person"))
    for mention in mentions:
        assert article.body[mention.start : mention.end] == mention.text
        assert mention.text in mention.evidence
        assert mention.extractor.startswith("rules-v1")
    discovered = Person.objects.get(name="Ivan Kuznetsov")
    assert discovered.review_status == ReviewStatus.NEEDS_REVIEW
    assert discovered.positions.get().title.startswith("Lieutenant General")
    assert article.quotes.get().person.slug == "andrei-belousov"


def test_article_is_found_by_any_spelling_of_a_person_it_names(tmp_path):
    article = import_texts(tmp_path, a_tass=TASS)["a_tass"].article
    article.refresh_from_db()
    assert "Белоусов" in article.names_text
    assert list(Article.objects.search("Белоусов")) == [article]
    assert list(Article.objects.search("Andrey Belousov")) == [article]


def test_reextraction_keeps_what_curators_confirmed_and_rejected(tmp_path):
    article = import_texts(tmp_path, a_tass=TASS)["a_tass"].article
    meeting = Meeting.objects.get()
    meeting.place = "Beijing, Bayi Building"
    meeting.curated_fields = ["place"]
    meeting.review_status = ReviewStatus.CONFIRMED
    meeting.save()
    wrong = Mention.objects.filter(article=article, person__slug="dong-jun").first()
    wrong.review_status = ReviewStatus.REJECTED
    wrong.save()
    ArticleExtractor().apply(article)
    meeting.refresh_from_db()
    assert meeting.place == "Beijing, Bayi Building"
    assert meeting.reports.filter(article=article).exists()
    assert Meeting.objects.count() == 1
    again = Mention.objects.filter(article=article, start=wrong.start, end=wrong.end)
    assert list(again.values_list("review_status", flat=True)) == [ReviewStatus.REJECTED]


def test_planned_meeting_becomes_held_when_a_report_says_it_took_place(tmp_path):
    planned = (
        " date 2024-10-10 https://tass.com/defense/1855000\n"
        "Belousov to visit China\n"
        "MOSCOW, October 10. /TASS/. Andrei Belousov will hold talks with Dong Jun in Beijing next week.\n"
    )
    import_texts(tmp_path, a_planned=planned)
    assert Meeting.objects.get().status == "planned"
    import_texts(tmp_path, b_tass=TASS)
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.date) == ("held", date(2024, 10, 14))
    assert meeting.reports.count() == 2


def test_reextract_command_and_its_filters(tmp_path):
    import_texts(tmp_path, a_tass=TASS, c_video=VIDEO)
    Meeting.objects.all().delete()
    out = io.StringIO()
    call_command("reextract", "--since", "2025-01-01", "--no-progress", stdout=out)
    assert "Re-extracted 1 articles" in out.getvalue()
    assert list(Meeting.objects.values_list("format", flat=True)) == ["video"]


def test_reextract_reads_every_article_once_in_batches():
    from archive.management.commands.reextract import _in_batches
    from tests import factories as f

    made = [f.make_article(title=f"Article {n}").pk for n in range(5)]
    for size in (1, 2, 5, 6):
        assert [a.pk for a in _in_batches(Article.objects.order_by("pk"), size=size)] == made
    assert list(_in_batches(Article.objects.filter(pk__lt=made[0]).order_by("pk"))) == []


def test_evaluate_extraction_scores_a_gold_file_without_touching_the_archive(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tass.txt").write_text(TASS)
    (docs / "xinhua.txt").write_text(XINHUA)
    meeting = {
        "participants": ["Andrei Belousov", "Dong Jun"],
        "date": "2024-10-14",
        "place": "Beijing",
        "format": "in_person",
        "status": "held",
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {
                    "source": "tass.txt",
                    "outlet": "TASS",
                    "published": "2024-10-14",
                    "people": ["Andrei Belousov", "Dong Jun"],
                    "meetings": [meeting],
                    "extra": 1,
                },
                {
                    "source": "xinhua.txt",
                    "outlet": "Xinhua",
                    "published": "2024-10-14",
                    "people": ["Dong Jun", "Andrei Belousov"],
                    "meetings": [meeting],
                },
            ]
        )
    )
    predictions = tmp_path / "predictions.jsonl"
    gazetteer_file = tmp_path / "gazetteer.json"
    from tests.ingest.gazetteer_data import DATA

    gazetteer_file.write_text(json.dumps(DATA))
    out = io.StringIO()
    call_command(
        "evaluate_extraction",
        str(gold),
        str(docs),
        "--predictions",
        str(predictions),
        "--gazetteer",
        str(gazetteer_file),
        stdout=out,
    )
    table = out.getvalue()
    assert "wrong dates: 1 of 2 documents" in table  # Xinhua's header says the 15th
    rows = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [r["outlet"] for r in rows] == ["TASS", "Xinhua"]
    ids = [r["meetings"][0]["meeting_id"] for r in rows]
    assert ids[0] == ids[1]
    assert Article.objects.count() == 0 and Meeting.objects.count() == 0


def test_the_people_an_article_is_filtered_by_follow_its_shown_mentions(tmp_path):
    from archive import curation

    article = import_texts(tmp_path, a_tass=TASS)["a_tass"].article
    article.refresh_from_db()
    mentioned = set(
        article.mentions.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    assert len(mentioned) == 3  # Belousov, Dong Jun and the general found by his rank
    assert article.person_ids == sorted(mentioned)

    # A curator rejects every mention of Dong Jun: the article no longer has him ...
    dong = Person.objects.get(slug="dong-jun")
    curation.reject(article.mentions.filter(person=dong))
    article.refresh_from_db()
    assert dong.pk not in article.person_ids
    # ... and re-extraction, which keeps the rejection, does not bring him back.
    ArticleExtractor().apply(article)
    article.refresh_from_db()
    assert dong.pk not in article.person_ids
    assert article.person_ids == sorted(mentioned - {dong.pk})

    # Merging the general into another person moves the article to the survivor.
    general = Person.objects.get(name="Ivan Kuznetsov")
    survivor = Person.objects.create(name="Ivan V. Kuznetsov", slug="ivan-v-kuznetsov")
    curation.merge(survivor, [general])
    article.refresh_from_db()
    assert survivor.pk in article.person_ids and general.pk not in article.person_ids
