"""People and organizations in an article's clean text.

Stages, each producing Mentions with character offsets into the text:
  1. gazetteer names and aliases (Latin, Cyrillic, Chinese; possessive and hyphenated
     forms; Russian case endings) with one Aho-Corasick automaton built once per process;
  2. officials the gazetteer lacks, from how news names them: a title or rank before a name
     ("Colonel-General Han Weiguo", "Chinese Defense Minister Dong Jun") or a name with an
     appositive role ("Li Qiaoming, commander of the PLA Ground Force,");
  3. short references to people already named in the article ("Belousov said", "Dong");
  4. titles without a name ("the Chinese defense minister", "his Russian counterpart"),
     resolved to who held the post on the article's date, or to the last person named with
     that role ("the minister").
"""

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import ahocorasick

from archive.ingest.gazetteer import Gazetteer

COUNTRY_ADJECTIVES = {
    "russian": "RU",
    "russia's": "RU",
    "chinese": "CN",
    "china's": "CN",
    "us": "US",
    "u.s.": "US",
    "american": "US",
    "indian": "IN",
    "india's": "IN",
    "belarusian": "BY",
    "kazakh": "KZ",
    "pakistani": "PK",
    "iranian": "IR",
    "vietnamese": "VN",
    "indonesian": "ID",
    "malaysian": "MY",
    "north korean": "KP",
    "mongolian": "MN",
    "lao": "LA",
    "laotian": "LA",
    "thai": "TH",
    "turkish": "TR",
    "egyptian": "EG",
    "saudi": "SA",
    "british": "GB",
    "french": "FR",
    "german": "DE",
    "japanese": "JP",
    "south korean": "KR",
    "uzbek": "UZ",
    "kyrgyz": "KG",
    "tajik": "TJ",
    "cambodian": "KH",
    "myanmar": "MM",
    "philippine": "PH",
    "singaporean": "SG",
    "australian": "AU",
}
COUNTRY_NAMES = {
    "russia": "RU",
    "china": "CN",
    "the united states": "US",
    "india": "IN",
    "belarus": "BY",
    "kazakhstan": "KZ",
    "pakistan": "PK",
    "iran": "IR",
    "vietnam": "VN",
    "indonesia": "ID",
    "malaysia": "MY",
    "north korea": "KP",
    "the dprk": "KP",
    "mongolia": "MN",
    "laos": "LA",
    "thailand": "TH",
    "turkey": "TR",
    "egypt": "EG",
    "saudi arabia": "SA",
}
ADJECTIVE = "|".join(sorted((re.escape(a) for a in COUNTRY_ADJECTIVES), key=len, reverse=True))
# Role phrases, each with the Position.role it names.
ROLE_PHRASES = [
    (
        r"defen[cs]e minister|minister of (?:national )?defen[cs]e|defen[cs]e chief|"
        r"defen[cs]e secretary|secretary of (?:defen[cs]e|war)|war secretary",
        "defense_minister",
    ),
    (r"deputy defen[cs]e minister|deputy minister of defen[cs]e", "deputy_defense_minister"),
    (
        r"chief of (?:the )?general staff|chief of staff of the armed forces|"
        r"chairman of the joint chiefs of staff|chief of defen[cs]e staff|army chief",
        "chief_of_general_staff",
    ),
    (
        r"vice[- ]chairman of the central military commission|cmc vice[- ]chairman",
        "cmc_vice_chairman",
    ),
    (r"defen[cs]e attach[eé]|military attach[eé]", "attache"),
    (r"ambassador", "ambassador"),
]
RANKS = (
    r"Army General|Colonel[- ]General|Lieutenant[- ]General|Major[- ]General|General|"
    r"Admiral|Vice[- ]Admiral|Rear[- ]Admiral|Senior Colonel|Colonel|Lieutenant Colonel|"
    r"Air Chief Marshal|Air Marshal|Marshal|Brigadier(?: General)?|Commodore|Captain"
)
NAME = r"(?P<name>[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?(?: [A-Z][a-z]+(?:-[A-Za-z][a-z]+)?){1,2})"
TITLED_NAME = re.compile(
    rf"\b(?P<title>(?i:(?:(?P<adj>{ADJECTIVE}) )?"
    rf"(?:(?:{'|'.join(p for p, _ in ROLE_PHRASES)})(?-i:(?: (?:of|for) [A-Z][\w']+(?: [A-Z][\w']+){{0,4}})?)"
    rf"|Commander of (?:the )?[A-Z][\w' -]{{3,60}}?|Defen[cs]e Attach[eé] of [\w' ]{{3,60}}?"
    rf"|(?:{RANKS}))))\s+{NAME}\b"
)
# Every TITLED_NAME match holds one of these words (in its title, under the same case
# folding) and none of these characters, so the pattern is tried only on the stretches
# between them that hold such a word (`titled_name_matches`): half the time of trying it
# at every word of an article. Full stops cannot split the stretches ("U.S. Defense
# Secretary").
TITLE_WORD = re.compile(
    "minister|secretary|chief|chairman|attach|ambassador|commander|"
    "general|admiral|marshal|colonel|brigadier|commodore|captain",
    re.IGNORECASE,
)
TITLED_NAME_BREAKS = ',;:!?()[]"“”«»'
_TITLED_NAME_BREAK = re.compile(f"[{re.escape(TITLED_NAME_BREAKS)}]")


