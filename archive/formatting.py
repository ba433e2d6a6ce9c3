"""Small presentation rules shared by templates, citations, feeds and exports."""

from urllib.parse import urlsplit

from django.utils.dateformat import format as format_date
from django.utils.translation import get_language_info

DATE_FORMATS = {"day": "j F Y", "week": "j F Y", "month": "F Y", "year": "Y"}


def partial_date(value, precision="day"):
    """A date as precisely as it is known: "14 October 2024", "October 2024", "2024"."""
    if value is None or precision == "unknown":
        return ""
    text = format_date(value, DATE_FORMATS.get(precision, DATE_FORMATS["day"]))
    return f"week of {text}" if precision == "week" else text


def language_name(code):
    """The English name of a language code ("ru" is Russian); an unknown code as it is."""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


def web_url(url):
    """`url` if it is an http(s) address, else "": only those may become links.

    Imported text can carry any scheme; a javascript: or data: URL must never reach an href.
    """
    if not url:
        return ""
    url = str(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return ""
    return url
