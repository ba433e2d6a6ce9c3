"""Dates are read where stated and inferred only on unambiguous evidence."""

from datetime import date

import pytest

from archive.ingest import dates

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks were held on Thursday, June 13, 2019, in Moscow.", 2019),
        ("The ministers last met at the SCO meeting in Astana in April 2024.", None),
        (
            "This year marks the 75th anniversary of diplomatic relations between Russia and China.",
            2024,
        ),
        (
            "Gerasimov said on Thursday. In 2018 the leaders met four times; 2019 has seen two.",
            2019,
        ),
    ],
)
def test_year_inference_for_june_13(text, expected):
    assert dates.infer_year(6, 13, text, TODAY.year) == expected


def test_month_of_the_dateline_written_with_a_year_gives_the_year():
    assert dates.infer_year(4, 26, "at the SCO meeting in Astana in April 2024", 2026) == 2024


def test_a_backward_reference_alone_is_not_evidence():
    text = "The talks came a year after the 2023 SCO meeting in New Delhi."
    assert dates.infer_year(10, 14, text, TODAY.year) is None


def test_conflicting_evidence_gives_no_year():
    text = "The meeting in April 2023 followed talks in April 2024."
    assert dates.infer_year(4, 26, text, TODAY.year) is None


def test_dateline_date_in_the_future_is_refused():
    finding = dates.date_from_dateline("December 24", "on Monday, December 24, 2026", TODAY, "x")
    assert finding is None


def test_dateline_with_evidence_is_inferred_not_exact():
    finding = dates.date_from_dateline(
        "Oct. 14",
        "The 75th anniversary of diplomatic relations between Russia and China.",
        TODAY,
        "BEIJING, Oct. 14 (Xinhua) --",
    )
    assert (finding.value, finding.confidence, finding.source) == (
        date(2024, 10, 14),
        "inferred",
        "dateline",
    )


def test_stated_dates_and_url_dates_are_exact():
    assert dates.parse_stated_date("2024-10-14T10:20:00+03:00", "metadata").value == date(
        2024, 10, 14
    )
    assert dates.parse_stated_date("not a date at all", "record") is None
    url = "https://sputnikglobe.com/20260127/russia-china-1123533991.html"
    assert dates.date_from_url(url).value == date(2026, 1, 27)
    assert dates.date_from_url("https://example.com/2024/10/14/talks.html").value == date(
        2024, 10, 14
    )
    assert dates.date_from_url("https://example.com/2024/13/45/x") is None


def test_relative_expressions_resolve_against_the_publication_date():
    tuesday = date(2026, 1, 27)
    assert dates.resolve_relative("on Monday", tuesday) == (date(2026, 1, 26), "day")
    assert dates.resolve_relative("on Tuesday", tuesday) == (tuesday, "day")
    assert dates.resolve_relative("next Monday", tuesday) == (date(2026, 2, 2), "day")
    assert dates.resolve_relative("last month", tuesday) == (date(2025, 12, 1), "month")
    assert dates.resolve_relative("next week", tuesday) == (date(2026, 2, 2), "week")
