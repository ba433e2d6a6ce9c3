"""Extraction for one article: people, organizations, quotes and meetings, with evidence.

Pure Python over the gazetteer's dataclasses; store.py writes the result to the database
and evaluate_extraction scores it against a gold file without touching the archive.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from archive.ingest import dates
from archive.ingest.meetings import MeetingFinding, QuoteFinding, find_meetings, find_quotes
from archive.ingest.people import ROLE_PHRASES, PeopleFound, PeopleMatcher

EXTRACTOR = "rules-v1"
# Extraction reads at most this much of a text: far more than any news article, a bound on
# the time one hostile document can take (tests/hostile/test_importer_limits.py). A longer
# text is stored whole.
MAX_EXTRACTED_CHARS = 200_000
# Stop words between the names in an article's names_text: a tsvector keeps their positions
# without indexing them, so more of them than the widest NEAR search allows
# (archive.search.MAX_NEAR_DISTANCE) keep phrase and proximity searches from spanning two
# people ("Belousov NEAR/2 Dong" must not match every article that names both).
NAME_GAP_WORDS = 24
NAME_GAP = " " + " ".join(["the"] * NAME_GAP_WORDS) + " "


def searchable_names(names):
    """An article's names_text: the names it is found by, each apart from the others."""
    return NAME_GAP.join(sorted(names))


@dataclass
class Extraction:
    people: PeopleFound
    meetings: list[MeetingFinding] = field(default_factory=list)
    quotes: list[QuoteFinding] = field(default_factory=list)

    def person_keys(self):
        return self.people.people()


def extract(text, matcher: PeopleMatcher, published: date | None, dateline_place=""):
    text = text[:MAX_EXTRACTED_CHARS]
    found = matcher.find(text, on=published)
    meetings = find_meetings(
        text,
        found,
        published,
        dateline_place=dateline_place,
        country_of=lambda key: matcher.country_of(key, found.new_people),
    )
    for meeting in meetings:
        on = meeting.date or published
        meeting.roles = {key: matcher.role_of(key, on)[0] for key in meeting.participants}
        for key in meeting.participants:
            if key.startswith("new:") and key[4:] in found.new_people:
                meeting.roles[key] = found.new_people[key[4:]].role_title
    return Extraction(found, meetings, find_quotes(text, found))


def date_from_tenures(day_text, text, matcher: PeopleMatcher, today):
    """A year for a dateline's month and day from the posts the text gives named officials.

    "Defense Minister Li Shangfu" dates a text to Li's tenure (March to October 2023); every
    such title-and-name pair narrows the dates, and a weekday cue ("on Tuesday") narrows
    them further. A year is returned only when exactly one date fits everything.
    """
    parsed = dates.month_day(day_text) if day_text else None
    if not parsed:
        return None
    month, day = parsed
    text = text[:MAX_EXTRACTED_CHARS]
    found = matcher.find(text)
    spans = []
    for mention in found.mentions:
        person = matcher.people.get(mention.key)
        if mention.how != "gazetteer" or person is None:
            continue
        before = text[max(0, mention.start - 80) : mention.start].lower()
        roles = {role for pattern, role in ROLE_PHRASES if re.search(pattern, before)}
        held = [p for p in person.positions if p.role in roles and p.start]
        if held:
            spans.append(held)
    if not spans:
        return None
    candidates = []
    for year in range(1990, today.year + 1):
        day_date = dates._valid(year, month, day)
        if (
            day_date
            and day_date <= today
            and all(any(p.held_on(day_date) for p in held) for held in spans)
        ):
            candidates.append(day_date)
    cues = {dates.WEEKDAYS[m["weekday"].lower()] for m in dates.WEEKDAY_CUE.finditer(text[:1500])}
    if len(cues) == 1 and len(candidates) > 1:
        weekday = cues.pop()
        candidates = [d for d in candidates if d.weekday() == weekday]
    if len(candidates) != 1:
        return None
    return dates.DateFinding(
        candidates[0], "day", "inferred", "dateline", f"{day_text}; year from officials' tenures"
    )
