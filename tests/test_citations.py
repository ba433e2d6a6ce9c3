"""Citations are pure functions of an article; built here from unsaved records."""

import datetime

from archive.citations import bibtex_citation, bibtex_escape, bibtex_key, plain_citation
from archive.models import Article, Outlet

ARCHIVE_URL = "https://archive.example.org/articles/7/"


def article(**fields):
    defaults = {
        "pk": 7,
        "title": "Belousov and Dong Jun hold talks",
        "outlet": Outlet(name="TASS", slug="tass"),
        "url": "https://tass.com/defense/1",
        "published_date": datetime.date(2024, 10, 14),
        "date_precision": "day",
    }
    return Article(**{**defaults, **fields})


def test_plain_citation_names_outlet_title_date_source_and_archive_copy():
    assert plain_citation(article(), ARCHIVE_URL) == (
        "TASS. “Belousov and Dong Jun hold talks.” 14 October 2024. "
        f"https://tass.com/defense/1. Archived at {ARCHIVE_URL}."
    )


def test_plain_citation_keeps_the_known_precision_and_drops_unsafe_urls():
    text = plain_citation(
        article(date_precision="month", url="javascript:alert(1)", outlet=None), ARCHIVE_URL
    )
    assert text == (
        f"Unknown outlet. “Belousov and Dong Jun hold talks.” October 2024. Archived at {ARCHIVE_URL}."
    )
    undated = article(published_date=None, date_precision="unknown")
    assert "Undated." in plain_citation(undated, ARCHIVE_URL)


def test_bibtex_entry():
    assert bibtex_citation(article(), ARCHIVE_URL) == "\n".join(
        [
            "@misc{tass2024belousov-7,",
            "  title = {Belousov and Dong Jun hold talks},",
            "  author = {TASS},",
            "  howpublished = {TASS},",
            "  year = {2024},",
            "  month = oct,",
            "  day = {14},",
            "  url = {https://tass.com/defense/1},",
            f"  note = {{Archived at \\url{{{ARCHIVE_URL}}}}},",
            "}",
        ]
    )


def test_bibtex_escapes_special_characters_and_keeps_keys_ascii():
    assert bibtex_escape("R&D 50% {x} $5 #1 a_b ~ ^ \\") == (
        r"R\&D 50\% \{x\} \$5 \#1 a\_b \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    russian = article(title="Шойгу и Дун Цзюнь", outlet=Outlet(name="ТАСС", slug="тасс"))
    assert bibtex_key(russian) == "article2024-7"
    entry = bibtex_citation(article(title="Talks }\n@misc{evil"), ARCHIVE_URL)
    assert "title = {Talks \\} @misc\\{evil}," in entry
