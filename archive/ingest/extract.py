"""Extraction for one article: people, organizations, quotes and meetings, with evidence.

Pure Python over the gazetteer's dataclasses; store.py writes the result to the database
and evaluate_extraction scores it against a gold file without touching the archive.
"""

from dataclasses import dataclass, field
from datetime import date

from archive.ingest.meetings import MeetingFinding, QuoteFinding, find_meetings, find_quotes
from archive.ingest.people import PeopleFound, PeopleMatcher

EXTRACTOR = "rules-v1"


@dataclass
class Extraction:
    people: PeopleFound
    meetings: list[MeetingFinding] = field(default_factory=list)
    quotes: list[QuoteFinding] = field(default_factory=list)

    def person_keys(self):
        return self.people.people()


def extract(text, matcher: PeopleMatcher, published: date | None, dateline_place=""):
    found = matcher.find(text, on=published)
    meetings = find_meetings(text, found, published, dateline_place=dateline_place)
    for meeting in meetings:
        on = meeting.date or published
        meeting.roles = {key: matcher.role_of(key, on)[0] for key in meeting.participants}
        for key in meeting.participants:
            if key.startswith("new:") and key[4:] in found.new_people:
                meeting.roles[key] = found.new_people[key[4:]].role_title
    return Extraction(found, meetings, find_quotes(text, found))
