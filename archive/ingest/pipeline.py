"""One raw document in, one article draft out: decode, parse, clean, date, attribute.

Pure Python: no Django, no database. `process()` raises IngestError with a reader-facing
message for input that cannot become an article; everything it returns can be stored.
"""

import hashlib
import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import htmldate
import trafilatura
from trafilatura.utils import load_html

from archive.ingest import dates
from archive.ingest.clean import (
    drop_chrome,
    main_paragraphs,
    parse_dateline,
    parse_text_dump,
    without_repeated_lead,
)
from archive.ingest.extract import date_from_tenures
from archive.ingest.language import detect_language
from archive.ingest.outlets import OutletFinding
from archive.ingest.read import IngestError, RawDocument, decode, parse_json

MAX_TITLE_CHARS = 1000
# trafilatura's time grows faster than a page's element count: 300,000 nested tags in a
# 1.2 MB page took 100 s. Article pages have a few thousand elements.
MAX_HTML_ELEMENTS = 50_000
MIN_BODY_CHARS = 40
# Private-use characters the search highlighter uses as markers; never let input carry them.
_MARKERS = dict.fromkeys(map(ord, "\ue000\ue001"))
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Unicode's control characters (category Cc) but tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Draft:
    source: str
    format: str
    title: str
    body: str
    raw_text: str
    raw_encoding: str
    raw_bytes: bytes | None = None
    lead: str = ""
    url: str = ""
    outlet: OutletFinding | None = None
    date: dates.DateFinding = dates.UNKNOWN
    dateline: str = ""
    dateline_place: str = ""
    language: str = ""
    review_reasons: list[str] = field(default_factory=list)
    main_text: str = ""  # the body from its dateline on, for de-duplication
    day_text: str = ""  # month and day from a dateline or time line, when the year is unknown

    @cached_property  # read only once the draft is complete
    def content_hash(self):
        return content_hash(self.main_text or self.body)


def normalise_for_hash(body):
    """The text as a reader sees it: no dateline, case, punctuation or spacing differences."""
    text = unicodedata.normalize("NFKC", body)
    first, _, rest = text.partition("\n")
    if parsed := parse_dateline(first):
        first = first[parsed[0].end() :]
    text = f"{first}\n{rest}".casefold()
    return " ".join(re.findall(r"\w+", text))


def content_hash(body):
    return hashlib.sha256(normalise_for_hash(body).encode()).hexdigest()


def clean_text(text):
    """Normalise Unicode, drop control characters and our highlight markers."""
    text = unicodedata.normalize("NFC", text).translate(_MARKERS)
    text = _CONTROL.sub("", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r" *\n *", "\n", text).strip()


def process(raw: RawDocument, outlets, today=None, people=None):
    """Turn one RawDocument into a Draft; raise IngestError if it cannot be an article.

    `people` (a PeopleMatcher) lets a dateline without a year take it from the tenures of
    the officials the text names with their titles.
    """
    today = today or date.today()
    if raw.error:
        raise IngestError(raw.error)
    decoded = decode(raw.data)
    if raw.format == "html":
        draft = _from_html(raw, decoded, outlets, today)
    elif raw.format == "json":
        draft = _from_record(raw, decoded, outlets, today)
    else:
        draft = _from_text_dump(raw, decoded, outlets, today)
    draft.raw_bytes = None if decoded.lossless else raw.data
    draft.title = clean_text(draft.title)[:MAX_TITLE_CHARS]
    paragraphs = without_repeated_lead(
        [clean_text(p) for p in draft.body.split("\n\n") if p.strip()]
    )
    draft.body = "\n\n".join(paragraphs)
    draft.main_text = "\n\n".join(main_paragraphs(paragraphs))
    draft.lead = clean_text(draft.lead)
    if not draft.title:
        raise IngestError("no headline found")
    if len(draft.body) < MIN_BODY_CHARS:
        raise IngestError("no article text found: the body is empty or too short")
    draft.language = draft.language or detect_language(f"{draft.title}\n{draft.body}")
    if draft.date.value is None and people is not None and draft.day_text:
        draft.date = date_from_tenures(draft.day_text, draft.body, people, today) or draft.date
    if draft.date.value is None:
        draft.review_reasons.append("date_unknown")
    if draft.outlet is None:
        draft.review_reasons.append("outlet_unknown")
    elif not draft.outlet.known:
        draft.review_reasons.append("outlet_new")
    if not draft.language:
        draft.review_reasons.append("language_unknown")
    return draft


