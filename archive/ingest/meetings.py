"""Meetings and quotes in one article, and the linking of meetings across articles.

A meeting is read from a sentence that reports one ("held talks", "met", "spoke by video
link", "received", "visit", "at a meeting with", "SCO defense ministers' meeting") and
names at least two participants (one for a multilateral meeting). From the sentence come:
  status   planned when the sentence looks ahead ("will hold", "is expected to", "next
           week"), else held;
  date     a time expression in the sentence ("on Monday", "January 31", "in April",
           "earlier in the day") resolved against the publication date; the publication
           date itself for the article's first held meeting when the sentence has none;
           else unknown;
  place    a city (GeoNames, archive/ingest/places.py) after "in", "to", "the city of" in
           the sentence; else the dateline's or the article's place in a participant's
           country, or the place of the same day's meeting of a participant;
  format   video / phone by their words, else in person;
  kind     visit, reception, multilateral, call or talks.
A sentence that reports two meetings ("X met Y on Friday, a day after A and B met in
Busan") is cut into clauses, one meeting each. Talks "on the sidelines of" a gathering are
bilateral; the gathering is a meeting of its own when the text says who attended it. "Z also
took part" adds Z to the meeting reported before; "he" before a meeting word stands for the
person last named; a trip's purpose ("are in Qingdao for the SCO meeting") reports nothing.
Sentences about the same participants and date in one article make one meeting (not talks
at a named place and a video call, nor talks at two places); across articles,
`link_meetings` joins reports of the same participants (one report may name fewer) within a
day whose formats agree, and a held report turns a matching planned meeting into a held one.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from archive.ingest import dates, places
from archive.ingest.clean import parse_dateline
from archive.ingest.people import PeopleFound

# Full stops that end no sentence: titles and initials, and month abbreviations before a day
# ("Oct. 14"; "Dong Jun." does end one).
ABBREVIATIONS = re.compile(
    r"\b(?:U\.S|U\.K|Gen|Lt|Col|Maj|Adm|Mr|Mrs|Ms|Dr|St|No|Vol|Inc|Corp|Jr|Sr)\."
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.(?=\s*\d)"
)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’']?\s+(?=[\"“«(]?[A-ZА-ЯЁ0-9])|\n+")


class Prefiltered:
    """A case-insensitive pattern tried only on text holding one of `words` (which every
    match holds, casefolded): a long alternation is slow to fail in Python's re (TRIGGER
    took 36 µs over a sentence of 135 characters that has none of its words, the checks
    4 µs). Casefolding folds everything IGNORECASE does but the dotless ı, which matches i.
    """

    def __init__(self, pattern, words):
        self.pattern = pattern
        self.words = words

    def may_match(self, text):
        folded = text.casefold().replace("ı", "i")
        return any(word in folded for word in self.words)

    def search(self, text):
        return self.pattern.search(text) if self.may_match(text) else None

    def finditer(self, text):
        return self.pattern.finditer(text) if self.may_match(text) else iter(())


TRIGGER_PATTERN = re.compile(
    r"\b(?:held talks|hold talks|holds talks|holding talks|talks|"
    r"met with|met|meet|meets|met again|meeting again|meeting with|meeting between|meeting of|met separately|"
    r"received|receives|receive|reception|visit|visited|visits|visiting|"
    r"spoke (?:by|via|over) (?:phone|telephone|video(?: link)?)|phone call|telephone call|"
    r"phone conversation|telephone conversation|video call|videoconference|video conference|"
    r"video link|(?:video )?teleconference|virtual meeting|held a meeting|at a meeting|"
    r"conversation with|call with|"
    r"defen[cs]e ministers' meeting|ministers' meeting|co-chair(?:ed|s|ing)?|"
    r"(?:their|the two leaders'|the two ministers') (?:[\w-]+ )?(?:meeting|summit)|"
    r"(?:at|during) the (?:[\w'’-]+ ){0,3}?(?:meeting|summit|session)|встречал\w*|"
    r"attend(?:s|ed|ing)?(?= (?:the|a|an) (?:[\w'’-]+ ){0,4}?(?:meeting|summit|session|conference)\b)|"
    r"провел[аи]? переговоры|провели переговоры|встретил(?:ся|ись)|встреч[аеуи]|"
    r"переговор(?:ы|ах|ов)|принял|визит)\b",
    re.IGNORECASE,
)
TRIGGER = Prefiltered(
    TRIGGER_PATTERN,
    words=[
        "talks",
        "met",
        "meet",
        "receiv",
        "recept",
        "visit",
        "phone",
        "video",
        "teleconference",
        "conversation",
        "call",
        "co-chair",
        "summit",
        "session",
        "attend",
        "встреч",
        "встрет",
        "переговор",
        "принял",
        "визит",
    ],
)
# A look ahead that governs the meeting verb ("will hold talks", "is expected to meet"),
# not one anywhere in the sentence ("said after talks that ties will grow").
PLANNED_BEFORE_TRIGGER = re.compile(
    r"\b(?:will|would|shall|expected to|set to|scheduled to|due to|plans? to|planning to|"
    r"intends? to|going to|is to|are to|to)\s+(?:also\s+)?(?:(?:hold|have|conduct|pay|make|"
    r"attend|join|be)(?:\s+[\w-]+){0,2}?)?\s*$|"
    r"(?:проведут|проведет|встретятся|планиру\w+|намерен\w*)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
PLANNED_AFTER_TRIGGER = re.compile(
    r"^\W*(?:[\w'’-]+\W+){0,8}?(?:were|was|is|are|have been|has been) "
    r"(?:planned|scheduled|expected|due)\b",
    re.IGNORECASE,
)
PLANNED_TIME = re.compile(
    r"\b(?:next (?:week|month|year)|upcoming|later this (?:week|month|year)|tomorrow)\b", re.I
)
PAST_TRIGGER = re.compile(
    r"\b(?:held|met|received|visited|spoke|talked|hosted|провел[аи]?|встретил\w*|принял)\b",
    re.IGNORECASE,
)
VIDEO = re.compile(
    r"video(?:[- ]?conference| link| call|[- ]linked)?|teleconference|virtual(?:ly)?|online|"
    r"видео(?:связи|конференц\w*)",
    re.I,
)
PHONE = re.compile(r"\b(?:phone|telephone|по телефону|телефонн\w+)\b", re.I)
MULTILATERAL = re.compile(
    r"\b(?:SCO|Shanghai Cooperation Organi[sz]ation|ADMM[- ]Plus|ASEAN Defen[cs]e Ministers|"
    r"CSTO|BRICS|defen[cs]e ministers' meeting|ministers of defen[cs]e of the member states|"
    r"Shangri-La Dialogue|Xiangshan Forum|Moscow Conference on International Security|ШОС)\b"
)
VISIT = re.compile(r"\b(?:visit|visited|visits|visiting|визит\w*)\b", re.I)
RECEPTION = re.compile(r"\b(?:received|receives|reception|принял)\b", re.I)
WEEKDAY_EXPR = re.compile(
    r"\b(?:on|last|next|this|until|till|by)\s+"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?:в|во)\s+(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b",
    re.I,
)
SAME_DAY = re.compile(
    r"\b(?:earlier (?:in the day|today)|today|this morning|this afternoon|"
    r"on the same day|сегодня)\b",
    re.I,
)
MONTH_NAMES = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
MONTH_NAMES_RU = (
    r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
EXPLICIT_DAY = re.compile(
    rf"\b(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTH_NAMES}|{MONTH_NAMES_RU})"
    rf"(?:\s+(?P<year2>(?:19|20)\d\d))?"
)
MONTH_ONLY = re.compile(
    rf"\b(?:in|last|this)\s+(?P<month>{MONTH_NAMES})(?:\s+(?P<year>(?:19|20)\d\d))?\b"
)
YEAR_ONLY = re.compile(r"\bin\s+(?P<year>(?:19|20)\d\d)\b")
RELATIVE_PERIOD = re.compile(
    r"\b(?:last|next|this) (?:week|month|year)\b|\b(?:a|one|two|three) (?:weeks?|months?|years?) ago\b",
    re.I,
)
LAST_YEAR = re.compile(r"\blast year\b|\ba year (?:ago|earlier)\b|\bin прошлом году\b", re.I)
QUOTE = re.compile(r"[\"“«](?P<text>[^\"“”«»]{15,}?)[\"”»]")
SPEECH = re.compile(
    r"\b(?:said|says|added|adds|stressed|noted|told|emphasi[sz]ed|stated|underlined|"
    r"pointed out|according to|as quoted by|заявил\w*|сказал\w*|отметил\w*|подчеркнул\w*)\b",
    re.I,
)
SAID_THAT = re.compile(
    r"\b(?:said|stressed|noted|stated|added|emphasi[sz]ed) that (?P<text>[^.]{15,})", re.I
)
PRONOUN_SPEAKER = re.compile(
    r"\b(?:he|she|the minister|the general|the commander)\s+(?:said|added|noted|stressed)\b", re.I
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class MeetingFinding:
    participants: list[str]  # person keys
    status: str  # held | planned
    date: date | None
    date_precision: str
    place: str
    format: str  # in_person | video | phone
    kind: str
    evidence: str
    evidence_start: int
    confidence: float = 0.6
    roles: dict[str, str] = field(default_factory=dict)
    place_stated: bool = False  # the meeting's own sentence names the place: in person
    beside_gathering: bool = False  # held on the sidelines of a multilateral gathering
    time_stated: bool = False  # its sentence says when, even if the date stays unknown

    def key(self):
        return frozenset(self.participants)


@dataclass
class QuoteFinding:
    speaker: str
    text: str
    start: int
    end: int
    role_title: str
    evidence: str


INITIAL = re.compile(r"(?<=\s)[A-Z]\.(?=\s[A-Z])")


@lru_cache(maxsize=8)  # meetings and quotes both read an article's sentences
def split_sentences(text):
    """The sentences of `text` with their offsets, as a tuple: callers share it."""
    protected = ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    protected = INITIAL.sub(lambda m: m.group(0).replace(".", "\x00"), protected)
    sentences, cursor = [], 0
    for match in SENTENCE_END.finditer(protected):
        piece = text[cursor : match.start()]
        if piece.strip():
            sentences.append(Sentence(cursor, match.start(), piece))
        cursor = match.end()
    if text[cursor:].strip():
        sentences.append(Sentence(cursor, len(text), text[cursor:]))
    return tuple(sentences)


# "the first minister to visit India" reports a fact, not a plan.
RECORD_BEFORE = re.compile(r"\b(?:first|second|last|only)\s+(?:[\w-]+\s+){0,4}$", re.I)


def _status(text):
    for trigger in TRIGGER.finditer(text):
        before = text[: trigger.start()]
        planned = PLANNED_BEFORE_TRIGGER.search(before)
        if (
            planned
            and planned[0].strip().lower() == "to"
            and RECORD_BEFORE.search(before[: planned.start()])
        ):
            planned = None
        if planned or PLANNED_AFTER_TRIGGER.match(text[trigger.end() :]):
            return "planned"
    if PLANNED_TIME.search(text) and not PAST_TRIGGER.search(text):
        return "planned"
    return "held"


GROUP_REFERENCE = re.compile(
    r"\b(?:the two|both)(?: [\w-]+)? (?:ministers|leaders|sides|defen[cs]e chiefs|"
    r"defen[cs]e ministers|generals|commanders|men|officials|counterparts)\b|\bthey\b|"
    r"\bthe two (?=(?:\w+ )?(?:held|met|had|have|spoke|talked|signed)\b)|\bbetween the two\b|"
    r"\b(?:министры|оба министра|стороны)\b",
    re.IGNORECASE,
)


# "Belousov's visit" names a participant; "Putin's greetings" does not.
POSSESSIVE_EVENT = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:visit|trip|talks|meeting|call|reception|tour)\b", re.I
)
NOT_PRESENT_BEFORE = re.compile(
    r"(?:letter|message|greetings|regards|congratulations|instructions?|invitation|"
    r"behalf|name)\s+(?:of|from)\s+(?:(?:the\s+)?[\w'’-]+\s+){0,3}$|"
    r"\b(?:sent|signed|ordered|appointed) by\s+(?:[\w'’-]+\s+){0,3}$",
    re.IGNORECASE,
)

# "an invitation from Singh to visit India": the sender is the host of a planned visit.
HOST_OF_VISIT = re.compile(r"\s+to (?:visit|come)\b")


def _people_in(sentence, found: PeopleFound):
    """People in the sentence who can be participants: not "Putin's greetings", not the
    sender of a letter someone handed over, not a name inside a quotation."""
    keys = []
    quoted = [q.span() for q in QUOTE.finditer(sentence.text)]
    for m in found.people_between(sentence.start, sentence.end):
        local_start = m.start - sentence.start
        if any(start <= local_start < end for start, end in quoted):
            continue
        rest = sentence.text[local_start + len(m.text) :]
        if rest[:2] in {"'s", "’s"} and not POSSESSIVE_EVENT.match(rest[2:]):
            continue
        if NOT_PRESENT_BEFORE.search(sentence.text[:local_start]) and not HOST_OF_VISIT.match(rest):
            continue
        keys.append(m.key)
    return list(dict.fromkeys(keys))


def _meeting_date(sentence, published, status, is_first_held):
    """(date, precision) the sentence gives, resolved against the publication date. A
    "since ..." clause dates something else, unless the meeting is in it."""
    text = SINCE.sub(lambda m: m[0] if TRIGGER.search(m[0]) else "", sentence.text)
    if published is None:
        match = EXPLICIT_DAY.search(text)
        if match and (match["year"] or match["year2"]):
            parsed = _explicit(match, None)
            if parsed:
                return parsed, "day"
        return None, "unknown"
    match = _meeting_day(text)
    if match and (parsed := _explicit(match, published, status)):
        stated_years = {int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", text)}
        if not (match["year"] or match["year2"]) and len(stated_years) == 1:
            return dates._valid(stated_years.pop(), parsed.month, parsed.day), "day"
        if not (match["year"] or match["year2"]) and LAST_YEAR.search(text):
            parsed = dates._valid(parsed.year - 1, parsed.month, parsed.day) or parsed
        return parsed, "day"
    if SAME_DAY.search(text):
        return published, "day"
    match = WEEKDAY_EXPR.search(text)
    if match:
        expression = match.group(0)
        if status == "planned" and not expression.lower().startswith("last"):
            expression = "next " + expression.split()[-1]
        resolved = dates.resolve_relative(expression, published)
        if resolved:
            return resolved
    match = RELATIVE_PERIOD.search(text)
    if match:
        resolved = dates.resolve_relative(match.group(0), published)
        if resolved:
            return resolved
    match = MONTH_ONLY.search(text)
    if match:
        month = dates.MONTHS.get(match["month"].lower().rstrip("."))
        year = int(match["year"]) if match["year"] else published.year
        later_this_year = status == "held" and month > published.month
        if not match["year"] and (later_this_year or LAST_YEAR.search(text)):
            year -= 1
        return date(year, month, 1), "month"
    match = YEAR_ONLY.search(text)
    if match:
        return date(int(match["year"]), 1, 1), "year"
    if is_first_held:
        return published, "day"
    return None, "unknown"


def _meeting_day(text):
    """The day a sentence dates its meeting: "on December 10" over "from December 8 to 10"."""
    days = list(EXPLICIT_DAY.finditer(text))
    on_days = [d for d in days if re.search(r"\bon\s+(?:\w+,\s+)?$", text[: d.start()])]
    return (on_days or days or [None])[0]


def _explicit(match, published, status="held"):
    month_text = (match["month"] or match["month2"]).lower().rstrip(".")
    month = dates.MONTHS.get(month_text) or dates.MONTHS.get(month_text[:3])
    day = int(match["day"] or match["day2"])
    year_text = match["year"] or match["year2"]
    if year_text:
        year = int(year_text)
    elif published is None:
        return None
    else:
        year = published.year
        candidate = dates._valid(year, month, day)
        if candidate and status == "held" and candidate > published + timedelta(days=1):
            year -= 1
        elif candidate and status == "planned" and candidate < published - timedelta(days=1):
            year += 1
    return dates._valid(year, month, day)


def _format(text):
    if PHONE.search(text):
        return "phone"
    if VIDEO.search(text):
        return "video"
    return "in_person"


def _kind(text, fmt, multilateral):
    if multilateral:
        return "multilateral"
    if fmt in {"phone", "video"}:
        return "call"
    if RECEPTION.search(text):
        return "reception"
    if VISIT.search(text):
        return "visit"
    return "talks"


def _article_place(text, dateline_place, countries, multilateral):
    """Where a meeting took place when its sentence does not say: the dateline's place, or
    a place the article names, if it lies in a participant's country; for a multilateral
    meeting, a place named early in the article."""
    dateline = places.place_named(dateline_place) if dateline_place else ""
    if multilateral:
        opening = " ".join(s.text for s in split_sentences(text)[:2])
        return dateline or places.first_place(opening)
    for place in ([dateline] if dateline else []) + list(places.places_in(text)):
        if places.country_of(place) in countries:
            return place
    return ""


# "Shoigu also took part", "Khawaja Asif is also expected to attend the meeting": people who
# joined a meeting the article has already reported.
JOINED_PATTERN = re.compile(
    r"\balso\s+(?:(?:is|was|are|were|will|be|been|expected to|due to|set to|scheduled to)\s+)*"
    r"(?:took part|take part|taking part|participated|participate|attended|attend|attending|"
    r"joined|join|among those (?:attending|present|taking part)|present)\b",
    re.IGNORECASE,
)
JOINED = Prefiltered(JOINED_PATTERN, words=("also",))
# "met on the sidelines of the SCO meeting": the meeting is bilateral, the gathering its setting.
SIDELINES = re.compile(
    r"\bon the (?:sidelines|margins|fringes) of\b|"
    r"\bwhere (?:both|they|the two)(?: [\w-]+)? (?:are|were) (?:attending|taking part in)\b",
    re.I,
)
# "which both ministers attended", "attended by both ministers": they took part in it too.
GATHERING_ATTENDED = re.compile(
    r"\b(?:which|that) (?:both|they|the two)(?: [\w-]+)? (?:are |were |have )?attend(?:ed|ing)\b|"
    r"\battended by (?:both|the two)\b",
    re.I,
)
# A trip's purpose is not a report of the meeting: "are in Qingdao for the SCO meeting",
# "arrived ... to take part in the meeting".
TRIP_PURPOSE = re.compile(
    r"\b(?:is|are|was|were|arrived|arrives|arriving|landed|flew|left)\b[^.;]{0,80}?"
    r"\b(?:for|to attend|to take part in|to participate in)\s+(?:the|a|an)\s+"
    r"(?:[\w'’-]+\s+){0,3}?(?:meeting|summit|session|conference|gathering)\b",
    re.I,
)
# "He previously took part in the talks": the subject is the person last named.
PRONOUN_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:when|where|and|after|before|then)\s+)(?:he|she)\b", re.I
)
PRONOUN_REACH = 1000  # characters back to the person a pronoun stands for
# Where a sentence reports a second meeting: "..., a day after Trump and Xi met in Busan",
# "holding talks in Beijing in 2024 and meeting again in Qingdao".
CLAUSE_BREAK = re.compile(
    r",\s+(?:(?P<days>a|one|two|three) days? )?(?P<order>after|before|when|while)\s+"
    r"(?=[A-Z])|,?\s+and\s+(?=\w+ing\s+(?:again|also|later)\b)|;\s+"
)
DAYS = {"a": 1, "one": 1, "two": 2, "three": 3}
EARLIER = re.compile(r"\b(?:previously|earlier|last (?:met|held))\b", re.I)
TIME_EXPRESSIONS = (EXPLICIT_DAY, MONTH_ONLY, WEEKDAY_EXPR, YEAR_ONLY, RELATIVE_PERIOD, SAME_DAY)
SINCE = re.compile(r"\bsince\b[^,;]*")
SUBORDINATE = re.compile(r"\b(?:since|after|before|until)\s+(?!the\b)[^,;]*")
REPORTING_VERB = re.compile(
    r"\s+(?:\w+\s+)?(?:recalled|said|says|noted|told|added|stressed|believes|hoped|hopes|"
    r"thinks|expressed|emphasi[sz]ed|pointed out)\b",
    re.I,
)
# "to visit India": the meeting is in a country the text names, not at the dateline's city.
VISIT_TO = re.compile(r"\b(?:visit|visits|visiting|trip to|travel to)\s+(?P<where>[A-Z][a-z]+)")


def _clauses(sentence):
    """The sentence cut where a second meeting begins; each piece has a trigger of its own.

    Yields (clause, days_after_previous): "X met Y on Friday, a day after A and B met" gives
    the second clause with -1, its meeting a day before the first's.
    """
    pieces, cursor, offset = [], 0, None
    for match in CLAUSE_BREAK.finditer(sentence.text):
        before, after = sentence.text[cursor : match.start()], sentence.text[match.end() :]
        if TRIGGER.search(before) and TRIGGER.search(after):
            pieces.append((cursor, match.start(), offset))
            cursor = match.end()
            offset = None
            if match["days"]:
                days = DAYS[match["days"].lower()]
                offset = -days if match["order"] == "after" else days
    pieces.append((cursor, len(sentence.text), offset))
    for start, end, days in pieces:
        yield Sentence(sentence.start + start, sentence.start + end, sentence.text[start:end]), days


def _pronoun_referent(clause, found: PeopleFound):
    """The person a "he" or "she" before the clause's meeting word stands for, unless the
    pronoun only reports what others did ("He recalled that Xi and Putin ...")."""
    trigger = TRIGGER.search(clause.text)
    pronoun = next(
        (p for p in PRONOUN_SUBJECT.finditer(clause.text[: trigger.start()] if trigger else "")),
        None,
    )
    if pronoun is None or REPORTING_VERB.match(clause.text[pronoun.end() :]):
        return None
    at = clause.start + pronoun.end()
    earlier = [m for m in found.people_between(max(0, at - PRONOUN_REACH), at) if m.end <= at]
    return earlier[-1].key if earlier else None


def _participants(clause, found: PeopleFound):
    """People of the clause's meeting. A speaker reporting others' meeting is not one of them
    ("Dong said that Xi and Trump had met"), nor is a person named in a clause that only
    dates it ("the first contact since Trump returned to office")."""
    people = _people_in(clause, found)
    for timing in SUBORDINATE.finditer(clause.text):
        if not TRIGGER.search(timing[0]):
            inside = _people_in(
                Sentence(clause.start + timing.start(), clause.start + timing.end(), timing[0]),
                found,
            )
            people = [p for p in people if p not in inside]
    trigger = TRIGGER.search(clause.text)
    speech = SPEECH.search(clause.text[: trigger.start()]) if trigger else None
    if speech:
        reported = _people_in(
            Sentence(clause.start + speech.end(), clause.end, clause.text[speech.end() :]), found
        )
        if len(reported) >= 2:
            people = reported
    referent = _pronoun_referent(clause, found)
    if referent and referent not in people:
        people.insert(0, referent)
    return people


def _join(meetings, sentence, found: PeopleFound):
    """Add the people of a "also took part" sentence to the meeting it refers to: the latest
    multilateral one when it speaks of a gathering, else the latest."""
    gathering = MULTILATERAL.search(sentence.text) or re.search(
        r"\b(?:meeting|gathering|session|summit)\b", sentence.text, re.I
    )
    multilateral = [m for m in meetings if m.kind == "multilateral"]
    target = (multilateral if gathering and multilateral else meetings)[-1]
    for key in _participants(sentence, found):
        if key not in target.participants:
            target.participants.append(key)


def find_meetings(
    text, found: PeopleFound, published, dateline_place="", country_of=lambda key: ""
):
    """Meetings reported in one article, merged within the article.

    `country_of` gives a participant's country: the dateline's place stands for the meeting's
    only when it lies in a participant's country (a Seoul dateline does not place a meeting
    in Pyongyang).
    """
    meetings: list[MeetingFinding] = []
    for sentence in split_sentences(text):
        if parsed := parse_dateline(sentence.text):
            cut = parsed[0].end()
            sentence = Sentence(sentence.start + cut, sentence.end, sentence.text[cut:])
        if meetings and JOINED.search(sentence.text):
            named_gathering = MULTILATERAL.search(sentence.text)
            if not (named_gathering and not any(m.kind == "multilateral" for m in meetings)):
                _join(meetings, sentence, found)
                continue
        if not TRIGGER.search(sentence.text) or _only_trip_purpose(sentence.text):
            continue
        previous = pending = None
        for clause, days_after in _clauses(sentence):
            if pending is not None:  # a clause that named nobody belongs with the next one
                clause = Sentence(pending.start, clause.end, text[pending.start : clause.end])
            found_here = _clause_meetings(
                clause,
                text,
                found,
                published,
                meetings,
                previous,
                days_after,
                dateline_place,
                country_of,
            )
            for part in found_here:
                merged = next((m for m in meetings if _same_in_article(m, part)), None)
                if merged:
                    _absorb(merged, part)
                else:
                    meetings.append(part)
            previous = found_here[0] if found_here else previous
            pending = None if found_here else clause
    _date_gatherings(meetings)
    _place_same_day(meetings)
    return [m for m in meetings if m.participants]


def _only_trip_purpose(text):
    """True when every meeting word of the sentence is in a trip's purpose."""
    if _status(text) == "planned":
        return False
    purposes = [m.span() for m in TRIP_PURPOSE.finditer(text)]
    return bool(purposes) and all(
        any(start <= t.start() < end for start, end in purposes) for t in TRIGGER.finditer(text)
    )


