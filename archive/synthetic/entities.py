"""The cast of a synthetic archive: outlets, organizations and people.

The real gazetteer (fixtures/gazetteer.json) comes first; made-up outlets, organizations
and people of many countries are added to it, each person with aliases (another spelling,
the surname alone, Cyrillic forms) and dated positions. Everything here is plain data,
made from a seed, without Django.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from archive.ingest.gazetteer import Gazetteer

SYNTHETIC_OUTLETS = 200
SYNTHETIC_ORGANIZATIONS = 150
SYNTHETIC_PEOPLE = 500
SYNTHETIC_DOMAIN = "synthetic.example"
SYNTHETIC_PERSON_NOTE = "Made up by generate_corpus for benchmarks; not a real person."
RUSSIAN_LANGUAGE_COUNTRIES = {"RU", "BY", "KZ", "KG", "TJ"}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    adjective: str
    capital: str
    capital_ru: str
    names: str  # which given names and surnames its people get


COUNTRIES = [
    Country("RU", "Russia", "Russian", "Moscow", "Москва", "slavic"),
    Country("CN", "China", "Chinese", "Beijing", "Пекин", "chinese"),
    Country("IN", "India", "Indian", "New Delhi", "Нью-Дели", "indian"),
    Country("US", "the United States", "US", "Washington", "Вашингтон", "anglo"),
    Country("BY", "Belarus", "Belarusian", "Minsk", "Минск", "slavic"),
    Country("KZ", "Kazakhstan", "Kazakh", "Astana", "Астана", "turkic"),
    Country("KG", "Kyrgyzstan", "Kyrgyz", "Bishkek", "Бишкек", "turkic"),
    Country("TJ", "Tajikistan", "Tajik", "Dushanbe", "Душанбе", "persian"),
    Country("VN", "Vietnam", "Vietnamese", "Hanoi", "Ханой", "vietnamese"),
    Country("ID", "Indonesia", "Indonesian", "Jakarta", "Джакарта", "malay"),
    Country("MY", "Malaysia", "Malaysian", "Kuala Lumpur", "Куала-Лумпур", "malay"),
    Country("IR", "Iran", "Iranian", "Tehran", "Тегеран", "persian"),
    Country("PK", "Pakistan", "Pakistani", "Islamabad", "Исламабад", "arabic"),
    Country("EG", "Egypt", "Egyptian", "Cairo", "Каир", "arabic"),
    Country("TR", "Turkey", "Turkish", "Ankara", "Анкара", "turkic"),
    Country("KP", "North Korea", "North Korean", "Pyongyang", "Пхеньян", "korean"),
    Country("KR", "South Korea", "South Korean", "Seoul", "Сеул", "korean"),
    Country("JP", "Japan", "Japanese", "Tokyo", "Токио", "japanese"),
    Country("BR", "Brazil", "Brazilian", "Brasilia", "Бразилиа", "latin"),
    Country("ZA", "South Africa", "South African", "Pretoria", "Претория", "anglo"),
    Country("FR", "France", "French", "Paris", "Париж", "latin"),
    Country("DE", "Germany", "German", "Berlin", "Берлин", "anglo"),
    Country("GB", "the United Kingdom", "British", "London", "Лондон", "anglo"),
    Country("SG", "Singapore", "Singaporean", "Singapore", "Сингапур", "chinese"),
    Country("LA", "Laos", "Lao", "Vientiane", "Вьентьян", "vietnamese"),
    Country("MN", "Mongolia", "Mongolian", "Ulaanbaatar", "Улан-Батор", "turkic"),
]
COUNTRY_BY_CODE = {country.code: country for country in COUNTRIES}

# Given names, and surname roots and endings, per naming tradition (our own short lists).
_GIVEN = {
    "slavic": "Ivan Sergei Andrei Dmitry Nikolai Alexei Viktor Oleg Yuri Pavel Mikhail Gennady"
    " Vadim Roman Igor",
    "chinese": "Wei Jun Lei Qiang Hong Ming Tao Bin Gang Hui Jian Yong Xin Feng Hai",
    "indian": "Anil Rajesh Sanjay Vikram Arun Suresh Manoj Ravi Ajay Deepak Rakesh Pradeep Sunil"
    " Vinod Ashok",
    "anglo": "James Michael David Robert Mark Thomas Richard Paul Steven Andrew Peter John Brian"
    " Kevin Daniel",
    "turkic": "Nurlan Erlan Askar Bolat Timur Murat Serik Daniyar Yerzhan Kanat Almaz Ruslan"
    " Bakyt Marat Azamat",
    "persian": "Ali Reza Hassan Mehdi Hossein Dariush Farhad Saeed Kamran Rustam Jamshed Firuz"
    " Bahrom Davron Shokir",
    "vietnamese": "Van Minh Quang Duc Thanh Hung Tuan Long Son Dung Khanh Phuc Binh Cuong Hieu",
    "malay": "Ahmad Hadi Budi Agus Hafiz Rizal Yusof Iskandar Wahyu Eko Dedi Faisal Zainal"
    " Hamzah Bambang",
    "arabic": "Mohamed Ahmed Khaled Tariq Omar Hassan Imran Bilal Yasir Karim Nabil Samir Adel"
    " Walid Faisal",
    "korean": "Min-ho Jae-won Sung-min Chol Kwang-il Yong-ho Dong-hyun Tae-woo Hyun-soo Jin-woo"
    " Myong-guk Su-il Sang-hoon Il-su Ho-jin",
    "japanese": "Hiroshi Takeshi Kenji Yoshio Masato Kazuo Akira Nobuo Satoshi Koji Daisuke"
    " Minoru Shinji Tetsuo Yuji",
    "latin": "Carlos Jean Pierre Luis Marcelo Paulo Antoine Jose Rafael Eduardo Laurent Bruno"
    " Fernando Thierry Sergio",
}
_SURNAME_ROOTS = {
    "slavic": "Bel Kozl Mor Vol Sokol Grom Kras Lebed Zhukh Orl Kuzn Sedl Tars Rudn Bor Lys Shch"
    " Pol Dobr Yar",
    "chinese": "Zhang Wang Li Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Hu Guo He Gao Lin Luo"
    " Zheng",
    "indian": "Shar Ver Kum Sing Pate Red Nai Menon Rao Jos Gupt Mish Chau Iyen Pill Das Bhat Sax"
    " Mal Tri",
    "anglo": "Hart Brad Whit Carl Ash Fair Lang Stan Wood Brook Mill Hamp Thorn Bell Rad Cran Dal"
    " Ell Ford Gar",
    "turkic": "Nur Zhak Ask Tok Bek Ser Kair Dos Ab Zhan Ait Kas Sat Mam Tas Bay Erm Kul Ors Ush",
    "persian": "Hossein Rahim Karim Jafar Saf Akbar Mir Nas Shar Rost Tahm Dar Khos Bagh Fard Esl"
    " Mos Sol Gol Zar",
    "vietnamese": "Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly Trinh Dinh Mai"
    " Ha Luong Vo",
    "malay": "Sant Prab Wir Sub Hart Sal Rahm Ism Abd Hus Yus Zak Kam Sur Wid Har Mulya Set Pur"
    " Nug",
    "arabic": "Al-Sha Al-Ras Haf Qur Nas Farr Mans Sal Qas Ham Khal Rash Sab Zah Bak Jab Hass Kar"
    " Mus Tah",
    "korean": "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song"
    " Ryu Ri",
    "japanese": "Yama Naka Taka Matsu Kawa Hashi Ishi Fuji Mori Kobaya Sasa Hara Nishi Kita Ino"
    " Sakai Ono Aoki Kiku Shima",
    "latin": "Mar Dup Fer Gonz Ber Lef Sant Rod Mor Cost Gir Lam Mend Oliv Per Rib Silv Vass Alm"
    " Bon",
}
_SURNAME_ENDINGS = {
    "slavic": "ov ev in sky enko ykin ovich anov itsky ashov",
    "indian": "ma h ar l dy r an hi ra i",
    "anglo": "ley ford ton well man field son wood er by",
    "turkic": "ayev enov bekov ov imov ulin ekov ashev oglu an",
    "persian": "i zadeh ian pour avi ov khani nejad ari bakhsh",
    "malay": "oso owo anto ail ullah ein ady aryo odo ian",
    "arabic": "er id ouk ar ser im ah an ran di",
    "japanese": "moto da shi mura gawa zaki no ta uchi hara",
    "latin": "tin ont reira alez nard evre os rigues eau a",
}  # Chinese, Korean and Vietnamese surnames are whole roots
_FAMILY_NAME_FIRST = {"chinese", "korean", "vietnamese"}
_TRANSLITERATION = (
    "shch:щ zh:ж kh:х ts:ц ch:ч sh:ш yu:ю ya:я ye:е yo:ё a:а b:б c:к d:д e:е f:ф g:г h:х"
    " i:и j:дж k:к l:л m:м n:н o:о p:п q:к r:р s:с t:т u:у v:в w:в x:кс y:й z:з"
)
_CYRILLIC = [tuple(pair.split(":")) for pair in _TRANSLITERATION.split()]
# fmt: off
_OUTLET_WORDS = [
    ("Herald", "newspaper"), ("Daily", "newspaper"), ("Times", "newspaper"),
    ("Courier", "newspaper"), ("Defense Review", "magazine"), ("Military Bulletin", "magazine"),
    ("Observer", "newspaper"), ("Gazette", "newspaper"), ("News Agency", "wire"),
    ("Telegraph", "newspaper"), ("Monitor", "blog"), ("Post", "newspaper"),
    ("Tribune", "newspaper"), ("Chronicle", "newspaper"), ("Journal", "magazine"),
    ("Broadcasting", "broadcaster"), ("Security Digest", "blog"), ("Press Service", "wire"),
]
_ORGANIZATION_WORDS = [
    ("Defense Research Institute", "other"), ("Military Academy", "other"),
    ("Naval Command", "service"), ("Air Defense Command", "service"),
    ("Military District", "military_district"), ("Border Service", "service"),
    ("Defense Procurement Agency", "government"), ("Strategic Studies Center", "other"),
    ("Arms Company", "company"), ("Shipbuilding Corporation", "company"),
]
# fmt: on
_FINAL_Y = re.compile(r"(?<=[бвгджзклмнпрстфхцчшщ])й(?![а-яё])", re.IGNORECASE)
ROLE_TITLES = {
    "defense_minister": "Minister of Defense of {country}",
    "deputy_defense_minister": "Deputy Minister of Defense of {country}",
    "chief_of_general_staff": "Chief of the General Staff of the Armed Forces of {country}",
    "service_commander": "Commander of the {adjective} Navy",
    "security_council_secretary": "Secretary of the Security Council of {country}",
    "foreign_minister": "Minister of Foreign Affairs of {country}",
    "attache": "{adjective} Defense Attache",
    "ambassador": "Ambassador of {country}",
    "other": "Head of the {adjective} Military Cooperation Department",
}
ROLE_SHORT = {
    "defense_minister": "Defense Minister",
    "deputy_defense_minister": "Deputy Defense Minister",
    "chief_of_general_staff": "Chief of General Staff",
    "service_commander": "Navy Commander",
    "security_council_secretary": "Security Council Secretary",
    "foreign_minister": "Foreign Minister",
    "attache": "Defense Attache",
    "ambassador": "Ambassador",
    "other": "",
}


@dataclass(frozen=True)
class OutletSpec:
    slug: str
    name: str
    country: str
    kind: str
    dateline_tag: str = ""
    synthetic: bool = False

    @property
    def russian_language(self):
        return self.country in RUSSIAN_LANGUAGE_COUNTRIES


@dataclass(frozen=True)
class OrganizationSpec:
    slug: str
    name: str
    country: str
    kind: str
    aliases: tuple = ()
    synthetic: bool = False


@dataclass(frozen=True)
class PositionSpec:
    title: str
    role: str
    organization: str  # slug, or ""
    start: date | None
    end: date | None

    def held_on(self, day):
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PersonSpec:
    slug: str
    name: str
    country: str
    aliases: tuple = ()
    positions: tuple = ()
    synthetic: bool = False
    surname: str = ""
    cyrillic: str = ""  # the Cyrillic full name, when the person has one

    def position_on(self, day):
        held = [p for p in self.positions if p.held_on(day)]
        if held:
            return max(held, key=lambda p: p.start or day)
        return self.positions[-1] if self.positions else None

    @property
    def spellings(self):
        return (self.name, *self.aliases)


@dataclass
class Cast:
    """Everyone a synthetic article can name or be published by, most prominent first."""

    outlets: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    people: list = field(default_factory=list)


def build_cast(gazetteer: Gazetteer, seed):
    """The gazetteer's outlets, organizations and people, then made-up ones, from `seed`."""
    rng = random.Random(f"cast {seed}")
    cast = Cast()
    taken = set()
    for entry in gazetteer.outlets:
        tag = entry.dateline_tags[0] if entry.dateline_tags else ""
        cast.outlets.append(OutletSpec(entry.slug, entry.name, entry.country, entry.kind, tag))
        taken.add(entry.name.casefold())
    cast.outlets.extend(_made_up_outlets(rng, taken))
    for entry in gazetteer.organizations:
        cast.organizations.append(
            OrganizationSpec(entry.slug, entry.name, entry.country, entry.kind, entry.aliases)
        )
    cast.organizations.extend(_made_up_organizations(rng))
    for entry in gazetteer.people:
        cyrillic = next((a for a in entry.aliases if _is_cyrillic(a) and " " in a), "")
        positions = tuple(
            PositionSpec(p.title, p.role, p.organization, p.start, p.end) for p in entry.positions
        )
        cast.people.append(
            PersonSpec(
                entry.slug,
                entry.name,
                entry.country,
                tuple(entry.aliases),
                positions,
                surname=entry.name.split()[-1],
                cyrillic=cyrillic,
            )
        )
    cast.people.extend(_made_up_people(rng, cast.organizations, {p.slug for p in cast.people}))
    # Prominence: a shuffled gazetteer first (the famous), then the made-up (the many).
    famous, many = cast.people[: len(gazetteer.people)], cast.people[len(gazetteer.people) :]
    rng.shuffle(famous)
    cast.people = famous + many
    return cast


