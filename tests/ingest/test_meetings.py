"""Meetings and quotes in one article, and the linking of reports across articles."""

from datetime import date
from pathlib import Path

import pytest

from archive.ingest.extract import date_from_tenures, extract
from archive.ingest.meetings import (
    JOINED,
    JOINED_PATTERN,
    TRIGGER,
    TRIGGER_PATTERN,
    link_meetings,
    split_sentences,
)
from archive.ingest.people import PeopleMatcher
from tests.ingest.gazetteer_data import gazetteer


@pytest.fixture(scope="module")
def matcher():
    return PeopleMatcher(gazetteer())


def meetings(matcher, text, published, place=""):
    return extract(text, matcher, published, place).meetings


def test_held_talks_with_date_place_format(matcher):
    [meeting] = meetings(
        matcher,
        "BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov held talks "
        "with Chinese Defense Minister Dong Jun in Beijing on Monday.",
        date(2024, 10, 14),
        "Beijing",
    )
    assert set(meeting.participants) == {"andrei-belousov", "dong-jun"}
    assert (meeting.status, meeting.date, meeting.place, meeting.format, meeting.kind) == (
        "held",
        date(2024, 10, 14),
        "Beijing",
        "in_person",
        "talks",
    )
    assert "held talks" in meeting.evidence


def test_video_call_on_a_weekday_has_no_place(matcher):
    [meeting] = meetings(
        matcher,
        "Andrei Belousov and Dong Jun held talks via videoconference on Tuesday.",
        date(2026, 1, 28),
        "Beijing",
    )
    assert (meeting.format, meeting.date, meeting.place, meeting.kind) == (
        "video",
        date(2026, 1, 27),
        "",
        "call",
    )


def test_planned_meeting_is_planned_and_general_future_talk_is_not(matcher):
    [planned] = meetings(
        matcher,
        "Andrei Belousov will hold talks with Dong Jun in Beijing next week.",
        date(2024, 10, 8),
    )
    assert planned.status == "planned"
    assert planned.date_precision == "week"
    [held] = meetings(
        matcher,
        "Andrei Belousov met Dong Jun on Monday and said cooperation will keep growing.",
        date(2024, 10, 15),
    )
    assert held.status == "held"
    assert held.date == date(2024, 10, 14)


def test_background_meeting_has_its_own_date(matcher):
    found = meetings(
        matcher,
        "Andrei Belousov and Dong Jun held talks by video link on Tuesday. "
        "The two ministers last met in Beijing on October 14, 2024.",
        date(2026, 1, 27),
    )
    assert [(m.date, m.format, m.place) for m in found] == [
        (date(2026, 1, 27), "video", ""),
        (date(2024, 10, 14), "in_person", "Beijing"),
    ]


def test_phone_call_and_single_person_sentences(matcher):
    [call] = meetings(
        matcher, "Sergei Shoigu spoke by phone with Wei Fenghe on Friday.", date(2021, 5, 24)
    )
    assert (call.format, call.date) == ("phone", date(2021, 5, 21))
    assert meetings(matcher, "Sergei Shoigu met reporters on Friday.", date(2021, 5, 24)) == []


def test_quotes_are_attributed_to_their_speakers(matcher):
    result = extract(
        'Andrei Belousov met Dong Jun. "Our cooperation is at a very high level," Belousov told '
        "Dong Jun. Dong Jun said that the two armies would hold more joint patrols.",
        matcher,
        date(2024, 10, 14),
    )
    assert [(q.speaker, q.text) for q in result.quotes] == [
        ("andrei-belousov", "Our cooperation is at a very high level"),
        ("dong-jun", "the two armies would hold more joint patrols"),
    ]
    assert result.quotes[0].role_title == "Minister of Defence"


