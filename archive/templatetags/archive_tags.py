"""Template helpers that turn untrusted article text into HTML safely.

Each helper escapes every piece of model text itself and marks only its own markup safe:
templates never need |safe on model data.
"""

import html
import re
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from archive import formatting
from archive.search import render_headline

register = template.Library()

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@register.filter
def headline(text):
    """A ts_headline result: escaped, then our match markers become <mark>."""
    return render_headline(text or "")


@register.filter
def web_url(url):
    return formatting.web_url(url)


@register.filter
def language_name(code):
    return formatting.language_name(code) if code else ""


@register.filter
def partial_date(value, precision="day"):
    return formatting.partial_date(value, precision)


def _mention_href(mention):
    if mention.person_id:
        return mention.person.get_absolute_url()
    query = urlencode({"organization": mention.organization.slug})
    return f"{reverse('archive:search')}?{query}"


def _same_words(a, b):
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _linkable(body, mentions):
    """Mentions whose offsets still point at their text, in order, without overlaps."""
    spans, reached = [], 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        start, end = mention.start, mention.end
        if start < reached or end > len(body) or not _same_words(body[start:end], mention.text):
            continue
        spans.append((start, end, _mention_href(mention), mention))
        reached = end
    return spans


def _paragraphs(body):
    start = 0
    for gap in _PARAGRAPH_BREAK.finditer(body):
        yield start, gap.start()
        start = gap.end()
    yield start, len(body)


def _text(segment):
    return str(escape(segment)).replace("\n", "<br>")


@register.simple_tag
def linked_body(body, mentions):
    """The clean body as paragraphs, each mentioned name linked to its page.

    Mention offsets index the clean body. Every text segment between links is escaped here
    and each link is built with format_html, so the joined result is safe by construction.
    """
    spans = _linkable(body, mentions)
    paragraphs = []
    for first, last in _paragraphs(body):
        if not body[first:last].strip():
            continue
        pieces, position = [], first
        for start, end, href, mention in spans:
            if start < first or end > last:
                continue
            pieces.append(_text(body[position:start]))
            title = mention.person.name if mention.person_id else mention.organization.name
            pieces.append(
                str(format_html('<a href="{}" title="{}">{}</a>', href, title, body[start:end]))
            )
            position = end
        pieces.append(_text(body[position:last]))
        paragraphs.append("<p>" + "".join(pieces) + "</p>")
    return mark_safe("\n".join(paragraphs))


# A chart of 25 years of months has 300 bars: written here rather than by a template loop
# (17 ms a chart) or format_html (8 ms). Every text and link is escaped (html.escape);
# the geometry and the counts are numbers, written as numbers.
def _bar(bar):
    label, value = html.escape(str(bar.label)), int(bar.value)
    shape = (
        f'<rect x="{float(bar.x):g}" y="{float(bar.y):g}" width="{float(bar.width):g}" '
        f'height="{float(bar.height):g}"><title>{label}: {value}</title></rect>'
    )
    if not bar.href:
        return shape
    return f'<a href="{html.escape(str(bar.href))}" aria-label="{label}: {value}">{shape}</a>'


@register.simple_tag
def chart_bars(chart):
    """The SVG bars of a charts.BarChart, each a link when it has one, and the axis ticks."""
    parts = []
    for bar in chart.bars:
        parts.append(_bar(bar))
        if bar.tick:
            parts.append(
                f'<text x="{float(bar.x):g}" y="{int(chart.label_y)}">'
                f"{html.escape(str(bar.tick))}</text>"
            )
    return mark_safe("\n".join(parts))


@register.simple_tag
def chart_rows(chart):
    """The table rows of a chart's non-zero figures, for screen readers and text browsers."""
    rows = []
    for bar in chart.bars:
        if not bar.value:
            continue
        label = html.escape(str(bar.label))
        if bar.href:
            label = f'<a href="{html.escape(str(bar.href))}">{label}</a>'
        rows.append(f"<tr><td>{label}</td><td>{int(bar.value)}</td></tr>")
    return mark_safe("".join(rows))
