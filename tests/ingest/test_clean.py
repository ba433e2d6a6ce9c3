"""Text dumps: the article is found among page chrome; nothing of the chrome survives."""

from archive.ingest.clean import parse_dateline, parse_text_dump

DUMP = """ date 2024-10-14 Military & Defense
World
Business & Economy
Military & Defense
Select the city
Currency converter
USD 97.12
EUR 105.80
^
All news
Loading
Show more
{{item.group_date}}

Belousov and Dong Jun agree to expand joint exercises

Military & Defense
October 14, 11:05 UTC+3 BEIJING

The two ministers met for the first time since Belousov took office

Share
1 pages in this article

BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov and his Chinese counterpart Dong Jun agreed on Monday to hold more joint drills next year.

Read also
Xi Jinping meets Lavrov in Beijing

The ministers discussed the security situation in the Asia-Pacific region, the ministry said.
ADVERTISEMENT
Most read
1. Lavrov to visit Pyongyang
2. Ruble firms against the dollar
TOP STORIES
Comments (2)
spam_bot: Earn $500 a day from home, click here!
"""


def test_header_headline_lead_and_dateline_are_found():
    dump = parse_text_dump(DUMP)
    assert dump.header_date == "2024-10-14"
    assert dump.header_rest == "Military & Defense"
    assert dump.title == "Belousov and Dong Jun agree to expand joint exercises"
    assert dump.lead == "The two ministers met for the first time since Belousov took office"
    assert dump.time_line == "October 14, 11:05 UTC+3 BEIJING"
    assert dump.dateline == "BEIJING, October 14. /TASS/."
    assert (dump.dateline_place, dump.dateline_date, dump.dateline_tag) == (
        "BEIJING",
        "October 14",
        "TASS",
    )


def test_chrome_read_also_lists_and_comments_are_dropped():
    body = parse_text_dump(DUMP).body
    assert body.startswith("The two ministers met for the first time")
    assert "agreed on Monday to hold more joint drills next year." in body
    assert body.endswith("the ministry said.")
    for chrome in [
        "Xi Jinping",
        "Lavrov",
        "USD",
        "Select the city",
        "ADVERTISEMENT",
        "Ruble",
        "Earn $500",
        "group_date",
        "Share",
        "TOP STORIES",
        "Military & Defense",
    ]:
        assert chrome not in body


def test_repeated_headline_and_lead_appear_once():
    text = """ date 2026-01-27 https://sputnikglobe.com/20260127/ministers-talk-123.html
Ministers of Russia and China talk by video link
Ministers of Russia and China talk by video link
Russia and China will deepen military ties, the Russian defense minister said on Tuesday.
BEIJING (Sputnik) - Russia and China will deepen military ties, the Russian defense minister said on Tuesday.
The two ministers spoke by video link earlier in the day.
"""
    dump = parse_text_dump(text)
    assert dump.title == "Ministers of Russia and China talk by video link"
    assert dump.body.count("will deepen military ties") == 1
    assert dump.body.count("Ministers of Russia and China talk") == 0
    assert dump.dateline_tag == "Sputnik"


def test_source_line_is_kept_as_evidence_not_body():
    dump = parse_text_dump(
        "Chinese and Vietnamese defense chiefs hold talks\n"
        "HANOI, Dec. 5 (Xinhua) -- The defense ministers of China and Vietnam held talks.\n"
        "Source: Xinhua\n"
    )
    assert dump.source_lines == ["Xinhua"]
    assert "Source" not in dump.body


def test_datelines_of_several_agencies():
    cases = {
        "MOSCOW, June 13. /TASS/. Text.": ("MOSCOW", "TASS"),
        "BEIJING, Oct. 14 (Xinhua) -- Text.": ("BEIJING", "Xinhua"),
        "NEW DELHI, April 28 (PTI) The minister said.": ("NEW DELHI", "PTI"),
        "WASHINGTON (Reuters) - Text.": ("WASHINGTON", "Reuters"),
        "МОСКВА, 14 октября. /ТАСС/. Текст.": ("МОСКВА", "ТАСС"),
    }
    for paragraph, (place, tag) in cases.items():
        _, found_place, found_tag = parse_dateline(paragraph)
        assert (found_place, found_tag) == (place, tag)
    assert parse_dateline("The Defense Ministry (MoD) said on Monday.") is None
