"""Plain-text scraper dumps: find the article among the page chrome.

A dump is the visible text of a news page, one block per line:

     date 2019-06-13 Military & Defense        optional header (leading space): date, section or URL
    World / Business & Economy / ...          section menu, widgets ("Select the city", "USD 92.45")
    Headline                                  the first headline-like line
    Military & Defense / June 13, 14:53 UTC+3 MOSCOW / a one-line lead / Share
    MOSCOW, June 13. /TASS/. First paragraph  the dateline opens the body
    ... Read also + another article's headline, Most read / TOP STORIES lists,
    Photo / Infographics lists, ADVERTISEMENT, {{template}} placeholders ...
    Source: Xinhua                            attribution
    Comments (3) / reader spam                everything after a comments header is dropped

The result keeps every piece of evidence the later stages need (header, dateline, time
line, Source: line) apart from the clean body.
"""

import re
from dataclasses import dataclass, field

HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.*\S))?\s*$", re.IGNORECASE)

# Lines that are page furniture wherever they stand.
CHROME_LINES = {
    line.casefold()
    for line in [
        "All news",
        "News Feed",
        "News feed",
        "Sections",
        "News Search Topics",
        "Use filter",
        "You can filter your feed,",
        "by choosing only interesting",
        "sections.",
        "Go to Search",
        "Loading",
        "Loading...",
        "More news",
        "Show more",
        "Load more",
        "Select the city",
        "Currency converter",
        "^",
        "ОК",
        "OK",
        "Share",
        "Share this",
        "Tweet",
        "Print",
        "ADVERTISEMENT",
        "Advertisement",
        "Subscribe",
        "Subscribe to our newsletter",
        "Close",
        "Menu",
        "Search",
        "Home",
        "Back to top",
        "Follow us",
        "Copy link",
        "Font size",
        "Latest news",
        "Editor's choice",
        "Top",
        "Video",
        "Live",
        "Newsletter",
        "Log in",
        "Sign in",
        "Sign up",
        "Register",
        "Cookie settings",
        "Accept cookies",
        "Accept",
        "We use cookies",
        "Skip to content",
        "Next article",
        "Previous article",
        "Tags",
        "Topics",
        "Related topics",
        "Related",
        "Trending",
        "Popular",
        "Featured",
        "Все новости",
        "Лента новостей",
        "Поделиться",
        "Загрузка",
        "Реклама",
        "Читать также",
        "Читайте также",
        "Главное",
        "Популярное",
        "Комментарии",
        "Now",
        "Today",
        "This week",
        "Partner News",
    ]
}
SECTION_NAMES = {
    name.casefold()
    for name in [
        "World",
        "Russia",
        "Business & Economy",
        "Business",
        "Economy",
        "Military & Defense",
        "Military & Defence",
        "Defense",
        "Defence",
        "Military",
        "Emergencies",
        "Science & Space",
        "Science",
        "Society & Culture",
        "Society",
        "Culture",
        "Sport",
        "Sports",
        "Press Review",
        "Politics",
        "Russian Politics & Diplomacy",
        "Diplomacy",
        "International",
        "China",
        "Asia",
        "Asia-Pacific",
        "Europe",
        "Americas",
        "Africa",
        "Middle East",
        "Opinion",
        "Analysis",
        "Top News",
        "News",
        "Multimedia",
        "Photo",
        "Infographics",
        "Videos",
        "Photos",
        "Tech",
        "Technology",
        "Health",
        "Lifestyle",
        "Travel",
        "Nation",
        "India",
        "US",
        "Global",
        "Security",
        "Mil",
        "Military News",
        "Weather",
        "Entertainment",
        "Environment",
        "Source",
        "Politics & Diplomacy",
        "Мир",
        "Политика",
        "Экономика",
        "Армия",
        "Общество",
        "Спорт",
        "Наука",
        "Культура",
        "Армия и ОПК",
        "В мире",
    ]
}
# Boilerplate lines of wires, blogs and CMSs: credits, copyright, sign-ups, tag lists.
BOILERPLATE = re.compile(
    r"^(?:advertisement\b.{0,40}|sign up here\.?|sign up for .{0,60}|our standards:.*|"
    r"posted by \S+.{0,60}|posted (?:on|at) .{0,40}|(?:editor|editors|edited by|editing by|"
    r"reporting by|writing by|additional reporting by|compiled by|translated by)\s*:?.{0,120}|"
    r"tags?\s*:.{0,200}|filed under\s*:?.{0,200}|keywords?\s*:.{0,200}|"
    r"(?:copyright|©)\b.{0,200}|all rights reserved\.?.{0,120}|"
    r"this material may not be .{0,120}|share (?:this|on) .{0,40}|print this .{0,20}|"
    r"follow us on .{0,60}|click here .{0,80}|subscribe to .{0,80}|"
    r"\(reporting by .{0,200}\))$",
    re.IGNORECASE,
)
CURRENCY = re.compile(r"^(?:USD|EUR|CNY|GBP|JPY|RUB|INR|\$|€|£|¥)\s*[-+]?\d[\d.,\s]*[%▲▼]?$")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
PAGES_LINE = re.compile(r"^(?:\d+ pages? in this article|\d{1,2})$", re.IGNORECASE)
# "Read also" blocks: the marker, then one or more headlines of other articles.
RELATED_MARKER = re.compile(
    r"^(?:read also|also read|read more|see also|related(?: news| articles| stories)?|"
    r"more on this topic|читайте также|читать также|по теме)\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# Lists of other headlines, usually numbered; they run to the next real paragraph.
LIST_MARKER = re.compile(
    r"^(?:most read|most popular|most viewed|most commented|most shared|trending now|"
    r"top stories|top news|latest news|editor'?s picks|in other media|partner news|"
    r"more stories|you may also like|recommended|самое читаемое)\s*:?$",
    re.IGNORECASE,
)
# Headings that are also menu items: a list only once the article has begun.
MENU_OR_LIST_MARKER = re.compile(
    r"^(?:popular|latest|photo|photos|infographics|multimedia|video|videos|"
    r"популярное|фото|инфографика)\s*:?$",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]?|[-•*·])\s+\S")