def _clause_meetings(
    clause, text, found, published, meetings, previous, days_after, dateline_place, country_of
):
    """The meetings one clause reports: none, one, or one per guest of separate talks, plus
    the gathering a bilateral meeting was held beside when the clause says both attended."""
    people = _participants(clause, found)
    if len(people) < 2 and previous is not None and not people:
        people = list(previous.participants)
    elif len(people) < 2 and meetings and GROUP_REFERENCE.search(clause.text):
        people = list(dict.fromkeys([*meetings[0].participants, *people]))
    gathering = MULTILATERAL.search(clause.text)
    sidelines = SIDELINES.search(clause.text)
    beside = bool(gathering and sidelines and sidelines.start() < gathering.start())
    multilateral = (
        bool(gathering)
        and not beside
        and (len(people) != 2 or bool(re.search(r"meeting|attend", clause.text, re.I)))
    )
    if len(people) < 2 and not multilateral:
        return []
    status = _status(clause.text)
    fmt = _format(clause.text)
    is_first_held = status == "held" and not any(m.status == "held" for m in meetings)
    if days_after and previous is not None and previous.date and previous.date_precision == "day":
        when, precision = previous.date + timedelta(days=days_after), "day"
    else:
        when, precision = _meeting_date(clause, published, status, is_first_held)
    place = places.first_place(clause.text)
    place_stated = bool(place)
    current = when is None or (published is not None and abs((when - published).days) <= 3)
    visit = VISIT_TO.search(clause.text)
    elsewhere = bool(visit and not places.canonical(visit["where"]))
    if not place and fmt == "in_person" and (current or status == "planned") and not elsewhere:
        countries = {country_of(p) for p in people}
        place = _article_place(text, dateline_place, countries, multilateral or beside)
    if fmt != "in_person":
        place = ""
    meeting = MeetingFinding(
        participants=people,
        status=status,
        date=when,
        date_precision=precision if when else "unknown",
        place=place,
        format=fmt,
        kind=_kind(clause.text, fmt, multilateral),
        evidence=clause.text.strip(),
        evidence_start=clause.start,
        confidence=0.8 if when and len(people) >= 2 else 0.5,
        place_stated=place_stated,
        time_stated=any(p.search(clause.text) for p in (*TIME_EXPRESSIONS, EARLIER)),
        beside_gathering=beside,
    )
    found_here = _separate_meetings(meeting, clause.text)
    if beside and GATHERING_ATTENDED.search(clause.text):
        found_here.append(
            MeetingFinding(
                **{
                    **meeting.__dict__,
                    "participants": list(people),
                    "kind": "multilateral",
                    "beside_gathering": False,
                    "roles": {},
                }
            )
        )
    return found_here