def titled_name_matches(text):
    """The matches of TITLED_NAME.finditer(text), found on the stretches that can hold one."""
    done = 0  # where the last stretch ended: 0, or the position of a break
    for word in TITLE_WORD.finditer(text):
        if word.start() < done:
            continue
        # Looked for back to `done` only (it holds a break when not 0): back to the start
        # of the text, twelve searches for each title word made a long text quadratic.
        start = max(text.rfind(c, done, word.start()) for c in TITLED_NAME_BREAKS) + 1
        following = _TITLED_NAME_BREAK.search(text, word.end())
        done = following.start() if following else len(text)
        yield from TITLED_NAME.finditer(text, start, done)


APPOSITIVE = re.compile(
    rf"\b{NAME}, (?:the )?(?P<title>(?i:(?:(?:{ADJECTIVE}) )?(?:deputy |first deputy )?"
    r"(?:commander|chief|head|minister|secretary|defen[cs]e attach[eé]|ambassador))"
    r"[^,.;]{3,80}),"
)
ROLE_REFERENCE = re.compile(
    rf"\b(?:the|his|her|their)\s+(?:(?P<adj>{ADJECTIVE})\s+)?"
    rf"(?P<role>{'|'.join(p for p, _ in ROLE_PHRASES)}|counterpart|minister|general)\b"
    r"(?!\s+(?:staffs?|assembly|secretary|directorate|department)\b)",
    re.IGNORECASE,
)
# "the chief of Russia's General Staff", "the head of the Chinese Defense Ministry"
POSSESSIVE_ROLE = re.compile(
    r"\b(?i:the|his|her) (?:chief|head) of (?:the )?(?P<owner>[A-Z][\w.]+(?:['’]s)?) "
    r"(?P<body>General Staff|Defen[cs]e Ministry|Ministry of Defen[cs]e)\b"
)
# Words that look like names after a rank but are not people.
NOT_NAMES = {
    "federation",
    "republic",
    "kingdom",
    "states",
    "union",
    "emirates",
    "organization",
    "organisation",
    "alliance",
    "staff",
    "assembly",
    "secretary",
    "department",
    "directorate",
    "command",
    "ministry",
    "forces",
    "force",
    "army",
    "navy",
    "council",
    "office",
    "committee",
    "headquarters",
    "district",
    "the",
    "of",
    "and",
    "said",
    "says",
    "told",
    "noted",
    "added",
    "on",
    "in",
}
# Surnames written first (Chinese, Korean, Vietnamese names): "Dong Jun" is "Dong" for short.
SURNAME_FIRST = {
    "kim",
    "park",
    "choi",
    "ri",
    "no",
    "ro",
    "pak",
    "kang",
    "jong",
    "pham",
    "nguyen",
    "phan",
    "tran",
    "le",
    "hun",
    "tea",
    "dong",
    "wei",
    "li",
    "zhang",
    "liu",
    "han",
    "xu",
    "he",
    "wang",
    "chen",
    "yang",
    "zhao",
    "huang",
    "zhou",
    "wu",
    "sun",
    "ma",
    "hu",
    "guo",
    "lin",
    "luo",
    "miao",
    "shen",
    "xi",
    "fan",
    "chang",
    "qi",
    "jiang",
    "cai",
    "gao",
    "song",
    "zheng",
    "xie",
    "tang",
    "feng",
}
TITLE_WORDS = {
    "general",
    "admiral",
    "colonel",
    "lieutenant",
    "major",
    "marshal",
    "captain",
    "commodore",
    "brigadier",
    "minister",
    "president",
    "premier",
    "secretary",
    "commander",
    "chief",
    "ambassador",
    "senior",
    "vice",
    "deputy",
    "mr",
    "ms",
    "dr",
}
CYRILLIC_ENDINGS = (
    "ами",
    "ыми",
    "ому",
    "ого",
    "ем",
    "ей",
    "ым",
    "ом",
    "ой",
    "ов",
    "ах",
    "а",
    "у",
    "е",
    "ы",
    "ю",
    "я",
    "и",
)
# Russian names ending in these letters drop them when declined: Цзюнь, Цзюнем.
CYRILLIC_SOFT_ENDINGS = ("ь", "й", "а", "я")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    kind: str  # person | organization
    key: str  # gazetteer slug, or "new:<name>" for a person the gazetteer lacks
    how: str  # gazetteer | short_form | title | appositive | role_reference
    role_title: str = ""
    country: str = ""