# After these, only reader comments follow.
COMMENTS_MARKER = re.compile(
    r"^(?:comments?(?:\s*\(\d+\))?|\d+\s+comments?|reader comments|leave a comment|"
    r"add (?:a )?comment|login to comment|log in to comment|post a comment|комментарии"
    r"(?:\s*\(\d+\))?)\s*:?$",
    re.IGNORECASE,
)
SOURCE_LINE = re.compile(r"^(?:source|источник)\s*:\s*(?P<source>.{2,80})$", re.IGNORECASE)
MONTHS_EN = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
MONTHS_RU = r"(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
# "June 13, 14:53 UTC+3 MOSCOW": a page's time stamp, without a year.
TIME_LINE = re.compile(
    rf"^(?P<date>{MONTHS_EN}\s+\d{{1,2}}|\d{{1,2}}\s+{MONTHS_RU}|\d{{1,2}}\s+{MONTHS_EN}),?\s+"
    rf"(?:\d{{4}},?\s+)?\d{{1,2}}:\d{{2}}(?:\s*(?:UTC|GMT|MSK)\s*[+-]?\d*)?(?:\s+[A-ZА-Я\s-]+)?$"
)
# Datelines: "MOSCOW, June 13. /TASS/." "BEIJING (Sputnik) -" "BEIJING, Oct. 14 (Xinhua) --"
# "NEW DELHI, April 28 (PTI)" "МОСКВА, 14 октября. /ТАСС/."
DATELINE = re.compile(
    rf"^(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ .'’-]{{1,40}}?)(?:, (?P<region>[A-Z][a-z]+(?: [A-Z][a-z]+)?))?"
    rf"(?:,\s*(?P<date>{MONTHS_EN}\s+\d{{1,2}}|\d{{1,2}}\s+{MONTHS_RU}|\d{{1,2}}\s+{MONTHS_EN})"
    rf"(?:,\s*(?P<year>\d{{4}}))?)?"
    rf"\s*\.?\s*(?:/(?P<slash>[^/\n]{{2,30}})/|\((?P<paren>[^()\n]{{2,30}})\))\s*(?:[.:,]|-{{1,2}}|[–—])?\s*"
)
TERMINAL = re.compile(r"[.!?…\"»”’')\]]$")


@dataclass
class TextDump:
    header_date: str = ""
    header_rest: str = ""  # section name or source URL from the header line
    title: str = ""
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    dateline: str = ""
    dateline_place: str = ""
    dateline_date: str = ""  # month and day as written, e.g. "June 13"
    dateline_year: str = ""
    dateline_tag: str = ""  # "TASS", "Sputnik", "Xinhua"
    time_line: str = ""
    source_lines: list[str] = field(default_factory=list)

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)


def is_chrome(line):
    folded = line.casefold()
    return (
        folded in CHROME_LINES
        or folded in SECTION_NAMES
        or bool(CURRENCY.match(line))
        or bool(BOILERPLATE.match(line))
        or bool(PAGES_LINE.match(line))
        or not PLACEHOLDER.sub("", line).strip()
    )


def looks_like_headline(line):
    """A line that reads as a headline: several words, no closing punctuation, not a menu
    item in capitals ("LIFE & STYLE")."""
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    return (
        3 <= len(words) <= 30
        and not line.isupper()
        and not line.rstrip().endswith((".", ",", ";", ":"))
    )


def is_sentence(line):
    return bool(TERMINAL.search(line)) and len(line.split()) >= 4


def parse_dateline(paragraph):
    match = DATELINE.match(paragraph)
    if not match:
        return None
    tag = (match.group("slash") or match.group("paren") or "").strip()
    place = match.group("place").strip(" ,.")
    if not tag or len(place) < 2 or not place.replace(" ", "").isupper():
        return None
    return match, place, tag


