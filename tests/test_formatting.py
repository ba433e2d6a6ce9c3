import datetime

import pytest

from archive.formatting import language_name, partial_date, web_url

DAY = datetime.date(2024, 10, 14)


@pytest.mark.parametrize(
    "precision, text",
    [
        ("day", "14 October 2024"),
        ("week", "week of 14 October 2024"),
        ("month", "October 2024"),
        ("year", "2024"),
        ("unknown", ""),
    ],
)
def test_partial_date_shows_only_what_is_known(precision, text):
    assert partial_date(DAY, precision) == text
    assert partial_date(None, precision) == ""


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://tass.com/a", "https://tass.com/a"),
        ("http://x.org/?a=1&b=2", "http://x.org/?a=1&b=2"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//evil.example/x", ""),
        ("https:///no-host", ""),
        ("http://[::1", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_web_addresses_become_links(url, shown):
    assert web_url(url) == shown


def test_language_names():
    assert language_name("ru") == "Russian"
    assert language_name("xx") == "xx"