def _place_same_day(meetings):
    """A participant of a meeting at a known place met others there that day too ("Earlier
    on Thursday, Mr. Singh also held talks with Belousov")."""
    for meeting in meetings:
        if meeting.place or meeting.format != "in_person" or meeting.date_precision != "day":
            continue
        meeting.place = next(
            (
                other.place
                for other in meetings
                if other.place
                and other.format == "in_person"
                and other.date == meeting.date
                and set(other.participants) & set(meeting.participants)
            ),
            "",
        )


def _date_gatherings(meetings):
    """A gathering the article reports without a date took place on the day of the
    bilateral meeting held on its sidelines, at the same place."""
    for gathering in meetings:
        if gathering.kind != "multilateral" or gathering.date or gathering.status != "held":
            continue
        beside = next(
            (
                m
                for m in meetings
                if m.beside_gathering and m.date and m.place and m.place == gathering.place
            ),
            None,
        )
        if beside:
            gathering.date, gathering.date_precision = beside.date, beside.date_precision


SEPARATE = re.compile(
    r"\bseparate(?:ly)?\b|\bone[- ]on[- ]one\b|\bbilateral (?:talks|meetings)\b", re.I
)


def _separate_meetings(meeting, text):
    """ "X held separate talks with Y and Z" is two meetings: X with Y, X with Z."""
    if meeting.kind == "multilateral" or len(meeting.participants) < 3 or not SEPARATE.search(text):
        return [meeting]
    host, *guests = meeting.participants
    return [
        MeetingFinding(**{**meeting.__dict__, "participants": [host, guest], "roles": {}})
        for guest in guests
    ]