def _made_up_name(rng):
    onsets = ["B", "D", "K", "L", "M", "N", "R", "S", "T", "V", "Z", "Br", "Kr", "St", "Tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea"]
    codas = ["", "", "n", "r", "l", "s"]
    syllables = [rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)]
    for _ in range(rng.choice((1, 1, 2))):
        syllables.append(rng.choice(onsets).lower() + rng.choice(vowels) + rng.choice(codas))
    return "".join(syllables) + rng.choice(["a", "o", "ia", "en", "ar", ""])


def _slug(text):
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in out.split("-") if part)


def _made_up_outlets(rng, taken):
    outlets = []
    while len(outlets) < SYNTHETIC_OUTLETS:
        country = rng.choice(COUNTRIES)
        word, kind = rng.choice(_OUTLET_WORDS)
        name = f"{_made_up_name(rng)} {word}"
        if name.casefold() in taken:
            continue
        taken.add(name.casefold())
        outlets.append(OutletSpec(f"syn-{_slug(name)}", name, country.code, kind, synthetic=True))
    return outlets


def _made_up_organizations(rng):
    organizations, taken = [], set()
    while len(organizations) < SYNTHETIC_ORGANIZATIONS:
        country = rng.choice(COUNTRIES)
        word, kind = rng.choice(_ORGANIZATION_WORDS)
        name = f"{_made_up_name(rng)} {word}"
        if name in taken:
            continue
        taken.add(name)
        short = f"{country.adjective} {word}"
        organizations.append(
            OrganizationSpec(f"syn-{_slug(name)}", name, country.code, kind, (short,), True)
        )
    return organizations


