"""Synthetic news articles, planned a batch at a time: text, dates, names, meetings.

Article number i belongs to batch i // BATCH_SIZE, and everything in a batch comes from
random generators seeded by (seed, batch): the archive is the same whether it is generated
at once or in several runs, and no run needs the articles of earlier batches in memory.

Per article (shares are of articles, on average):
  - 10% Russian (language "ru", Russian words, Cyrillic names, Russian-language outlets);
  - a body of a few hundred words (log-normal, median 330) in paragraphs, from the
    language's Zipf vocabulary, a dateline, a lead and a headline;
  - dates over 2001–2025, more in later years: 93% to the day (a few with the year
    inferred), 2% to the month, 1% to the year, 4% unknown (flagged for review);
  - 3.5 people named (famous ones far more often), with offsets in the body (Mention),
    organizations in 40%, a quote in 25%, a reprint by another outlet in 3%;
  - 30% report a meeting of the batch (2.5 reports a meeting): talks, visits, calls,
    multilateral meetings, held, planned or cancelled, with participants and roles.
"""

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

import numpy as np

from archive.ingest.extract import searchable_names
from archive.synthetic.entities import COUNTRY_BY_CODE, ROLE_SHORT, SYNTHETIC_DOMAIN
from archive.synthetic.vocabulary import vocabulary

BATCH_SIZE = 1000
FIRST_DAY, LAST_DAY = date(2001, 1, 1), date(2025, 12, 31)
RUSSIAN_SHARE = 0.10
MEETING_REPORT_SHARE = 0.30
REPORTS_PER_MEETING = 2.5
MEDIAN_WORDS, WORDS_SIGMA, MIN_WORDS, MAX_WORDS = 330, 0.45, 80, 1500
SOURCE_PREFIX = "synthetic:"
EXTRACTOR = "synthetic"

# fmt: off
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ROLE_SHORT_RU = {
    "defense_minister": "министр обороны",
    "deputy_defense_minister": "заместитель министра обороны",
    "chief_of_general_staff": "начальник Генштаба",
    "service_commander": "командующий ВМС",
    "security_council_secretary": "секретарь Совбеза",
    "foreign_minister": "министр иностранных дел",
    "attache": "военный атташе",
    "ambassador": "посол",
    "other": "",
}
TOPICS = ["military cooperation", "joint exercises", "regional security", "arms control",
          "border security", "military education", "maritime security", "air defense",
          "defense industry", "counterterrorism"]
TOPICS_RU = ["военное сотрудничество", "совместные учения", "региональную безопасность",
             "военное образование", "борьбу с терроризмом", "противовоздушную оборону"]
CHROME = ["World", "Military & Defense", "All news", "Select the city", "Show more",
          "Most read", "Subscribe", "Share"]
# fmt: on


@dataclass
class MentionDraft:
    start: int
    end: int
    text: str
    evidence: str
    person: object = None
    organization: object = None
    role_title: str = ""
    review_status: str = "auto"


@dataclass
class QuoteDraft:
    person: object
    text: str
    start: int
    end: int
    role_title: str
    evidence: str


@dataclass
class MeetingDraft:
    number: int
    date: date
    date_precision: str
    place: str
    place_ru: str
    format: str
    kind: str
    status: str
    confidence: float
    review_status: str
    participants: list  # (PersonSpec, role title)
    summary: str = ""


@dataclass
class CopyDraft:
    outlet: object
    url: str
    published_date: date | None
    raw_text: str


@dataclass
class ArticleDraft:
    index: int
    seed: int
    language: str
    outlet: object
    title: str = ""
    lead: str = ""
    body: str = ""
    raw_text: str = ""
    url: str | None = None
    published_date: date | None = None
    date_precision: str = "unknown"
    date_confidence: str = "unknown"
    date_source: str = "none"
    date_evidence: str = ""
    dateline: str = ""
    dateline_place: str = ""
    review_status: str = "auto"
    review_reasons: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    meeting: MeetingDraft | None = None
    meeting_evidence: str = ""
    copies: list = field(default_factory=list)

    @property
    def source_path(self):
        return f"{SOURCE_PREFIX}{self.seed}:{self.index}"

    @property
    def content_hash(self):
        return hashlib.sha256(self.body.encode()).hexdigest()

    @property
    def names_text(self):
        """Every spelling of the people named, as the importer writes it for search."""
        names = set()
        for mention in self.mentions:
            if mention.person is not None:
                names.update(mention.person.spellings)
        return searchable_names(names)