def _dates_compatible(a: MeetingFinding, b: MeetingFinding):
    if not a.date or not b.date:
        return True
    if a.date_precision == b.date_precision == "day":
        return abs((a.date - b.date).days) <= 1
    if "year" in (a.date_precision, b.date_precision):
        return a.date.year == b.date.year
    return (a.date.year, a.date.month) == (b.date.year, b.date.month)


def _same_in_article(a: MeetingFinding, b: MeetingFinding):
    """Two sentences of one article about one meeting: shared people, fitting date, status."""
    if a.status != b.status or not _dates_compatible(a, b):
        return False
    if (a.kind == "multilateral") != (b.kind == "multilateral"):
        return False
    shared = set(a.participants) & set(b.participants)
    if len(shared) < 2 and not (a.kind == b.kind == "multilateral"):
        return False
    if a.place_stated and b.place_stated and a.place != b.place:
        return False
    if a.format != b.format and a.time_stated and b.time_stated and not (a.date and b.date):
        return False  # "had previously held a video call in September", date unknown
    if a.format == b.format:
        return True
    # "talks" without a word on the format may have been the video call a later sentence
    # describes; talks at a named place were not.
    in_person = a if a.format == "in_person" else b
    return "in_person" in (a.format, b.format) and not in_person.place_stated