def _made_up_people(rng, organizations, taken):
    by_country = {}
    for organization in organizations:
        by_country.setdefault(organization.country, []).append(organization.slug)
    people = []
    while len(people) < SYNTHETIC_PEOPLE:
        country = rng.choice(COUNTRIES)
        given = rng.choice(_GIVEN[country.names].split())
        surname = rng.choice(_SURNAME_ROOTS[country.names].split())
        surname += rng.choice(_SURNAME_ENDINGS.get(country.names, "").split() or [""])
        family_first = country.names in _FAMILY_NAME_FIRST
        name = f"{surname} {given}" if family_first else f"{given} {surname}"
        slug = f"syn-{_slug(name)}"
        if slug in taken:
            continue
        taken.add(slug)
        cyrillic = to_cyrillic(name)
        aliases = [surname, _variant(name), cyrillic, to_cyrillic(surname)]
        aliases = tuple(dict.fromkeys(a for a in aliases if a and a != name))
        positions = _positions(rng, country, by_country.get(country.code, []))
        people.append(
            PersonSpec(
                slug,
                name,
                country.code,
                aliases,
                positions,
                synthetic=True,
                surname=surname,
                cyrillic=cyrillic,
            )
        )
    return people


def _positions(rng, country, organizations):
    """One to three positions in a row; the last is still held if it would end after 2025."""
    start = date(rng.randrange(1998, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
    positions = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        role = rng.choice(list(ROLE_TITLES))
        title = ROLE_TITLES[role].format(country=country.name, adjective=country.adjective)
        organization = rng.choice(organizations) if organizations else ""
        end = start + timedelta(days=365 * rng.randrange(2, 9) + rng.randrange(-90, 90))
        if end.year > 2025:
            positions.append(PositionSpec(title, role, organization, start, None))
            break
        positions.append(PositionSpec(title, role, organization, start, end))
        start = end + timedelta(days=1)
    return tuple(positions)


def _variant(name):
    """Another common Latin spelling: y for i, ey for ei, f for v at the end."""
    for old, new in (("ei ", "ey "), ("ov", "off"), ("i", "y"), ("ou", "u"), ("sh", "ch")):
        if old in name:
            return name.replace(old, new, 1)
    return ""


def to_cyrillic(text):
    """A rough Russian-style transliteration of a Latin name."""
    out, i, lower = [], 0, text.lower()
    while i < len(lower):
        for latin, cyrillic in _CYRILLIC:
            if lower.startswith(latin, i):
                piece = cyrillic
                if text[i].isupper():
                    piece = piece[:1].upper() + piece[1:]
                out.append(piece)
                i += len(latin)
                break
        else:
            out.append(text[i])  # spaces, hyphens
            i += 1
    return _FINAL_Y.sub("и", "".join(out))


def _is_cyrillic(text):
    return any("\u0400" <= c <= "\u04ff" for c in text)