def test_reports_of_one_meeting_link_and_different_meetings_stay_apart(matcher):
    october_tass = meetings(
        matcher,
        "Andrei Belousov held talks with Dong Jun in Beijing on Monday.",
        date(2024, 10, 14),
    )[0]
    october_xinhua = meetings(
        matcher,
        "Dong Jun held talks with Andrei Belousov in Beijing on Monday.",
        date(2024, 10, 15),
    )[0]
    january_video = meetings(
        matcher, "Andrei Belousov and Dong Jun talked by video link on Tuesday.", date(2026, 1, 27)
    )[0]
    planned = meetings(
        matcher, "Andrei Belousov will hold talks with Dong Jun next week.", date(2024, 10, 8)
    )[0]
    groups = link_meetings(
        [
            ("tass", october_tass),
            ("xinhua", october_xinhua),
            ("video", january_video),
            ("planned", planned),
        ]
    )
    assert sorted(sorted(g) for g in groups) == [["planned", "tass", "xinhua"], ["video"]]


def test_year_from_the_tenures_of_named_officials(matcher):
    text = "Chinese Defense Minister Li Shangfu held talks with Russian Defense Minister Sergei Shoigu on Tuesday."
    finding = date_from_tenures("April 18", text, matcher, date(2026, 11, 21))
    assert (finding.value, finding.confidence) == (date(2023, 4, 18), "inferred")
    # Shoigu alone spans 2012-2024: several years fit, so no year.
    assert (
        date_from_tenures(
            "April 18", "Defense Minister Sergei Shoigu spoke.", matcher, date(2026, 11, 21)
        )
        is None
    )


def by_people(found):
    return {frozenset(m.participants): m for m in found}


def test_a_person_who_also_took_part_joins_the_meeting_reported_before(matcher):
    [meeting] = meetings(
        matcher,
        "Andrei Belousov held talks with Dong Jun in Beijing on Monday. "
        "Chief of the General Staff Valery Gerasimov also took part.",
        date(2024, 10, 14),
    )
    assert set(meeting.participants) == {"andrei-belousov", "dong-jun", "valery-gerasimov"}


def test_talks_on_the_sidelines_of_a_gathering_are_bilateral(matcher):
    found = by_people(
        meetings(
            matcher,
            "Sergei Shoigu held talks with Dong Jun in Astana on Friday on the sidelines of "
            "the SCO defense ministers' meeting.",
            date(2024, 4, 26),
        )
    )
    talks = found[frozenset({"sergei-shoigu", "dong-jun"})]
    assert (talks.kind, talks.place, talks.date) == ("talks", "Astana", date(2024, 4, 26))
    assert talks.beside_gathering
    assert len(found) == 1  # nobody said they attended the gathering itself


def test_the_gathering_both_attended_is_a_meeting_of_its_own(matcher):
    found = meetings(
        matcher,
        "Dong Jun met Sergei Shoigu in Astana on Friday on the sidelines of the SCO defense "
        "ministers' meeting, which both ministers attended.",
        date(2024, 4, 26),
    )
    assert sorted(m.kind for m in found) == ["multilateral", "talks"]
    assert all(set(m.participants) == {"dong-jun", "sergei-shoigu"} for m in found)


def test_two_meetings_in_one_sentence_get_their_own_people_and_dates(matcher):
    found = by_people(
        meetings(
            matcher,
            "Andrei Belousov met Dong Jun in Beijing on Tuesday, a day after Sergei Shoigu "
            "and Wei Fenghe met in Moscow.",
            date(2022, 3, 1),
        )
    )
    assert found[frozenset({"andrei-belousov", "dong-jun"})].date == date(2022, 3, 1)
    earlier = found[frozenset({"sergei-shoigu", "wei-fenghe"})]
    assert (earlier.date, earlier.place) == (date(2022, 2, 28), "Moscow")


def test_a_pronoun_subject_is_the_person_named_before(matcher):
    found = by_people(
        meetings(
            matcher,
            "Andrei Belousov arrived in Beijing on Monday. He previously took part in the talks "
            "between Sergei Shoigu and Dong Jun in Astana on April 26, 2024.",
            date(2024, 10, 14),
        )
    )
    assert frozenset({"andrei-belousov", "sergei-shoigu", "dong-jun"}) in found
    # A pronoun that only reports what others did is not a participant.
    reported = meetings(
        matcher,
        "Dong Jun spoke to reporters. He recalled that Sergei Shoigu and Wei Fenghe held talks "
        "by video link on June 28.",
        date(2021, 7, 28),
    )
    assert [set(m.participants) for m in reported] == [{"sergei-shoigu", "wei-fenghe"}]


