"""Every list, search, feed and export URL answers any query string with a page (filters
it could not use are reported on the form), a 400 with a message, or a 404: never a 500,
and never with the query reflected as live markup.

The parameter names come from the FilterSets themselves (archive/filters.py), so a filter
added later is fuzzed without touching this file.
"""

from datetime import date
from urllib.parse import urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from archive import filters
from tests.hostile.conftest import fuzz, live_markup

pytestmark = pytest.mark.django_db

FILTERSETS = [
    filters.ArticleFilter,
    filters.ArticleOutletFilter,
    filters.ArticleSearchFilter,
    filters.PersonFilter,
    filters.OutletFilter,
    filters.MeetingFilter,
]
PARAMETERS = sorted(
    {name for filterset in FILTERSETS for name in filterset.base_filters}
    | set(filters.SearchForm.base_fields)
    | {"page", "format"}
)

LIST_URLS = [
    "/",
    "/search/",
    "/search/feed/",
    "/people/",
    "/meetings/",
    "/meetings/timeline/",
    "/outlets/",
    "/outlets/tass/",
    "/archive/",
    "/archive/2024/",
    "/archive/2024/10/",
    "/archive/2024/10/14/",
    "/archive/undated/",
]

HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "Belousov " * 40,
    '"',
    '"unbalanced quote',
    "'",
    '"""',
    "a & b | !c <-> d:* (e) <1> f",
    "&",
    "|",
    "!",
    "<->",
    ":*",
    "(",
    ")",
    "*",
    "-",
    "--x",
    "-Belousov",
    "Belousov -",
    "NEAR",
    "NEAR/0",
    "a NEAR/999999999999 b",
    "OR OR OR",
    "'; DROP TABLE archive_article; --",
    "1 OR 1=1",
    "1' OR '1'='1",
    "%s %(q)s {{ q }} {% now %}",
    "\ue000marked\ue001",
    "\u202eevil",
    "\ufeff",
    "\ufffd",
    "ß",
    "Шойгу",
    "董军",
    "../../etc/passwd",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "-1",
    "0",
    "1",
    "2",
    "last",
    "99999999999999999999999",
    "9" * 5000,
    "1e309",
    "NaN",
    "inf",
    "0x10",
    "2024-13-45",
    "2024-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "２０２４-01-01",
    "yesterday",
    "csv",
    "json",
    "xml",
]
# Values the archive_world fixture knows, so valid filters run their real queries too.
KNOWN_VALUES = [
    "tass",
    "xinhua",
    "global-times",
    "andrei-belousov",
    "dong-jun",
    "sergei-shoigu",
    "china-mnd",
    "RU",
    "CN",
    "en",
    "ru",
    "talks",
    "visit",
    "in_person",
    "held",
    "planned",
    "defense_minister",
    "current",
    "past",
    "2023",
    "2024",
    "2024-10-14",
    "relevance",
    "newest",
    "oldest",
    "state_agency",
    "newspaper",
    "Belousov",
    "drills OR exercises",
    "cooperat*",
    "Belousov NEAR/2 Dong",
]

values = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.sampled_from(KNOWN_VALUES),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.integers(-(10**30), 10**30).map(str),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.from_regex(r"-?[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
)
queries = st.dictionaries(
    st.sampled_from(PARAMETERS), st.lists(values, min_size=1, max_size=2), max_size=6
)


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_answered(response, what):
    """A 200 page (inert), a 400 with a message, or a 404 page; never a server error."""
    status = response.status_code
    assert status in (200, 400, 404), f"{what}: {status}"
    content = body_of(response)
    assert content.strip(), f"{what}: empty {status}"
    kind = response.get("Content-Type", "")
    if kind.startswith("text/html"):
        found = live_markup(content.decode())
        assert not found, f"{what}: {found}"
    return status, content


@fuzz(200)
@given(url=st.sampled_from(LIST_URLS), query=queries)
@example(url="/search/", query={"q": ["x" * 10_000], "format": ["csv"]})
@example(url="/search/feed/", query={"q": ["a & b | !c <-> d:* (e)"], "date_from": ["2024-13-45"]})
@example(url="/meetings/", query={"year": ["9" * 5000], "format": ["json"]})
@example(url="/people/", query={"q": ["\x00"], "role": ["emperor"], "page": ["-1"]})
def test_any_query_string_on_any_list(client, archive_world, url, query):
    response = client.get(url, query)
    assert_answered(response, f"{url}?{urlencode(query, doseq=True)[:300]}")


@fuzz(60)
@given(
    url=st.sampled_from(LIST_URLS),
    fmt=st.sampled_from(["csv", "json", "xml", "", "CSV", "json\x00", "csv;json"]),
    query=queries,
)
def test_any_query_string_on_any_export(client, archive_world, url, fmt, query):
    query = {**query, "format": [fmt]}
    response = client.get(url, query)
    status, content = assert_answered(response, f"{url}?format={fmt!r}")
    kind = response["Content-Type"].split(";")[0]
    if url == "/":
        assert kind == "text/html"  # the home page has no export: format means nothing
    elif url == "/search/feed/":
        assert kind == "application/atom+xml" or status == 400
    elif status == 200:
        assert kind == {"csv": "text/csv", "json": "application/json"}[fmt]
    if status == 400:
        assert b"format" in content or b"Invalid parameters" in content or b"understood" in content


def _percent(raw):
    return "".join(f"%{byte:02x}" for byte in raw)


raw_queries = st.one_of(
    # a parameter with any bytes, percent-encoded (invalid UTF-8 included)
    st.builds(
        lambda name, raw: f"{name}={_percent(raw)}",
        st.sampled_from(PARAMETERS),
        st.binary(max_size=60),
    ),
    # any bytes as they came, unencoded: the WSGI server hands them over as latin-1
    st.binary(max_size=120).map(lambda raw: raw.decode("latin-1")),
    # a mix of separators, keys without values and stray percent signs
    st.text(st.sampled_from("=&;%+#?[]qQ0fF"), max_size=40),
)


