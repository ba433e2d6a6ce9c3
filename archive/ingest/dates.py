"""Publication dates: read them where the document states them, infer a year only on evidence.

Sources, strongest first: the scraper's header line, page metadata or a record's field, a
date in the source URL (all "exact"); then a dateline or time line that gives month and day
("MOSCOW, June 13. /TASS/.") with the year taken from the text's own evidence ("inferred").
The evidence for a year, any one of which must be unambiguous:
  - the same day written out with a year ("on Thursday, June 13, 2019");
  - the dateline's month written with a year ("the April 2024 meeting in Astana");
  - a numbered anniversary of a known founding event ("the 75th anniversary of diplomatic
    relations" between Russia and China: 1949 + 75);
  - a weekday cue ("said on Thursday") that fits only one of the latest year the text
    mentions and the year after it.
When the rules disagree or find nothing, the date stays unknown: a wrong date is worse
than none.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "января", "январь"),
            ("february", "feb", "февраля", "февраль"),
            ("march", "mar", "марта", "март"),
            ("april", "apr", "апреля", "апрель"),
            ("may", "мая", "май"),
            ("june", "jun", "июня", "июнь"),
            ("july", "jul", "июля", "июль"),
            ("august", "aug", "августа", "август"),
            ("september", "sep", "sept", "сентября", "сентябрь"),
            ("october", "oct", "октября", "октябрь"),
            ("november", "nov", "ноября", "ноябрь"),
            ("december", "dec", "декабря", "декабрь"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "понедельник"),
            ("tuesday", "вторник"),
            ("wednesday", "среду", "среда"),
            ("thursday", "четверг"),
            ("friday", "пятницу", "пятница"),
            ("saturday", "субботу", "суббота"),
            ("sunday", "воскресенье"),
        ]
    )
    for name in names
}
MONTH_WORD = r"(?P<month>[A-Za-zА-Яа-яё]{3,9})\.?"
DAY_WORD = r"(?P<day>\d{1,2})"
MONTH_DAY = re.compile(
    "^(?:"
    + MONTH_WORD
    + r"\s+"
    + DAY_WORD
    + "|"
    + DAY_WORD.replace("day", "day2")
    + r"\s+"
    + MONTH_WORD.replace("month", "month2")
    + ")"
)
YEAR = r"(?P<year>(?:19[89]|20[0-4])\d)"
WEEKDAY_CUE = re.compile(
    r"\b(?:on|в|во)\s+(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b",
    re.IGNORECASE,
)
# Founding years of events whose anniversaries news reports count.
ANNIVERSARIES = [
    (
        re.compile(
            r"diplomatic relations between (?:russia|the soviet union) and china|"
            r"(?:russia|china)[-–](?:china|russia) diplomatic relations|"
            r"diplomatic ties between (?:russia|china) and (?:china|russia)",
            re.I,
        ),
        1949,
    ),
    (
        re.compile(
            r"(?:great )?victory in the great patriotic war|victory over (?:nazi|fascist)", re.I
        ),
        1945,
    ),
    (re.compile(r"founding of the people'?s liberation army|(?:the )?pla'?s founding", re.I), 1927),
    (re.compile(r"founding of the people'?s republic of china", re.I), 1949),
    (
        re.compile(
            r"(?:shanghai cooperation organi[sz]ation|sco)'?s? (?:founding|establishment)|"
            r"founding of the (?:shanghai cooperation organi[sz]ation|sco)",
            re.I,
        ),
        2001,
    ),
]
ANNIVERSARY = re.compile(
    r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\s+anniversary of (?P<what>[^.;]{5,120})", re.I
)


@dataclass(frozen=True)
class DateFinding:
    value: date | None
    precision: str  # day | month | year | unknown
    confidence: str  # exact | inferred | unknown
    source: str  # header | metadata | record | url | dateline | none
    evidence: str = ""


UNKNOWN = DateFinding(None, "unknown", "unknown", "none")


def parse_stated_date(value, source, evidence=None):
    """An ISO date or datetime as stated by a header, metadata or a record."""
    if not value:
        return None
    value = str(value).strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = dateparser.parse(value, languages=["en", "ru"], settings={"STRICT_PARSING": True})
    if parsed is None:
        return None
    return DateFinding(parsed.date(), "day", "exact", source, evidence or value)


URL_DATES = [
    re.compile(r"/(?P<y>20\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:/|-|_|\d{0,6}/)"),
    re.compile(r"/(?P<y>20\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|\.|-|_)"),
]


def date_from_url(url):
    for pattern in URL_DATES:
        match = pattern.search(url or "")
        if match:
            try:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            return DateFinding(day, "day", "exact", "url", match.group(0))
    return None


def month_day(text):
    """(month, day) from "June 13", "Oct. 14" or "14 октября"; None if not such a date."""
    match = MONTH_DAY.match(text.strip())
    if not match:
        return None
    month = MONTHS.get((match["month"] or match["month2"] or "").lower().rstrip("."))
    day = int(match["day"] or match["day2"])
    if not month or not 1 <= day <= 31:
        return None
    return month, day


def _valid(year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month, day, text, latest_year):
    """The year of (month, day) that the text's evidence supports, or None; see module doc."""
    found = set()
    names = [n for n, m in MONTHS.items() if m == month]
    month_alt = "|".join(sorted(names, key=len, reverse=True))
    full = re.compile(
        rf"\b(?:(?:{month_alt})\.?\s+{day},?\s+{YEAR}"
        rf"|{day}\s+(?:{month_alt})\.?,?\s+{YEAR.replace('year', 'year2')})\b",
        re.IGNORECASE,
    )
    found |= {int(m["year"] or m["year2"]) for m in full.finditer(text)}
    if not found:
        month_year = re.compile(rf"\b(?:{month_alt})\.?,?\s+(?:of\s+)?{YEAR}\b", re.IGNORECASE)
        found |= {int(m["year"]) for m in month_year.finditer(text)}
    if not found:
        for match in ANNIVERSARY.finditer(text):
            for pattern, founded in ANNIVERSARIES:
                if pattern.search(match["what"]):
                    found.add(founded + int(match["n"]))
    if not found:
        found |= _weekday_years(month, day, text)
    found = {y for y in found if y <= latest_year and _valid(y, month, day)}
    return found.pop() if len(found) == 1 else None


