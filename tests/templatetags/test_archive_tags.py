"""Linking names in an article body by mention offsets, with every segment escaped."""

from types import SimpleNamespace

from archive.search import MARK_OFF, MARK_ON
from archive.templatetags.archive_tags import headline, linked_body


class Person(SimpleNamespace):
    def get_absolute_url(self):
        return f"/people/{self.slug}/"


DONG = Person(name="Dong Jun", slug="dong-jun")


def mention(start, end, text, person=DONG):
    return SimpleNamespace(start=start, end=end, text=text, person=person, person_id=1)


def test_names_link_to_their_pages_and_text_is_escaped():
    body = "<i>Dong Jun</i> met & left."
    html = linked_body(body, [mention(3, 11, "Dong Jun")])
    assert html == (
        '<p>&lt;i&gt;<a href="/people/dong-jun/" title="Dong Jun">Dong Jun</a>'
        "&lt;/i&gt; met &amp; left.</p>"
    )


def test_stale_overlapping_or_out_of_range_mentions_are_skipped():
    body = "Dong Jun spoke. Dong Jun left."
    mentions = [
        mention(0, 8, "Dong Jun"),
        mention(2, 10, "ng Jun s"),
        mention(16, 24, "Belousov"),
        mention(25, 99, "left."),
    ]
    html = linked_body(body, mentions)
    assert html.count("<a ") == 1
    assert html.endswith("spoke. Dong Jun left.</p>")


def test_paragraphs_and_line_breaks():
    html = linked_body("One\nline.\n\n\nTwo <b>.", [])
    assert html == "<p>One<br>line.</p>\n<p>Two &lt;b&gt;.</p>"


def test_a_mention_across_a_paragraph_break_is_not_linked():
    assert "<a " not in linked_body("Dong\n\nJun", [mention(0, 9, "Dong\n\nJun")])


def test_a_name_with_markup_in_it_is_escaped_inside_the_link():
    evil = Person(name='"><script>', slug="x")
    html = linked_body("a <b> c", [mention(2, 5, "<b>", person=evil)])
    assert html == '<p>a <a href="/people/x/" title="&quot;&gt;&lt;script&gt;">&lt;b&gt;</a> c</p>'


def test_headline_filter():
    assert headline(f"<x>{MARK_ON}y{MARK_OFF}") == "&lt;x&gt;<mark>y</mark>"
    assert headline(None) == ""