class Zipf:
    """Draws items, most prominent first, with weight 1 / (rank + offset) ** exponent."""

    def __init__(self, items, exponent, offset):
        self.items = list(items)
        self.cumulative = list(
            accumulate(1 / (rank + offset) ** exponent for rank in range(len(self.items)))
        )

    def draw(self, rng):
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


class BatchPlanner:
    """Makes the articles of one batch; reuse one planner for every batch of a run."""

    def __init__(self, cast, seed):
        self.cast = cast
        self.seed = seed
        self.english = vocabulary("en")
        self.russian = vocabulary("ru")
        self.outlets = Zipf(cast.outlets, 1.0, 2)
        self.russian_outlets = Zipf([o for o in cast.outlets if o.russian_language], 1.0, 2)
        self.people = Zipf(cast.people, 0.9, 5)
        self.organizations = Zipf(cast.organizations, 1.0, 3)
        self.days = (LAST_DAY - FIRST_DAY).days

    def batch(self, number, count=BATCH_SIZE):
        """The first `count` articles of batch `number`, as a list of ArticleDraft."""
        rng = random.Random(f"articles {self.seed}:{number}")
        words = np.random.default_rng([self.seed, number])
        meetings = [
            self._meeting(rng, n)
            for n in range(round(BATCH_SIZE * MEETING_REPORT_SHARE / REPORTS_PER_MEETING))
        ]
        drafts = []
        for offset in range(BATCH_SIZE):
            # Every article's random draws happen even when it is not kept, so the first
            # `count` articles are the same whatever `count` is.
            russian = rng.random() < RUSSIAN_SHARE
            meeting = rng.choice(meetings) if rng.random() < MEETING_REPORT_SHARE else None
            article_rng = random.Random(rng.getrandbits(64))
            word_rng = np.random.default_rng(words.integers(2**63))
            if offset < count:
                index = number * BATCH_SIZE + offset
                drafts.append(self._article(article_rng, word_rng, index, russian, meeting))
        return drafts

    # Dates ------------------------------------------------------------------------------

    def _day(self, rng):
        """A day in 2001–2025, three times likelier at the end than at the start."""
        share = (-1 + math.sqrt(1 + 8 * rng.random())) / 2  # density (1 + 2x) / 2 on [0, 1]
        return FIRST_DAY + timedelta(days=int(share * self.days))

    def _date_fields(self, rng, draft, day, may_be_undated):
        roll = rng.random()
        if may_be_undated and roll < 0.04:
            draft.review_status = "needs_review"
            draft.review_reasons = ["date_unknown"]
            return
        draft.date_source = "header"
        draft.date_confidence = "exact"
        if 0.04 <= roll < 0.05:
            draft.published_date, draft.date_precision = date(day.year, 1, 1), "year"
            draft.date_source = "metadata"
            draft.date_evidence = str(day.year)
        elif 0.05 <= roll < 0.07:
            draft.published_date, draft.date_precision = day.replace(day=1), "month"
            draft.date_source = "metadata"
            draft.date_evidence = f"{day:%B %Y}"
        else:
            draft.published_date, draft.date_precision = day, "day"
            draft.date_evidence = f"date {day.isoformat()}"
            if 0.07 <= roll < 0.12:
                draft.date_confidence, draft.date_source = "inferred", "dateline"
                draft.review_status = "needs_review"
                draft.review_reasons = ["date_inferred"]

    # Meetings ---------------------------------------------------------------------------

    def _meeting(self, rng, number):
        size = rng.choices((2, 3, 4, 5), weights=(75, 15, 6, 4))[0]
        people = []
        while len(people) < size:
            person = self.people.draw(rng)
            if person not in people:
                people.append(person)
        day = self._day(rng)
        kind = rng.choices(
            ("talks", "visit", "reception", "call", "multilateral", "exercise", "other"),
            weights=(40, 20, 10, 12, 10, 5, 3),
        )[0]
        if size > 3:
            kind = "multilateral"
        meeting_format = {"call": "phone"}.get(kind) or rng.choices(
            ("in_person", "video", "unknown"), weights=(80, 15, 5)
        )[0]
        host = COUNTRY_BY_CODE.get(people[rng.randrange(size)].country)
        host = host or COUNTRY_BY_CODE["RU"]
        participants = []
        for person in people:
            position = person.position_on(day)
            participants.append((person, position.title if position else ""))
        status = rng.choices(("held", "planned", "cancelled"), weights=(88, 10, 2))[0]
        meeting = MeetingDraft(
            number=number,
            date=day if rng.random() < 0.95 else day.replace(day=1),
            date_precision="day",
            place="" if meeting_format != "in_person" else host.capital,
            place_ru="" if meeting_format != "in_person" else host.capital_ru,
            format=meeting_format,
            kind=kind,
            status=status,
            confidence=round(rng.uniform(0.45, 0.97), 2),
            review_status=rng.choices(
                ("auto", "confirmed", "needs_review", "rejected"), weights=(85, 8, 6, 1)
            )[0],
            participants=participants,
        )
        if meeting.date.day == 1 and meeting.date != day:
            meeting.date_precision = "month"
        names = " and ".join(p.name for p, _ in participants[:3])
        where = (
            f" in {meeting.place}" if meeting.place else f" by {meeting.format.replace('_', ' ')}"
        )
        meeting.summary = f"{kind.capitalize()}: {names}{where}."
        return meeting

    # Articles ---------------------------------------------------------------------------

    def _article(self, rng, word_rng, index, russian, meeting):
        language = "ru" if russian else "en"
        outlet = (self.russian_outlets if russian else self.outlets).draw(rng)
        draft = ArticleDraft(index=index, seed=self.seed, language=language, outlet=outlet)
        if meeting is not None:
            offset = -rng.randrange(1, 10) if meeting.status == "planned" else rng.randrange(3)
            day = min(max(meeting.date + timedelta(days=offset), FIRST_DAY), LAST_DAY)
            draft.meeting = meeting
        else:
            day = self._day(rng)
        self._date_fields(rng, draft, day, may_be_undated=meeting is None)
        roll = rng.random()
        if draft.review_status == "auto":
            if roll < 0.005:
                draft.review_status = "rejected"
            elif roll < 0.025:
                draft.review_status = "confirmed"
        Composer(self, rng, word_rng, draft, day).write()
        if rng.random() >= 0.02:
            draft.url = f"https://{SYNTHETIC_DOMAIN}/{outlet.slug}/{index}"
        if rng.random() < 0.03:
            other = self.outlets.draw(rng)
            copy_day = draft.published_date and draft.published_date + timedelta(days=1)
            draft.copies.append(
                CopyDraft(
                    other,
                    f"https://{SYNTHETIC_DOMAIN}/{other.slug}/{index}-reprint",
                    copy_day,
                    f"Reprinted from {outlet.name}\n{draft.title}\n{draft.body}",
                )
            )
        return draft