def _weekday_years(month, day, text):
    """Years in {latest mentioned, the one after} where the cue's weekday fits the day."""
    mentioned = [int(y) for y in re.findall(rf"\b{YEAR}\b", text)]
    cues = {WEEKDAYS[m["weekday"].lower()] for m in WEEKDAY_CUE.finditer(text[:1500])}
    if not mentioned or len(cues) != 1:
        return set()
    weekday = cues.pop()
    latest = max(mentioned)
    fits = set()
    for year in (latest, latest + 1):
        day_date = _valid(year, month, day)
        # The cue names the dateline's day, or the day before for evening reports.
        if day_date and weekday in {day_date.weekday(), (day_date - timedelta(days=1)).weekday()}:
            fits.add(year)
    return fits


def date_from_dateline(date_text, text, today, evidence, year_text=""):
    """A publication date from a dateline's month and day, the year from the text."""
    parsed = month_day(date_text)
    if not parsed:
        return None
    month, day = parsed
    if year_text and (stated := _valid(int(year_text), month, day)):
        return DateFinding(stated, "day", "exact", "dateline", evidence)
    year = infer_year(month, day, text, today.year)
    if year is None:
        return None
    inferred = date(year, month, day)
    if inferred > today:
        return None
    return DateFinding(inferred, "day", "inferred", "dateline", evidence)


def resolve_relative(expression, reference):
    """A relative expression ("on Monday", "last month", "next week") against `reference`.

    Returns (date, precision) or None. Weekdays resolve to the closest such day on or
    before the reference (news reports past events), unless "next" says otherwise.
    """
    expression = expression.strip().lower()
    weekday = next(
        (n for name, n in WEEKDAYS.items() if re.search(rf"\b{name}\b", expression)), None
    )
    if weekday is not None:
        if "next" in expression or "следующ" in expression:
            delta = (weekday - reference.weekday()) % 7 or 7
            return reference + timedelta(days=delta), "day"
        delta = (reference.weekday() - weekday) % 7
        return reference - timedelta(days=delta), "day"
    base = datetime(reference.year, reference.month, reference.day)
    parsed = dateparser.parse(expression, languages=["en", "ru"], settings={"RELATIVE_BASE": base})
    if parsed is None:
        return None
    if "week" in expression or "недел" in expression:
        monday = parsed.date() - timedelta(days=parsed.weekday())
        return monday, "week"
    if "month" in expression or "месяц" in expression:
        return parsed.date().replace(day=1), "month"
    if "year" in expression or "год" in expression:
        return parsed.date().replace(month=1, day=1), "year"
    return parsed.date(), "day"