def _absorb(target: MeetingFinding, other: MeetingFinding):
    for person in other.participants:
        if person not in target.participants:
            target.participants.append(person)
    if (
        (not target.date or target.date_precision != "day")
        and other.date
        and (other.date_precision == "day")
    ):
        target.date, target.date_precision = other.date, other.date_precision
    if target.format == "in_person" and other.format == "in_person":
        target.place = target.place or other.place
    if target.format == "in_person" and other.format != "in_person":
        target.format = other.format
        target.place = ""
    if target.kind == "talks" and other.kind != "talks":
        target.kind = other.kind


def _speaker_of(verb_at, mentions):
    """The subject of the speech verb: the person named just before it ("Belousov told
    Dong"), else just after it ("said Belousov")."""
    before = [m for m in mentions if m.end <= verb_at]
    if before and verb_at - before[-1].end <= 40:
        return before[-1]
    after = [m for m in mentions if m.start >= verb_at]
    return after[0] if after else before[-1]


def find_quotes(text, found: PeopleFound):
    quotes = []
    sentences = split_sentences(text)
    last_speaker = None
    for sentence in sentences:
        people = found.people_between(sentence.start, sentence.end)
        quoted = list(QUOTE.finditer(sentence.text))
        outside = [
            m
            for m in people
            if not any(q.start() <= m.start - sentence.start < q.end() for q in quoted)
        ]
        speaker = None
        verb = next(
            (
                v
                for v in SPEECH.finditer(sentence.text)
                if not any(q.start() <= v.start() < q.end() for q in quoted)
            ),
            None,
        )
        if verb and outside:
            speaker = _speaker_of(verb.start() + sentence.start, outside)
        elif verb and PRONOUN_SPEAKER.search(sentence.text) and last_speaker:
            speaker = last_speaker
        if speaker is not None or outside:
            last_speaker = speaker or outside[0]
        if speaker is None:
            continue
        if quoted:
            for q in quoted:
                quotes.append(
                    QuoteFinding(
                        speaker.key,
                        q["text"].strip(" ,"),
                        sentence.start + q.start("text"),
                        sentence.start + q.end("text"),
                        speaker.role_title,
                        sentence.text.strip(),
                    )
                )
        elif match := SAID_THAT.search(sentence.text):
            quotes.append(
                QuoteFinding(
                    speaker.key,
                    match["text"].strip(),
                    sentence.start + match.start("text"),
                    sentence.start + match.end("text"),
                    speaker.role_title,
                    sentence.text.strip(),
                )
            )
    return quotes


