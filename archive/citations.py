"""Ready citations for an article that reports a meeting: plain text and BibTeX.

The citation names the outlet as author (news agencies rarely sign defence reports), the
date as precisely as it is known, the source URL when it is a web address, and this
archive's own page, which keeps the text if the source disappears.
"""

import re
import unicodedata

from archive.formatting import partial_date, web_url

_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_BIBTEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def plain_citation(article, archive_url):
    outlet = article.outlet.name if article.outlet else "Unknown outlet"
    parts = [f"{outlet}. “{article.title.strip()}.”"]
    when = partial_date(article.published_date, article.date_precision)
    parts.append(f"{when}." if when else "Undated.")
    if source := web_url(article.url):
        parts.append(f"{source}.")
    parts.append(f"Archived at {archive_url}.")
    return " ".join(parts)


def bibtex_escape(text):
    return _BIBTEX_SPECIAL.sub(
        lambda m: _BIBTEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), " ".join(text.split())
    )


def bibtex_key(article):
    """outlet + year + first title word, ASCII only: `tass2024belousov`."""

    def ascii_word(text):
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]", "", folded.lower())

    outlet = ascii_word(article.outlet.slug if article.outlet else "") or "article"
    year = str(article.published_date.year) if article.published_date else "nd"
    words = [ascii_word(word) for word in article.title.split()]
    first = next((word for word in words if len(word) > 3), "")
    return f"{outlet}{year}{first}-{article.pk}"


def bibtex_citation(article, archive_url):
    fields = [("title", "{" + bibtex_escape(article.title) + "}")]
    if article.outlet:
        fields += [
            ("author", "{" + bibtex_escape(article.outlet.name) + "}"),
            ("howpublished", bibtex_escape(article.outlet.name)),
        ]
    if article.published_date and article.date_precision != "unknown":
        fields.append(("year", str(article.published_date.year)))
        if article.date_precision in {"day", "week", "month"}:
            fields.append(("month", MONTHS[article.published_date.month - 1]))
        if article.date_precision in {"day", "week"}:
            fields.append(("day", str(article.published_date.day)))
    source = web_url(article.url)
    fields.append(("url", _bibtex_url(source or archive_url)))
    note = f"Archived at \\url{{{_bibtex_url(archive_url)}}}"
    if source:
        fields.append(("note", note))
    lines = [f"@misc{{{bibtex_key(article)},"]
    for name, value in fields:
        braced = value if value.startswith("{") or name == "month" else "{" + value + "}"
        lines.append(f"  {name} = {braced},")
    lines.append("}")
    return "\n".join(lines)


def _bibtex_url(url):
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")
