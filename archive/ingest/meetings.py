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
  place    "in <City>" from the sentence, else the dateline's place for the article's first
           in-person meeting;
  format   video / phone by their words, else in person;
  kind     visit, reception, multilateral, call or talks.
Sentences about the same participants and date in one article make one meeting; across
articles, `link_meetings` joins reports of the same participants within a day whose
formats agree, and a held report turns a matching planned meeting into a held one.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from archive.ingest import dates
from archive.ingest.clean import parse_dateline
from archive.ingest.people import PeopleFound

# Full stops that end no sentence: titles and initials, and month abbreviations before a day
# ("Oct. 14"; "Dong Jun." does end one).
ABBREVIATIONS = re.compile(
    r"\b(?:U\.S|U\.K|Gen|Lt|Col|Maj|Adm|Mr|Mrs|Ms|Dr|St|No|Vol|Inc|Corp|Jr|Sr)\."
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.(?=\s*\d)"
)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’']?\s+(?=[\"“«(]?[A-ZА-ЯЁ0-9])|\n+")
TRIGGER = re.compile(
    r"\b(?:held talks|hold talks|holds talks|holding talks|talks|"
    r"met with|met|meet|meets|meeting with|meeting between|meeting of|met separately|"
    r"received|receives|receive|reception|visit|visited|visits|visiting|"
    r"spoke (?:by|via|over) (?:phone|telephone|video(?: link)?)|phone call|telephone call|"
    r"phone conversation|telephone conversation|video call|videoconference|video conference|"
    r"video link|(?:video )?teleconference|virtual meeting|held a meeting|at a meeting|"
    r"conversation with|call with|"
    r"defen[cs]e ministers' meeting|ministers' meeting|"
    r"провел[аи]? переговоры|провели переговоры|встретил(?:ся|ись)|встреч[аеуи]|"
    r"переговор(?:ы|ах|ов)|принял|визит)\b",
    re.IGNORECASE,
)
# A look ahead that governs the meeting verb ("will hold talks", "is expected to meet"),
# not one anywhere in the sentence ("said after talks that ties will grow").
PLANNED_BEFORE_TRIGGER = re.compile(
    r"\b(?:will|would|shall|expected to|set to|scheduled to|due to|plans? to|planning to|"
    r"intends? to|going to|is to|are to|to)\s+(?:also\s+)?(?:(?:hold|have|conduct|pay|make|"
    r"attend|join)(?:\s+[\w-]+){0,2}?)?\s*$|"
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
    r"\b(?:on|last|next|this)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
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


def _status(text):
    for trigger in TRIGGER.finditer(text):
        if PLANNED_BEFORE_TRIGGER.search(text[: trigger.start()]) or PLANNED_AFTER_TRIGGER.match(
            text[trigger.end() :]
        ):
            return "planned"
    if PLANNED_TIME.search(text) and not PAST_TRIGGER.search(text):
        return "planned"
    return "held"


GROUP_REFERENCE = re.compile(
    r"\b(?:the two|both) (?:ministers|leaders|sides|defen[cs]e chiefs|defen[cs]e ministers|"
    r"generals|commanders|men|officials|counterparts)\b|\bthey\b",
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


def _people_in(sentence, found: PeopleFound):
    """People in the sentence who can be participants: not "Putin's greetings", not the
    sender of a letter someone handed over."""
    keys = []
    for m in found.people_between(sentence.start, sentence.end):
        local_start = m.start - sentence.start
        rest = sentence.text[local_start + len(m.text) :]
        if rest[:2] in {"'s", "’s"} and not POSSESSIVE_EVENT.match(rest[2:]):
            continue
        if NOT_PRESENT_BEFORE.search(sentence.text[:local_start]):
            continue
        keys.append(m.key)
    return list(dict.fromkeys(keys))


def _meeting_date(sentence, published, status, is_first_held):
    """(date, precision) the sentence gives, resolved against the publication date."""
    text = sentence.text
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


def _kind(text, participants, fmt):
    if MULTILATERAL.search(text) and (len(participants) > 2 or "meeting" in text.lower()):
        return "multilateral"
    if fmt in {"phone", "video"}:
        return "call"
    if RECEPTION.search(text):
        return "reception"
    if VISIT.search(text):
        return "visit"
    return "talks"


PLACE_CUE = re.compile(
    r"\b(?:in|at|to|visited|visiting|visits|toured|reached)\s+(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)"
)


def _place(text, places):
    for match in PLACE_CUE.finditer(text):
        place = match["place"]
        if place in places:
            return places[place]
    for match in re.finditer(r"\bв\s+(?P<place>[А-ЯЁ][а-яё]+)", text):
        stem = match["place"]
        for ru, en in RUSSIAN_PLACES.items():
            if stem.startswith(ru):
                return en
    return ""


RUSSIAN_PLACES = {
    "Москв": "Moscow",
    "Пекин": "Beijing",
    "Минск": "Minsk",
    "Астан": "Astana",
    "Циндао": "Qingdao",
    "Нью-Дели": "New Delhi",
    "Пхеньян": "Pyongyang",
}
PLACES = {
    name: name
    for name in [
        "Beijing",
        "Moscow",
        "Minsk",
        "Astana",
        "Nur-Sultan",
        "Qingdao",
        "New Delhi",
        "Delhi",
        "Pyongyang",
        "Tehran",
        "Islamabad",
        "Hanoi",
        "Jakarta",
        "Kuala Lumpur",
        "Vientiane",
        "Bangkok",
        "Singapore",
        "Washington",
        "Tashkent",
        "Bishkek",
        "Dushanbe",
        "Ulaanbaatar",
        "Ulan Bator",
        "Phnom Penh",
        "Naypyidaw",
        "Yangon",
        "Ankara",
        "Istanbul",
        "Cairo",
        "Riyadh",
        "Abu Dhabi",
        "Dubai",
        "London",
        "Paris",
        "Berlin",
        "Tokyo",
        "Seoul",
        "Manila",
        "Canberra",
        "Vladivostok",
        "St. Petersburg",
        "Saint Petersburg",
        "Sochi",
        "Kubinka",
        "Shanghai",
        "Guangzhou",
        "Xiamen",
        "Harbin",
        "Goa",
        "Bengaluru",
        "Mumbai",
        "Kochi",
        "Hainan",
        "Sanya",
        "Kuala",
        "Baku",
        "Yerevan",
        "Havana",
        "Caracas",
        "Brasilia",
        "Pretoria",
        "Johannesburg",
        "Addis Ababa",
        "Nairobi",
        "Lahore",
        "Rawalpindi",
        "Colombo",
        "Dhaka",
        "Kathmandu",
        "Muscat",
        "Doha",
        "Damascus",
        "Baghdad",
        "Amman",
        "Algiers",
        "Geneva",
        "Vienna",
        "Brussels",
        "Helsinki",
    ]
}


PLACE_COUNTRIES = {
    "Beijing": "CN",
    "Qingdao": "CN",
    "Shanghai": "CN",
    "Moscow": "RU",
    "Sochi": "RU",
    "Vladivostok": "RU",
    "Minsk": "BY",
    "Astana": "KZ",
    "New Delhi": "IN",
    "Delhi": "IN",
    "Pyongyang": "KP",
    "Tehran": "IR",
    "Islamabad": "PK",
    "Hanoi": "VN",
    "Jakarta": "ID",
    "Kuala Lumpur": "MY",
    "Vientiane": "LA",
    "Washington": "US",
    "Seoul": "KR",
    "Tokyo": "JP",
    "Ulaanbaatar": "MN",
    "Tashkent": "UZ",
    "Bishkek": "KG",
    "Dushanbe": "TJ",
    "Ankara": "TR",
    "Cairo": "EG",
    "Riyadh": "SA",
    "London": "GB",
    "Singapore": "SG",
    "Bangkok": "TH",
}


def _article_place(text, dateline_place, countries):
    """Where a current meeting took place when its sentence does not say: the dateline's
    place or one named early in the article, if it lies in a participant's country, or any
    place named early when the article is about a multilateral gathering held there."""
    opening = " ".join(s.text for s in split_sentences(text)[:4])
    named = [m["place"] for m in PLACE_CUE.finditer(opening) if m["place"] in PLACES]
    for place in ([dateline_place] if dateline_place else []) + named:
        if PLACE_COUNTRIES.get(place) in countries:
            return place
    if named and MULTILATERAL.search(opening):
        return named[0]
    return ""


def find_meetings(
    text, found: PeopleFound, published, dateline_place="", country_of=lambda key: ""
):
    """Meetings reported in one article, merged within the article.

    `country_of` gives a participant's country: the dateline's place stands for the meeting's
    only when it lies in a participant's country (a Seoul dateline does not place a meeting
    in Pyongyang).
    """
    meetings: list[MeetingFinding] = []
    first_held_seen = False
    for sentence in split_sentences(text):
        if parsed := parse_dateline(sentence.text):
            cut = parsed[0].end()
            sentence = Sentence(sentence.start + cut, sentence.end, sentence.text[cut:])
        if not TRIGGER.search(sentence.text):
            continue
        people = _people_in(sentence, found)
        if len(people) < 2 and meetings and GROUP_REFERENCE.search(sentence.text):
            people = list(dict.fromkeys([*meetings[0].participants, *people]))
        multilateral = bool(MULTILATERAL.search(sentence.text))
        if len(people) < 2 and not (multilateral and people):
            continue
        status = _status(sentence.text)
        fmt = _format(sentence.text)
        is_first_held = (
            status == "held"
            and not first_held_seen
            and not any(m.status == "held" for m in meetings)
        )
        when, precision = _meeting_date(sentence, published, status, is_first_held)
        place = _place(sentence.text, PLACES)
        current = when is not None and published is not None and abs((when - published).days) <= 3
        if not place and fmt == "in_person" and (current or status == "planned"):
            place = _article_place(text, dateline_place, {country_of(p) for p in people})
        if fmt != "in_person":
            place = ""
        meeting = MeetingFinding(
            participants=people,
            status=status,
            date=when,
            date_precision=precision if when else "unknown",
            place=place,
            format=fmt,
            kind=_kind(sentence.text, people, fmt),
            evidence=sentence.text.strip(),
            evidence_start=sentence.start,
            confidence=0.8 if when and len(people) >= 2 else 0.5,
        )
        if status == "held":
            first_held_seen = True
        for part in _separate_meetings(meeting, sentence.text):
            merged = next((m for m in meetings if _same_in_article(m, part)), None)
            if merged:
                _absorb(merged, part)
            else:
                meetings.append(part)
    return meetings


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
    shared = set(a.participants) & set(b.participants)
    if len(shared) < 2 and not (a.kind == b.kind == "multilateral"):
        return False
    return a.format == b.format or "in_person" in (a.format, b.format)


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
    """The same meeting reported elsewhere: same people, a day apart at most, same format."""
    if set(known.participants) != set(new.participants) and not (
        known.kind == new.kind == "multilateral" and known.place and known.place == new.place
    ):
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
