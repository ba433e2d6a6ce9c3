"""People in clean text: gazetteer forms, discovered officials, short and role references."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest import people
from archive.ingest.people import PeopleMatcher
from tests.ingest.gazetteer_data import gazetteer

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def matcher():
    return PeopleMatcher(gazetteer())


def keys(found):
    return [(m.text, m.key) for m in found.mentions if m.kind == "person"]


def test_names_aliases_possessives_and_hyphenated_forms(matcher):
    text = (
        "Sergey Shoigu's visit followed the Shoygu-Wei talks. Шойгу прибыл в Пекин. "
        "Встреча Белоусова и Дун Цзюнем прошла в Пекине."
    )
    found = matcher.find(text)
    assert keys(found) == [
        ("Sergey Shoigu", "sergei-shoigu"),
        ("Shoygu", "sergei-shoigu"),
        ("Шойгу", "sergei-shoigu"),
        ("Белоусова", "andrei-belousov"),
        ("Дун Цзюнем", "dong-jun"),
    ]
    for mention in found.mentions:
        assert text[mention.start : mention.end] == mention.text


def test_names_inside_other_words_are_not_matched(matcher):
    assert keys(matcher.find("The Shoiguville museum and Dong Junior school.")) == []


def test_short_references_resolve_to_people_named_earlier(matcher):
    found = matcher.find(
        "Andrei Belousov met Dong Jun. Belousov said ties were strong, Dong agreed."
    )
    assert [k for _, k in keys(found)] == [
        "andrei-belousov",
        "dong-jun",
        "andrei-belousov",
        "dong-jun",
    ]
    assert keys(matcher.find("Dong said the talks went well.")) == []


def test_role_held_on_the_article_date(matcher):
    found = matcher.find("Sergei Shoigu spoke.", on=date(2024, 1, 15))
    assert found.mentions[0].role_title == "Minister of Defence"
    found = matcher.find("Sergei Shoigu spoke.", on=date(2024, 10, 14))
    assert found.mentions[0].role_title == "Secretary of the Security Council"


def test_title_without_a_name_is_the_holder_on_that_date(matcher):
    text = "Valery Gerasimov met the Chinese defense minister in Moscow."
    assert keys(matcher.find(text, on=date(2019, 6, 13)))[-1][1] == "wei-fenghe"
    assert keys(matcher.find(text, on=date(2024, 10, 14)))[-1][1] == "dong-jun"
    assert keys(matcher.find(text, on=None))[-1][1] != "dong-jun"


def test_the_minister_refers_to_the_last_named_minister(matcher):
    found = matcher.find(
        "Andrei Belousov arrived in Beijing. The minister said.", on=date(2024, 10, 14)
    )
    assert keys(found)[-1] == ("The minister", "andrei-belousov")


def test_officials_missing_from_the_gazetteer_are_discovered_with_role_and_country(matcher):
    text = (
        "Colonel-General Han Weiguo, who commands the Chinese Ground Force, met Russian "
        "Deputy Defense Minister Alexander Fomin. Li Qiaoming, commander of the PLA Ground "
        "Force, also attended. Han said the visit was useful."
    )
    found = matcher.find(text)
    assert set(found.new_people) == {"Han Weiguo", "Alexander Fomin", "Li Qiaoming"}
    assert found.new_people["Alexander Fomin"].country == "RU"
    assert "Deputy Defense Minister" in found.new_people["Alexander Fomin"].role_title
    assert found.new_people["Han Weiguo"].role_title == "Colonel-General"
    assert "commander of the PLA Ground Force" in found.new_people["Li Qiaoming"].role_title
    assert ("Han", "new:Han Weiguo") in keys(found)


def test_general_staff_is_not_a_person(matcher):
    found = matcher.find(
        "Representatives of the General Staffs met. General Staff officers agreed."
    )
    assert keys(found) == []


def test_a_country_after_a_title_is_not_a_person(matcher):
    found = matcher.find(
        "Wei Fenghe met General Sergei Shoigu, defense minister of the Russian Federation."
    )
    assert found.new_people == {}
    assert [k for _, k in keys(found)] == ["wei-fenghe", "sergei-shoigu"]


GLUE = [" ", "  ", "\n", ". ", ", ", "; ", ": ", " (", ") ", '"', "“", "” ", "«", "» ", "! ", "? "]
WORDS = ["U.S.", "Russian", "the", "of", "met", "said", "Minister", "general", "Dong Jun", "x"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.from_regex(people.TITLED_NAME, fullmatch=True), st.sampled_from(WORDS)),
            st.sampled_from(GLUE),
        ),
        max_size=12,
    )
)
def test_titled_names_are_found_as_by_trying_the_pattern_at_every_word(parts):
    """titled_name_matches tries TITLED_NAME only between the characters no match holds
    and where a title word is; it must find exactly what the pattern finds everywhere."""
    text = "".join(piece + glue for piece, glue in parts)
    everywhere = [(m.span(), m.groupdict()) for m in people.TITLED_NAME.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in people.titled_name_matches(text)] == everywhere


def test_titled_names_in_the_test_corpus_are_found_as_by_the_whole_pattern():
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(errors="replace")
        everywhere = [(m.span(), m.groupdict()) for m in people.TITLED_NAME.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in people.titled_name_matches(text)] == everywhere