class Composer:
    """Writes one article's headline, lead, dateline and body, recording every name's
    place in the body as it goes."""

    def __init__(self, planner, rng, word_rng, draft, day):
        self.planner = planner
        self.rng = rng
        self.draft = draft
        self.day = day
        self.russian = draft.language == "ru"
        vocab = planner.russian if self.russian else planner.english
        target = int(
            min(MAX_WORDS, max(MIN_WORDS, rng.lognormvariate(math.log(MEDIAN_WORDS), WORDS_SIGMA)))
        )
        # Headline, lead, quote and organization sentence take words after the body's.
        self.target = target
        self.words = vocab.draw_words(word_rng, target + 200)
        self.position = 0
        self.body_parts = []
        self.body_length = 0
        self.named = {}  # person -> times named

    # Pieces -----------------------------------------------------------------------------

    def _take(self, count):
        chunk = self.words[self.position : self.position + count]
        self.position += count
        return chunk

    def _filler(self, count):
        """A sentence of `count` vocabulary words, capitalized, with a comma now and then."""
        words = self._take(count)
        if not words:
            return ""
        if len(words) > 12:
            cut = self.rng.randrange(4, len(words) - 4)
            words[cut] += ","
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."

    def _name(self, person, with_role):
        """How the article names `person` now: in full with the role the first time, then
        by surname; Cyrillic in Russian articles when the person has a Cyrillic form."""
        times = self.named.get(person, 0)
        self.named[person] = times + 1
        position = person.position_on(self.day)
        if self.russian and person.cyrillic:
            full, short = person.cyrillic, person.cyrillic.split()[-1]
            role = ROLE_SHORT_RU.get(position.role if position else "other", "")
        else:
            latin = [a for a in person.aliases if a.isascii() and " " in a]
            full = person.name if not latin or self.rng.random() < 0.8 else self.rng.choice(latin)
            short = person.surname or person.name.split()[-1]
            role = ROLE_SHORT.get(position.role if position else "other", "")
            country = COUNTRY_BY_CODE.get(person.country)
            if country and role:
                role = f"{country.adjective} {role}"
        if times:
            return [("person", person, short, "")]
        title = position.title if position else ""
        if with_role and role:
            return [role + " ", ("person", person, full, title)]
        return [("person", person, full, title)]

    def _sentence(self, pieces):
        """Append a sentence made of text and ("person"|"org", entity, text, role) pieces."""
        start = self.body_length + (1 if self.body_parts and self.body_parts[-1] != "\n\n" else 0)
        if start > self.body_length:
            self._append(" ")
        spans, length = [], 0
        texts = []
        for piece in pieces:
            if isinstance(piece, tuple):
                kind, entity, text, role = piece
                spans.append((kind, entity, length, text, role))
            else:
                text = piece
            texts.append(text)
            length += len(text)
        sentence = "".join(texts)
        self._append(sentence)
        for kind, entity, offset, text, role in spans:
            mention = MentionDraft(
                start=start + offset,
                end=start + offset + len(text),
                text=text,
                evidence=sentence,
                role_title=role,
                review_status=self.rng.choices(
                    ("auto", "confirmed", "rejected"), weights=(95, 4, 1)
                )[0],
            )
            if kind == "person":
                mention.person = entity
            else:
                mention.organization = entity
            self.draft.mentions.append(mention)
        return start, sentence

    def _append(self, text):
        self.body_parts.append(text)
        self.body_length += len(text)

    def _paragraph_break(self):
        if self.body_parts:
            self._append("\n\n")

    # The article ------------------------------------------------------------------------

    def write(self):
        draft, rng = self.draft, self.rng
        meeting = draft.meeting
        people = [p for p, _ in meeting.participants] if meeting else []
        for _ in range(max(0, rng.choices((1, 2, 3, 4, 5), weights=(15, 30, 30, 15, 10))[0])):
            person = self.planner.people.draw(rng)
            if person not in people:
                people.append(person)
        self._dateline()
        if meeting:
            draft.meeting_evidence = self._meeting_sentence(meeting)[1]
        else:
            self._said(people[0], rng.randrange(10, 20))
        while self.position < self.target:
            self._paragraph_break()
            for _ in range(rng.randrange(2, 5)):
                if rng.random() < 0.12:
                    self._said(rng.choice(people), rng.randrange(8, 18))
                else:
                    self._sentence([self._filler(rng.randrange(8, 26))])
        if rng.random() < 0.4:
            self._organization_sentence()
        if rng.random() < 0.25:
            self._quote(rng.choice(people[:2]))
        draft.body = "".join(self.body_parts)
        draft.title = self._title(people)
        draft.lead = self._filler(rng.randrange(14, 26)) if rng.random() < 0.8 else ""
        header = f" date {draft.published_date.isoformat()}" if draft.published_date else ""
        chrome = "\n".join(rng.sample(CHROME, 3))
        draft.raw_text = f"{header}\n{chrome}\n{draft.title}\n{draft.lead}\n{draft.body}\nRead also"

    def _said(self, person, words):
        filler = self._filler(words)
        said = " сказал, что " if self.russian else " said "
        self._sentence([*self._name(person, True), said + filler[:1].lower() + filler[1:]])

    def _dateline(self):
        draft, day = self.draft, self.day
        country = COUNTRY_BY_CODE.get(draft.outlet.country) or COUNTRY_BY_CODE["RU"]
        place, place_ru = country.capital, country.capital_ru
        if draft.meeting and draft.meeting.place:
            place, place_ru = draft.meeting.place, draft.meeting.place_ru
        tag = f" {draft.outlet.dateline_tag}." if draft.outlet.dateline_tag else ""
        if self.russian:
            draft.dateline = f"{place_ru.upper()}, {day.day} {MONTHS_RU[day.month - 1]}.{tag}"
            draft.dateline_place = place_ru
        else:
            draft.dateline = f"{place.upper()}, {day:%B} {day.day}.{tag}"
            draft.dateline_place = place
        self._append(draft.dateline)

    def _meeting_sentence(self, meeting):
        a, b = meeting.participants[0][0], meeting.participants[1][0]
        rest = [p for p, _ in meeting.participants[2:]]
        weekday = WEEKDAYS[meeting.date.weekday()]
        if self.russian:
            topic = self.rng.choice(TOPICS_RU)
            where = f" в {meeting.place_ru}" if meeting.place_ru else " по видеосвязи"
            if meeting.status == "planned":
                pieces = [*self._name(a, True), " проведет переговоры с ", *self._name(b, True)]
            else:
                pieces = [*self._name(a, True), " провел переговоры с ", *self._name(b, True)]
            for person in rest:
                pieces += [" и ", *self._name(person, False)]
            pieces.append(f"{where}, обсудив {topic}.")
        else:
            topic = self.rng.choice(TOPICS)
            where = f" in {meeting.place}" if meeting.place else " by video link"
            verb = {
                "planned": " will hold talks with ",
                "cancelled": " called off planned talks with ",
            }.get(meeting.status, " held talks with ")
            pieces = [*self._name(a, True), verb, *self._name(b, True)]
            for person in rest:
                pieces += [" and ", *self._name(person, True)]
            pieces.append(f"{where} on {weekday} to discuss {topic}, the ministry said.")
        return self._sentence(pieces)

    def _organization_sentence(self):
        organization = self.planner.organizations.draw(self.rng)
        text = organization.name
        if organization.aliases and self.rng.random() < 0.3:
            text = self.rng.choice(organization.aliases)
        filler = self._filler(self.rng.randrange(6, 14))
        verb = " сообщает, что " if self.russian else " said "
        self._paragraph_break()
        self._sentence(
            [
                "The " if not self.russian else "",
                ("org", organization, text, ""),
                verb + filler[:1].lower() + filler[1:],
            ]
        )

    def _quote(self, person):
        quoted = self._filler(self.rng.randrange(10, 22)).rstrip(".")
        self._paragraph_break()
        opening, closing = ("«", "», — заявил ") if self.russian else ('"', '," ')
        said = "" if self.russian else " said."
        start, _sentence = self._sentence(
            [opening + quoted + closing, *self._name(person, False), said]
        )
        position = person.position_on(self.day)
        self.draft.quotes.append(
            QuoteDraft(
                person=person,
                text=quoted,
                start=start + len(opening),
                end=start + len(opening) + len(quoted),
                role_title=position.title if position else "",
                evidence=_sentence,
            )
        )

    def _title(self, people):
        rng = self.rng
        a = people[0]
        b = people[1] if len(people) > 1 else None
        short = a.cyrillic.split()[-1] if self.russian and a.cyrillic else a.surname
        if self.russian:
            topic = rng.choice(TOPICS_RU)
            if b and rng.random() < 0.5:
                other = b.cyrillic.split()[-1] if b.cyrillic else b.surname
                return f"{short} и {other} обсудили {topic}"
            words = " ".join(self._take(rng.randrange(4, 8)))
            return f"{short}: {words}"
        topic = rng.choice(TOPICS)
        roll = rng.random()
        if b and roll < 0.35:
            return f"{short} and {b.surname} discuss {topic}"
        if roll < 0.55:
            country = COUNTRY_BY_CODE.get(a.country)
            place = self.draft.dateline_place
            adjective = country.adjective if country else "Foreign"
            return f"{adjective} defense chief in {place} for talks on {topic}"
        words = " ".join(self._take(rng.randrange(5, 10)))
        return f"{short} says {words}" if roll < 0.75 else (words[:1].upper() + words[1:])