def test_a_since_clause_does_not_date_the_meeting(matcher):
    [meeting] = meetings(
        matcher,
        "It was Belousov's first visit to China since he was appointed in May, and the first "
        "meeting between Andrei Belousov and Dong Jun.",
        date(2024, 10, 15),
    )
    assert meeting.date_precision != "month"


def test_a_trip_to_attend_a_gathering_is_not_a_report_of_it(matcher):
    assert (
        meetings(
            matcher,
            "Sergei Shoigu and Dong Jun are in Astana for the meeting of SCO defense ministers.",
            date(2024, 4, 25),
        )
        == []
    )


def test_a_video_call_with_its_own_time_stays_apart_from_talks_at_a_place(matcher):
    found = meetings(
        matcher,
        "Dong Jun held talks with Andrei Belousov in Qingdao on Wednesday. "
        "The two ministers had previously held a video call in January.",
        None,
    )
    assert sorted(m.format for m in found) == ["in_person", "video"]
    assert next(m for m in found if m.format == "in_person").place == "Qingdao"


def test_places_come_from_geonames_with_their_countries():
    from archive.ingest import places

    assert places.places_in("talks in Siem Reap, Cambodia, and a visit to Kazan") == (
        "Siem Reap",
        "Kazan",
    )
    assert places.country_of("Vientiane") == "LA"
    assert places.places_in("at Sunan airport, in March, in Москве") == ()
    assert places.places_in("встреча в Пекине") == ("Beijing",)
    assert places.place_named("Nur-Sultan") == "Astana"


def test_a_report_naming_more_participants_links_to_the_same_meeting(matcher):
    fuller = meetings(
        matcher,
        "Andrei Belousov held talks with Dong Jun in Beijing on Monday. "
        "Valery Gerasimov also took part.",
        date(2024, 10, 14),
    )
    shorter = meetings(
        matcher, "Dong Jun met Andrei Belousov in Beijing on Monday.", date(2024, 10, 15)
    )
    assert link_meetings([("a", fuller[0]), ("b", shorter[0])]) == [["a", "b"]]


ROOT = Path(__file__).resolve().parent.parent.parent


def corpus_sentences():
    """Every sentence of the test and demo corpora (HTML markup included, as it comes)."""
    folders = [ROOT / "tests" / "ingest" / "corpus", ROOT / "fixtures" / "corpus"]
    for path in sorted(p for folder in folders for p in folder.iterdir() if p.is_file()):
        yield from (
            s.text for s in split_sentences(path.read_text(encoding="utf-8", errors="replace"))
        )


@pytest.mark.parametrize(
    ("prefiltered", "pattern"),
    [(TRIGGER, TRIGGER_PATTERN), (JOINED, JOINED_PATTERN)],
    ids=["TRIGGER", "JOINED"],
)
def test_prefiltered_patterns_find_what_the_patterns_find(prefiltered, pattern):
    sentences = [
        *corpus_sentences(),
        "The Ministers VISITED the base.",
        "Шойгу ВСТРЕТИЛСЯ с министром обороны Китая.",
        "The two held a VIDEOCONFERENCE.",
        "They Also Took Part.",
        "He had a call with his counterpart.",
        "The two co-chaired the commission.",
        "The reception was warm.",
        "A conversation with the envoy followed.",
        "They spoke by phone.",
        "They later held a teleconference.",
        "It came up during the plenary session.",
        "They met at the annual summit.",
        "He will attend the ministers' conference.",
        "Министры провели переговоры; визит продолжится, он принял гостей.",
        "He vısıted the academy.",  # dotless ı: IGNORECASE matches it to i
    ]
    matched = 0
    for sentence in sentences:
        expected = [m.span() for m in pattern.finditer(sentence)]
        assert [m.span() for m in prefiltered.finditer(sentence)] == expected, sentence
        found = prefiltered.search(sentence)
        assert (found.span() if found else None) == (expected[0] if expected else None)
        matched += bool(expected)
    assert matched >= 5


def test_prefilter_skips_text_without_its_words():
    sentence = "Experts noted that cooperation in this area has grown over recent years."
    assert not TRIGGER.may_match(sentence)
    assert TRIGGER.search(sentence) is None
    assert list(TRIGGER.finditer(sentence)) == []
    assert TRIGGER.may_match("They spoke by phone.")
