"""Meetings and quotes in one article, and the linking of reports across articles."""

from datetime import date

import pytest

from archive.ingest.extract import date_from_tenures, extract
from archive.ingest.meetings import link_meetings
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