def link_meetings(reports):
    """Group meeting findings from many articles into meetings.

    `reports` is a list of (report_id, MeetingFinding). Returns a list of groups, each a
    list of report ids; a group is one meeting. Planned and held reports of one meeting
    fall into one group (the meeting is held if any report says so).
    """
    groups: list[tuple[MeetingFinding, list]] = []
    for report_id, finding in sorted(reports, key=lambda r: r[1].date or date.max):
        for representative, members in groups:
            if matches_across_articles(representative, finding):
                members.append(report_id)
                _absorb(representative, finding)
                if finding.status == "held":
                    representative.status = "held"
                break
        else:
            copy = MeetingFinding(
                **{**finding.__dict__, "participants": list(finding.participants)}
            )
            groups.append((copy, [report_id]))
    return [members for _, members in groups]


def matches_across_articles(known: MeetingFinding, new: MeetingFinding):
    """The same meeting reported elsewhere: the same people (one report may name fewer of
    them: "Kuznetsov also took part"), a day apart at most, the same format."""
    ours, theirs = set(known.participants), set(new.participants)
    same_people = len(ours & theirs) >= 2 and (ours <= theirs or theirs <= ours)
    if not same_people and not (
        known.kind == new.kind == "multilateral" and known.place and known.place == new.place
    ):
        return False
    if (known.kind == "multilateral") != (new.kind == "multilateral"):
        return False
    if known.format != new.format:
        return False
    if not known.date or not new.date:
        return False
    gap = abs((known.date - new.date).days)
    if known.date_precision == new.date_precision == "day":
        return gap <= 1
    if "planned" in (known.status, new.status):
        window = {"week": 7, "month": 31, "day": 1}
        return gap <= max(window.get(known.date_precision, 0), window.get(new.date_precision, 0))
    return False