def _from_text_dump(raw, decoded, outlets, today):
    dump = parse_text_dump(decoded.text)
    url = dump.header_rest if dump.header_rest.startswith(("http://", "https://")) else ""
    finding = (
        dates.parse_stated_date(dump.header_date, "header", f" date {dump.header_date}")
        or dates.date_from_url(url)
        or dates.date_from_dateline(
            dump.dateline_date, dump.body, today, dump.dateline, dump.dateline_year
        )
        or dates.date_from_dateline(dump.time_line, dump.body, today, dump.time_line)
        or dates.UNKNOWN
    )
    return Draft(
        source=raw.source,
        format="text",
        title=dump.title,
        lead=dump.lead,
        body=dump.body,
        raw_text=decoded.text,
        raw_encoding=decoded.encoding,
        url=url,
        outlet=outlets.resolve(
            url=url, dateline_tag=dump.dateline_tag, source_lines=dump.source_lines
        ),
        date=finding,
        dateline=dump.dateline,
        dateline_place=dump.dateline_place.title(),
        day_text=dump.dateline_date or _time_line_day(dump.time_line),
    )


def _from_html(raw, decoded, outlets, today):
    tree = load_html(decoded.text)
    if tree is not None and sum(1 for _ in tree.iter()) > MAX_HTML_ELEMENTS:
        raise IngestError(f"HTML page too large: over {MAX_HTML_ELEMENTS:,} elements")
    document = trafilatura.bare_extraction(
        decoded.text,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # No `deduplicate`: it remembers text across calls, so the same page imported twice
        # in one process would lose its body the second time.
    )
    if document is None or not (document.text or "").strip():
        raise IngestError("no article text found in the HTML page")
    title = html_lib.unescape(document.title or "").strip()
    kept, source_lines = drop_chrome(document.text.split("\n"))
    lines = [line for line in kept if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    body = "\n\n".join(lines)
    url = document.url or ""
    stated = htmldate.find_date(
        decoded.text, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
    )
    first = lines[0] if lines else ""
    dateline = parse_dateline(first)
    finding = (
        dates.parse_stated_date(stated, "metadata")
        or dates.date_from_url(url)
        or (
            dates.date_from_dateline(
                dateline[0]["date"] or "",
                body,
                today,
                dateline[0].group(0),
                dateline[0]["year"] or "",
            )
            if dateline
            else None
        )
        or dates.UNKNOWN
    )
    return Draft(
        source=raw.source,
        format="html",
        title=title,
        body=body,
        raw_text=decoded.text,
        raw_encoding=decoded.encoding,
        url=url,
        outlet=outlets.resolve(
            url=url,
            site_name=document.sitename or "",
            dateline_tag=dateline[2] if dateline else "",
            source_lines=source_lines,
        ),
        date=finding,
        dateline=dateline[0].group(0).strip() if dateline else "",
        dateline_place=dateline[1].title() if dateline else "",
        day_text=(dateline[0]["date"] or "") if dateline else "",
    )


def _time_line_day(line):
    return " ".join(line.replace(",", " ").split()[:2]) if line else ""


def _date_from_dateline_match(dateline, body, today):
    if not dateline:
        return None
    match = dateline[0]
    return dates.date_from_dateline(
        match["date"] or "", body, today, match.group(0), match["year"] or ""
    )


def _from_record(raw, decoded, outlets, today):
    record = parse_json(decoded.text)
    if not isinstance(record, dict):
        raise IngestError("malformed record: expected a JSON object with title and body")
    missing = [name for name in ("title", "body") if not isinstance(record.get(name), str)]
    if missing:
        raise IngestError(f"malformed record: missing or non-text {', '.join(missing)}")
    for name in ("url", "outlet", "published", "language"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise IngestError(f"malformed record: {name} must be text")
    for name in ("title", "body", "url", "outlet", "published", "language"):
        # JSON escapes can spell characters no text column can hold.
        if _UNSTORABLE.search(record.get(name) or ""):
            raise IngestError(f"malformed record: {name} contains a NUL or a lone surrogate")
    url = (record.get("url") or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise IngestError("malformed record: url must start with http:// or https://")
    body = record["body"]
    published = record.get("published") or ""
    finding = dates.parse_stated_date(published, "record") if published else None
    if published and finding is None:
        raise IngestError(f"malformed record: published is not a date: {published[:40]!r}")
    dateline = parse_dateline(body.strip().split("\n", 1)[0])
    finding = (
        finding
        or dates.date_from_url(url)
        or _date_from_dateline_match(dateline, body, today)
        or dates.UNKNOWN
    )
    language = (record.get("language") or "").strip().lower()[:8]
    return Draft(
        source=raw.source,
        format="json",
        title=record["title"],
        body=body,
        raw_text=decoded.text,
        raw_encoding=decoded.encoding,
        url=url,
        outlet=outlets.resolve(
            url=url,
            record_outlet=(record.get("outlet") or "").strip(),
            dateline_tag=dateline[2] if dateline else "",
        ),
        date=finding,
        dateline=dateline[0].group(0).strip() if dateline else "",
        dateline_place=dateline[1].title() if dateline else "",
        day_text=(dateline[0]["date"] or "") if dateline else "",
        language=language,
    )