@fuzz(150)
@given(url=st.sampled_from(LIST_URLS), raw=raw_queries)
@example(url="/search/", raw="%ff%fe")
@example(url="/search/", raw="q=%ff%fe&format=csv")
@example(url="/search/feed/", raw="q=%ff%fe%00")
@example(url="/people/", raw="q=%ed%a0%80")  # an encoded lone surrogate
@example(url="/outlets/", raw="country=%c0%ae%c0%ae")  # overlong UTF-8
@example(url="/meetings/", raw="year=%d9%a2%d9%a0%d9%a2%d9%a4")  # Arabic-Indic digits
@example(url="/archive/", raw="page=%")
@example(url="/search/", raw="q=%zz&page=%ff")
@example(url="/search/", raw="=&&==&q&q&q")
@example(url="/search/", raw="q=" + "%41" * 5000)
def test_raw_query_strings(client, archive_world, url, raw):
    response = client.get(url, QUERY_STRING=raw)
    assert_answered(response, f"{url}?{raw[:200]!r}")


def test_too_many_parameters_is_a_bad_request(client, archive_world):
    raw = "&".join(f"q{n}=1" for n in range(1500))
    for url in ("/search/", "/search/?format=csv", "/people/"):
        response = client.get(url, QUERY_STRING=raw)
        assert response.status_code == 400, url


@pytest.mark.parametrize(
    "url, params, message",
    [
        ("/search/", {"q": "x" * 10_000}, "the limit is 500"),
        ("/search/", {"q": "a\x00b"}, "Null characters are not allowed"),
        ("/search/", {"q": "- -- ---"}, "Type at least one word"),
        ("/search/", {"q": "-navy"}, "not only words to exclude"),
        ("/search/", {"date_from": "2024-13-45"}, "Enter a valid date"),
        ("/search/", {"outlet": "../../etc"}, "Select a valid choice"),
        ("/people/", {"role": "emperor"}, "Select a valid choice"),
        ("/meetings/", {"year": "99999"}, "Select a valid choice"),
        ("/outlets/", {"kind": "<script>"}, "Select a valid choice"),
    ],
)
def test_bad_values_get_a_clear_message_on_the_page(client, archive_world, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "url, params, message",
    [
        ("/search/", {"format": "xml"}, "Unknown format"),
        ("/search/", {"q": "x" * 10_000, "format": "csv"}, "the limit is 500"),
        ("/search/", {"date_to": "yesterday", "format": "json"}, "Invalid parameters"),
        ("/people/", {"tenure": "forever", "format": "csv"}, "Invalid parameters"),
        ("/meetings/", {"participant": "nobody", "format": "json"}, "Invalid parameters"),
        ("/search/feed/", {"q": '"'}, "could not be understood"),
        ("/search/feed/", {"person": "x" * 300}, "could not be understood"),
    ],
)
def test_exports_and_feeds_refuse_bad_values_with_a_400(
    client, archive_world, url, params, message
):
    response = client.get(url, params)
    assert response.status_code == 400
    assert message in body_of(response).decode()


# Paths -------------------------------------------------------------------------------------

slugs = st.one_of(
    st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True),
    st.text(st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=30),
)
numbers = st.one_of(st.integers(0, 10**40), st.sampled_from([2**31, 2**63, 2**64, 10**30]))


@fuzz(150)
@given(
    path=st.one_of(
        st.builds("/people/{}/".format, slugs),
        st.builds("/people/{}/feed/".format, slugs),
        st.builds("/outlets/{}/".format, slugs),
        st.builds("/articles/{}/".format, numbers),
        st.builds("/articles/{}/raw/".format, numbers),
        st.builds("/meetings/{}/".format, numbers),
        st.builds(
            "/archive/{:04d}/{:02d}/{:02d}/".format,
            st.integers(0, 9999),
            st.integers(0, 99),
            st.integers(0, 99),
        ),
        st.builds("/archive/{:04d}/{:02d}/".format, st.integers(0, 9999), st.integers(0, 99)),
        st.builds("/{}/".format, st.binary(min_size=1, max_size=20).map(_percent)),
    ),
    fmt=st.sampled_from([None, "json", "csv", "xml"]),
)
@example(path="/articles/99999999999999999999999999/", fmt=None)
@example(path="/meetings/9223372036854775808/", fmt="json")
@example(path="/people/%ff%fe/", fmt=None)
@example(path="/archive/0000/00/00/", fmt=None)
@example(path="/archive/0001/01/01/", fmt=None)  # was a 500: the day before overflowed
@example(path="/archive/9999/12/31/", fmt="csv")
@example(path="/archive/0001/01/", fmt=None)
@example(path="/archive/9999/12/", fmt=None)
@example(path="/archive/0001/", fmt="json")
@example(path="/archive/9999/", fmt=None)
def test_any_path_is_a_page_or_not_found(client, archive_world, path, fmt):
    response = client.get(path, {"format": fmt} if fmt else {})
    assert_answered(response, f"{path} format={fmt}")


@pytest.mark.parametrize(
    "url",
    ["/archive/0001/01/01/", "/archive/9999/12/31/", "/archive/0001/01/", "/archive/0001/"],
)
def test_the_first_and_last_representable_dates_are_not_found(client, archive_world, url):
    """Was a 500: Django's date views step to the day before 0001-01-01 (or after
    9999-12-31) for their neighbour links, and date arithmetic overflowed."""
    for params in ({}, {"format": "csv"}):
        assert client.get(url, params).status_code == 404