@dataclass
class NewPerson:
    name: str
    role_title: str
    country: str
    evidence: str


@dataclass
class PeopleFound:
    mentions: list[Mention] = field(default_factory=list)
    new_people: dict[str, NewPerson] = field(default_factory=dict)

    def people_between(self, start, end):
        """Person mentions starting in [start, end), by binary search over the sorted list."""
        if getattr(self, "_starts_of", None) is not self.mentions:
            self._starts_of = self.mentions
            self._starts = [m.start for m in self.mentions]
        low = bisect.bisect_left(self._starts, start)
        high = bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[low:high] if m.kind == "person"]

    def people(self):
        """Person keys in order of first mention."""
        seen = []
        for mention in self.mentions:
            if mention.kind == "person" and mention.key not in seen:
                seen.append(mention.key)
        return seen


_FOLD_SPECIAL = {"ё": "е", "’": "'", "‘": "'", "ʼ": "'", "‐": "-", "–": "-"}


@lru_cache(maxsize=4096)
def _fold_char(ch):
    lowered = ch.lower()
    lowered = lowered[0] if len(lowered) != 1 else lowered
    base = unicodedata.normalize("NFD", lowered)[0]
    return _FOLD_SPECIAL.get(base, base)


def fold(text):
    """Lower case, no accents, ё as е, straight apostrophes; one character per character."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def _is_word_char(ch):
    return ch.isalnum()


def _cjk(ch):
    return "\u4e00" <= ch <= "\u9fff"


class PeopleMatcher:
    """Built once per gazetteer; `find()` is then cheap per article."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.people = {p.slug: p for p in gazetteer.people}
        self.organizations = {o.slug: o for o in gazetteer.organizations}
        self.automaton = ahocorasick.Automaton()
        forms = {}
        for person in gazetteer.people:
            for form in (person.name, *person.aliases):
                forms.setdefault(fold(form).strip(), ("person", person.slug))
        for org in gazetteer.organizations:
            for form in (org.name, *org.aliases):
                forms.setdefault(fold(form).strip(), ("organization", org.slug))
        for form, (kind, slug) in forms.items():
            if len(form) >= 2:
                self.automaton.add_word(form, (kind, slug, len(form), False))
            if form.endswith(CYRILLIC_SOFT_ENDINGS) and len(form) >= 4:
                stem = form[:-1]
                if stem not in forms and not self.automaton.exists(stem):
                    self.automaton.add_word(stem, (kind, slug, len(stem), True))
        self.known_forms = forms
        if forms:
            self.automaton.make_automaton()

    # -- stage 1 -----------------------------------------------------------------------
    def _gazetteer_mentions(self, text, folded):
        if not self.known_forms:
            return []
        found = []
        for end_index, (kind, slug, length, needs_ending) in self.automaton.iter(folded):
            start, end = end_index - length + 1, end_index + 1
            end = self._boundary_end(text, folded, start, end, needs_ending)
            if end is not None:
                found.append(Mention(start, end, text[start:end], kind, slug, "gazetteer"))
        return found

    @staticmethod
    def _boundary_end(text, folded, start, end, needs_ending=False):
        """The match's end if it stands as whole words (allowing Russian case endings)."""
        if start > 0 and _is_word_char(folded[start - 1]) and not _cjk(folded[start]):
            return None
        at_boundary = end >= len(folded) or not _is_word_char(folded[end])
        if not needs_ending and (at_boundary or _cjk(folded[end - 1])):
            return end
        if "\u0400" <= folded[end - 1] <= "\u04ff":
            for ending in CYRILLIC_ENDINGS:
                stop = end + len(ending)
                if folded[end:stop] == ending and (
                    stop >= len(folded) or not _is_word_char(folded[stop])
                ):
                    return stop
        return None

    # -- stage 2 -----------------------------------------------------------------------
    def _titled_mentions(self, text, known_spans):
        found = []
        titled = ((titled_name_matches(text), "title"), (APPOSITIVE.finditer(text), "appositive"))
        for matches, how in titled:
            for match in matches:
                name = match.group("name")
                start, end = match.span("name")
                while name.split()[0].lower() in TITLE_WORDS and len(name.split()) > 2:
                    first = name.split()[0]
                    name = name[len(first) + 1 :]
                    start += len(first) + 1
                tokens = name.split()
                if any(t.lower() in NOT_NAMES for t in tokens) or len(tokens) < 2:
                    continue
                if known_spans.overlaps(start, end):
                    continue
                if fold(name) in self.known_forms:
                    continue
                title = " ".join(match.group("title").split())
                found.append(
                    Mention(
                        start, end, name, "person", f"new:{name}", how, title, _country_of(title)
                    )
                )
        return found

    # -- stage 3 -----------------------------------------------------------------------
    def _short_forms(self, person_keys, new_people):
        forms = {}
        for key in person_keys:
            for form in self._short_forms_of(key, new_people):
                forms.setdefault(fold(form), key)
        return forms

    def _short_forms_of(self, key, new_people):
        if key.startswith("new:"):
            names = [key[4:]]
        else:
            person = self.people[key]
            names = [person.name, *person.aliases]
        shorts = set()
        for name in names:
            tokens = name.split()
            if len(tokens) < 2 or not all(t[:1].isupper() or _cjk(t[:1]) for t in tokens):
                continue
            if tokens[0].lower() in SURNAME_FIRST and len(tokens) <= 3:
                shorts.add(tokens[0])
            else:
                shorts.add(tokens[-1].rstrip("."))
        return [s for s in shorts if len(s) >= 3 or _cjk(s[:1]) or s.lower() in SURNAME_FIRST]

    def _short_mentions(self, text, folded, forms, taken):
        if not forms:
            return []
        automaton = ahocorasick.Automaton()
        for form, key in forms.items():
            automaton.add_word(form, (key, len(form)))
        automaton.make_automaton()
        found = []
        for end_index, (key, length) in automaton.iter(folded):
            start, end = end_index - length + 1, end_index + 1
            end = self._boundary_end(text, folded, start, end)
            if end is None or (not text[start].isupper() and not _cjk(text[start])):
                continue
            if taken.overlaps(start, end):
                continue
            found.append(Mention(start, end, text[start:end], "person", key, "short_form"))
        return found

    # -- stage 4 -----------------------------------------------------------------------
    def holder(self, role, country, on):
        """Who held `role` in `country` on date `on`, from the gazetteer's positions."""
        if on is None:
            return None
        holders = [
            p.slug
            for p in self.gazetteer.people
            if p.country == country
            and any(pos.role == role and pos.start and pos.held_on(on) for pos in p.positions)
        ]
        return holders[0] if len(holders) == 1 else None

    def role_of(self, key, on):
        """(title, role) the person held on `on`; the latest known when no date."""
        person = self.people.get(key)
        if person is None or not person.positions:
            return "", ""
        if on is not None:
            held = [p for p in person.positions if p.held_on(on)]
            if held:
                best = max(held, key=lambda p: p.start or date.min)
                return best.title, best.role
            return "", ""
        return "", ""

    def _role_mentions(self, text, mentions, on, taken):
        found = []
        for match in ROLE_REFERENCE.finditer(text):
            start, end = match.span()
            if taken.overlaps(start, end):
                continue
            role_text = match.group("role").lower()
            role = next(
                (r for pattern, r in ROLE_PHRASES if re.fullmatch(pattern, role_text)), None
            )
            adjective = (match.group("adj") or "").lower()
            country = COUNTRY_ADJECTIVES.get(adjective, "")
            key = None
            if country and role_text in {"counterpart", "minister"}:
                key = self.holder("defense_minister", country, on)
            elif country and role:
                key = self.holder(role, country, on)
            if key is None and not adjective:
                key = self._last_named_with(mentions, start, role, on)
            if key:
                found.append(
                    Mention(
                        start,
                        end,
                        match.group(0),
                        "person",
                        key,
                        "role_reference",
                        " ".join(match.group(0).split()[1:]),
                        country,
                    )
                )
        for match in POSSESSIVE_ROLE.finditer(text):
            start, end = match.span()
            if taken.overlaps(start, end):
                continue
            owner = match["owner"].lower().replace("’", "'")
            country = COUNTRY_ADJECTIVES.get(owner) or COUNTRY_NAMES.get(owner.removesuffix("'s"))
            role = (
                "chief_of_general_staff" if match["body"] == "General Staff" else "defense_minister"
            )
            key = self.holder(role, country, on) if country else None
            if key:
                found.append(
                    Mention(
                        start,
                        end,
                        match.group(0),
                        "person",
                        key,
                        "role_reference",
                        " ".join(match.group(0).split()[1:]),
                        country,
                    )
                )
        return found

    def _last_named_with(self, mentions, before, role, on):
        """The last person named before `before` whose role fits (any role if none given)."""
        for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
            if mention.kind != "person" or mention.start >= before:
                continue
            if role is None:
                return mention.key
            _, held = self.role_of(mention.key, on)
            if held == role or (
                mention.key.startswith("new:") and role in roles_in_title(mention.role_title)
            ):
                return mention.key
        return None

    # -- all stages ------------------------------------------------------------------------
    def find(self, text, on=None):
        folded = fold(text)
        found = PeopleFound()
        mentions = _non_overlapping(self._gazetteer_mentions(text, folded))
        spans = Spans(mentions)
        titled = _non_overlapping(self._titled_mentions(text, spans))
        for mention in titled:
            name = mention.key[4:]
            found.new_people.setdefault(
                name,
                NewPerson(
                    name, mention.role_title, mention.country, sentence_around(text, mention.start)
                ),
            )
        mentions = _non_overlapping(mentions + titled)
        person_keys = [m.key for m in mentions if m.kind == "person"]
        taken = Spans(mentions)
        shorts = self._short_mentions(
            text, folded, self._short_forms(person_keys, found.new_people), taken
        )
        mentions = sorted(mentions + shorts, key=lambda m: m.start)
        taken = Spans(mentions)
        roles = self._role_mentions(text, mentions, on, taken)
        found.mentions = sorted(mentions + roles, key=lambda m: m.start)
        for mention in found.mentions:
            if mention.kind == "person" and not mention.role_title:
                mention.role_title = self.role_of(mention.key, on)[0]
        return found

    def display_name(self, key):
        if key.startswith("new:"):
            return key[4:]
        person = self.people.get(key)
        if person:
            return person.name
        org = self.organizations.get(key)
        return org.name if org else key

    def country_of(self, key, new_people=None):
        if key.startswith("new:"):
            person = (new_people or {}).get(key[4:])
            return person.country if person else ""
        person = self.people.get(key)
        return person.country if person else ""