def drop_chrome(lines):
    """Remove chrome lines and blocks, keeping the order of everything else.

    Returns (kept lines, Source: values). Blank lines are kept as paragraph breaks.
    """
    kept, sources = [], []
    index = 0
    # Before the first sentence, "Photos" or "Video" is a menu item, not a list's heading.
    in_article = False
    while index < len(lines):
        line = PLACEHOLDER.sub("", lines[index]).strip()
        index += 1
        if not line:
            kept.append("")
            continue
        if COMMENTS_MARKER.match(line):
            break
        source = SOURCE_LINE.match(line)
        if source:
            sources.append(source.group("source").strip())
            continue
        related = RELATED_MARKER.match(line)
        if related:
            if not related.group("rest"):
                index = _skip_headlines(lines, index, limit=3)
            continue
        if LIST_MARKER.match(line) or (in_article and MENU_OR_LIST_MARKER.match(line)):
            index = _skip_headlines(lines, index, limit=30)
            continue
        if MENU_OR_LIST_MARKER.match(line):
            continue
        if is_chrome(line):
            continue
        in_article = in_article or is_sentence(line)
        kept.append(line)
    return kept, sources


def _skip_headlines(lines, index, limit):
    """Skip the headlines after a related/list marker: up to `limit` non-sentence lines."""
    skipped = 0
    while index < len(lines) and skipped < limit:
        line = PLACEHOLDER.sub("", lines[index]).strip()
        if not line or is_chrome(line):
            index += 1
            continue
        if any(
            p.match(line)
            for p in (COMMENTS_MARKER, LIST_MARKER, MENU_OR_LIST_MARKER, RELATED_MARKER)
        ):
            break
        if LIST_ITEM.match(line) or (not is_sentence(line) and len(line.split()) <= 25):
            index += 1
            skipped += 1
            continue
        break
    return index


def parse_text_dump(text):
    """Split a scraper dump into header, headline, lead and body paragraphs."""
    dump = TextDump()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and (header := HEADER.match(lines[0])):
        dump.header_date, dump.header_rest = header.group(1), header.group(2) or ""
        lines = lines[1:]
    kept, dump.source_lines = drop_chrome(lines)
    blocks = [line for line in kept if line]

    dateline_at = None
    for position, line in enumerate(blocks):
        parsed = parse_dateline(line)
        if parsed:
            match, dump.dateline_place, dump.dateline_tag = parsed
            dump.dateline = match.group(0).strip()
            dump.dateline_date = match.group("date") or ""
            dump.dateline_year = match.group("year") or ""
            dateline_at = position
            break

    # The headline is the first headline-like line; failing that, the first line.
    before = blocks[:dateline_at] if dateline_at is not None else blocks
    title_at = next((i for i, line in enumerate(before) if looks_like_headline(line)), None)
    if title_at is None:
        title_at = 0 if blocks else None
    if title_at is None:
        return dump
    dump.title = blocks[title_at]

    if dateline_at is None:
        head, body = [], blocks[title_at + 1 :]
    else:
        head, body = blocks[title_at + 1 : dateline_at], blocks[dateline_at:]
    extra = []
    for line in head:
        if TIME_LINE.match(line):
            dump.time_line = dump.time_line or line
        elif line != dump.title and not dump.lead and len(line.split()) >= 5:
            dump.lead = line
        elif line != dump.title:
            extra.append(line)
    body = extra + body
    if not dump.time_line and body and TIME_LINE.match(body[0]):
        dump.time_line = body.pop(0)

    # "Lead" then "DATELINE - Lead. More": the lead is the body's first sentence, not extra text.
    opening = body[0][len(dump.dateline) :].strip() if dump.dateline and body else ""
    lead_in_body = bool(dump.lead and opening and _same_text(opening, dump.lead))
    paragraphs = [dump.lead] if dump.lead and not lead_in_body else []
    for line in body:
        if line == dump.title or (paragraphs and line == paragraphs[-1]):
            continue  # a repeated headline or paragraph
        paragraphs.append(line)
    dump.paragraphs = paragraphs
    return dump


def without_repeated_lead(paragraphs):
    """Drop a first paragraph that the dateline paragraph after it repeats."""
    if len(paragraphs) >= 2 and (parsed := parse_dateline(paragraphs[1])):
        opening = paragraphs[1][parsed[0].end() :].strip()
        if opening and _same_text(opening, paragraphs[0]):
            return paragraphs[1:]
    return paragraphs


def main_paragraphs(paragraphs):
    """The paragraphs from the dateline on, when one opens the text within three paragraphs.

    A stand-alone lead or kicker before the dateline differs between copies of one article
    (a site's summary, a re-scrape without it); the reported text does not.
    """
    for index, paragraph in enumerate(paragraphs[:3]):
        if parse_dateline(paragraph):
            return paragraphs[index:]
    return paragraphs


def _same_text(a, b):
    def norm(s):
        return re.sub(r"\W+", " ", s).strip().casefold()

    return norm(a) == norm(b) or norm(a).startswith(norm(b))