def roles_in_title(title):
    title = title.lower()
    return {role for pattern, role in ROLE_PHRASES if re.search(pattern, title)}


def _country_of(title):
    lowered = title.lower()
    for adjective, code in sorted(COUNTRY_ADJECTIVES.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?<!\w){re.escape(adjective)}(?!\w)", lowered):
            return code
    for name, code in COUNTRY_NAMES.items():
        if re.search(rf"\b{re.escape(name)}\b", lowered):
            return code
    return ""


class Spans:
    """Non-overlapping text spans, sorted, for overlap checks in logarithmic time (a text
    dense with names must not make extraction quadratic)."""

    def __init__(self, mentions):
        ordered = sorted((m.start, m.end) for m in mentions)
        self.starts = [s for s, _ in ordered]
        # The furthest end among the spans up to each one, so overlapping input works too.
        self.reach = list(itertools.accumulate((e for _, e in ordered), max))

    def overlaps(self, start, end):
        i = bisect.bisect_left(self.starts, end)  # the spans starting before `end`
        return i > 0 and self.reach[i - 1] > start


def _non_overlapping(mentions):
    """Longest first, then leftmost; drop what overlaps an earlier choice."""
    starts, ends, chosen = [], [], []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        i = bisect.bisect_left(starts, mention.start)
        if (i > 0 and ends[i - 1] > mention.start) or (i < len(starts) and starts[i] < mention.end):
            continue
        starts.insert(i, mention.start)
        ends.insert(i, mention.end)
        chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def sentence_around(text, index, reach=1000):
    """The sentence holding `index`, at most `reach` characters either side of it (a search
    unbounded by `reach` made a text dense with names quadratic)."""
    low, high = max(0, index - reach), min(len(text), index + reach)
    start = max(text.rfind(". ", low, index), text.rfind("\n", low, index), low - 1) + 1
    stop_candidates = [
        i for i in (text.find(". ", index, high), text.find("\n", index, high)) if i != -1
    ]
    stop = min(stop_candidates) + 1 if stop_candidates else high
    return text[start:stop].strip()
