"""Importer fuzzing: random bytes, truncated documents, deep nesting, huge and repetitive
input. Each document is refused with a clear message, leaving the archive as it was, or
imported within the limits of time and memory set here (archive/ingest/read.py sets the
size and nesting limits)."""

import io
import json
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from archive.ingest.read import MAX_DOCUMENT_BYTES, MAX_JSON_DEPTH, RawDocument
from archive.ingest.store import FAILED, STATUSES, Importer, load_gazetteer
from archive.models import (
    Article,
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Organization,
    Outlet,
    Participation,
    Person,
    Quote,
)
from tests.hostile.conftest import TODAY, fuzz
from tests.ingest.gazetteer_data import gazetteer

pytestmark = pytest.mark.django_db

# Not a speed goal (benchmarks/ measures speed) but a guard against runaway work: the
# slowest legitimate case here, 17,000 names in one text, takes about 10 s under tracemalloc
# on a loaded machine; the quadratic behaviours these tests caught took minutes.
MAX_SECONDS = 30
MAX_MEMORY = 300 * 1024 * 1024
MODELS = (
    Article,
    ArticleSource,
    Outlet,
    Person,
    Organization,
    Mention,
    Quote,
    Meeting,
    Participation,
    MeetingReport,
)
CORPUS = Path(__file__).resolve().parent.parent / "ingest" / "corpus"
GOOD = {
    "text": (CORPUS / "a04-tass-belousov-dong-beijing.txt").read_bytes(),
    "html": (CORPUS / "b01-tass-shoigu-sco-astana.html").read_bytes(),
    "json": (CORPUS / "c01-hindu-rajnath-wei-moscow.json").read_bytes(),
}


@pytest.fixture
def importer(db):
    load_gazetteer(gazetteer())
    return Importer(today=TODAY)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@contextmanager
def limits():
    """Time and peak Python memory of the block, asserted against MAX_SECONDS/MAX_MEMORY."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert seconds < MAX_SECONDS, f"took {seconds:.1f} s"
    assert peak < MAX_MEMORY, f"peaked at {peak / 2**20:.0f} MiB"


def import_one(importer, data, fmt, source="fuzzed"):
    """Import one document; a refusal must leave every table as it was."""
    before = counts()
    result = importer.import_document(RawDocument(source, data, fmt))
    assert result.status in STATUSES
    assert result.message.strip()
    if result.status == FAILED:
        assert counts() == before, result.message
    else:
        assert result.article is not None and result.article.pk
    return result


def import_file(importer, path):
    before = counts()
    results = list(importer.import_paths([str(path)]))
    for result in results:
        assert result.status in STATUSES and result.message.strip()
    if all(result.status == FAILED for result in results):
        assert counts() == before
    return results


# Random and truncated input ----------------------------------------------------------------


@fuzz(60)
@given(data=st.binary(min_size=0, max_size=4096), fmt=st.sampled_from(["text", "html", "json"]))
@example(data=b"\xff\xfe" + b"\x00\xd8" * 100, fmt="text")  # UTF-16 with lone surrogates
@example(data=b"\xef\xbb\xbf" + b"A headline\n" + b"body text " * 20 + b"\x00", fmt="text")
@example(data=b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, fmt="text")  # gzip magic
@example(data=b"PK\x03\x04" + b"\x00" * 100, fmt="json")  # a zip file
def test_random_bytes_are_refused_or_imported_never_a_crash(importer, data, fmt):
    import_one(importer, data, fmt)


@fuzz(60)
@given(fmt=st.sampled_from(sorted(GOOD)), cut=st.floats(0, 1), keep_head=st.booleans())
def test_truncated_documents(importer, fmt, cut, keep_head):
    data = GOOD[fmt]
    at = int(len(data) * cut)
    import_one(importer, data[:at] if keep_head else data[at:], fmt)


def test_a_record_cut_anywhere_is_malformed_json(importer):
    data = GOOD["json"]
    for at in range(1, len(data) - 1, max(1, len(data) // 40)):
        result = import_one(importer, data[:at], "json")
        assert result.status == FAILED
        assert result.message.startswith(("malformed JSON", "empty document")), result.message


# Malformed JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 100_000, f"nested deeper than {MAX_JSON_DEPTH} levels"),
        ('{"a":' * 100_000, f"nested deeper than {MAX_JSON_DEPTH} levels"),
        ('{"title": "t", "body": ' + "[" * 50 + "]" * 50 + "}", "nested deeper"),
        ('{"title": "t", "body": "' + "x" * 60 + '", "n": ' + "9" * 5000 + "}", "number too long"),
        ('{"title": "t\\u0000", "body": "' + "x" * 60 + '"}', "contains a NUL"),
        ('{"title": "t", "body": "' + "x" * 60 + '\\ud800"}', "lone surrogate"),
        ('{"title": "t", "body": "' + "x" * 60 + '", "outlet": "a\\u0000"}', "contains a NUL"),
        ('{"title": "t", "body": "' + "x" * 60 + '", "url": "javascript:alert(1)"}', "url must"),
        ('{"title": ["t"], "body": {"b": 1}}', "missing or non-text title, body"),
        ('{"title": "t", "body": "' + "x" * 60 + '", "published": 20241014}', "must be text"),
        ('{"title": "t", "body": "' + "x" * 60 + '", "published": "2024-99-99"}', "not a date"),
        ("[1, 2, 3]", "expected a JSON object"),
        ('"just a string"', "expected a JSON object"),
        ("NaN", "expected a JSON object"),
        ('{"title": "t", "body": "x"}', "too short"),
        ('{"title": "t", "title": "u"', "malformed JSON"),
        ("{'title': 't'}", "malformed JSON"),
    ],
)
def test_malformed_json_is_refused_with_a_message(importer, text, message):
    with limits():
        result = import_one(importer, text.encode(), "json")
    assert result.status == FAILED
    assert message in result.message


def test_nesting_inside_strings_is_only_text(importer):
    record = {"title": "Brackets", "body": "[" * 100_000 + " Belousov met Dong Jun in Beijing."}
    with limits():
        result = import_one(importer, json.dumps(record).encode(), "json")
    assert result.status != FAILED, result.message


# Size limits ---------------------------------------------------------------------------------


def test_a_document_over_the_limit_is_refused_unread(importer, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("w") as handle:  # 10 million characters: just over five times the limit
        handle.write("Headline\n")
        for _ in range(10):
            handle.write("word " * 200_000)
    before = counts()
    with limits():
        [result] = import_file(importer, path)
    assert result.status == FAILED
    assert "document too large: over the 2 MiB limit" in result.message
    assert counts() == before


def test_one_byte_over_the_limit_is_refused(importer, tmp_path):
    body = b"Belousov met Dong Jun. " * (MAX_DOCUMENT_BYTES // 23 + 1)
    data = (b"Headline\n" + body)[: MAX_DOCUMENT_BYTES + 1]
    path = tmp_path / "over.txt"
    path.write_bytes(data)
    [result] = import_file(importer, path)
    assert "document too large" in result.message
    result = importer.import_paths(["-"], stdin=io.BytesIO(data))
    assert "document too large" in next(result).message


def test_huge_json_is_refused_and_a_huge_jsonl_line_skipped(importer, tmp_path):
    record = {"title": "Huge", "body": "x" * (MAX_DOCUMENT_BYTES + 10)}
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(record))
    lines = tmp_path / "lines.jsonl"
    good = json.loads(GOOD["json"])
    lines.write_text("\n".join([json.dumps(record), json.dumps(good), "[" * 100_000]) + "\n")
    with limits():
        [whole] = import_file(importer, huge)
        results = list(importer.import_paths([str(lines)]))
    assert "document too large" in whole.message
    assert [r.status == FAILED for r in results] == [True, False, True]
    assert "document too large" in results[0].message
    assert "nested deeper" in results[2].message


@pytest.mark.parametrize(
    "name, build",
    [
        # one 2 MiB line of the same word: the shape of a decompression bomb, within the limit
        ("one-word.txt", lambda: b"Headline\n" + b"defense " * (MAX_DOCUMENT_BYTES // 8 - 2)),
        ("one-word.jsonl", lambda: _record_line("defense " * (MAX_DOCUMENT_BYTES // 8 - 10))),
        # dense names (345 KB): 40 s to extract, and a 2 MiB text over ten minutes, before it
        # read at most 50,000 characters
        ("names.txt", lambda: b"Headline\n" + b"Belousov met Dong Jun. " * 15_000),
        (
            "dateline-names.txt",  # a dateline without a year: dated from officials' tenures
            lambda: (
                b"Headline\nMOSCOW, June 13. /TASS/. "
                + b"Defense Minister Andrei Belousov met Dong Jun. " * 8_000
            ),
        ),
        ("newlines.txt", lambda: b"Headline\n" + b"\n" * (MAX_DOCUMENT_BYTES - 20)),
        ("quotes.txt", lambda: b"Headline\n" + b'"' * (MAX_DOCUMENT_BYTES - 20)),
        ("divs.html", lambda: b"<html><body>" + b"<div>" * 300_000 + b"text</body></html>"),
        # was 100 s in trafilatura, before pages over 50,000 elements were refused
        ("nested-p.html", lambda: b"<html><body>" + b"<p><b>x " * 150_000 + b"</body></html>"),
        ("paragraphs.html", lambda: b"<html><body>" + b"<p>Belousov met Dong.</p>" * 80_000),
    ],
)
def test_repetitive_input_within_the_limit_is_handled_in_bounded_time(
    importer, tmp_path, name, build
):
    path = tmp_path / name
    path.write_bytes(build())
    assert path.stat().st_size <= MAX_DOCUMENT_BYTES
    with limits():
        results = import_file(importer, path)
    assert results


def _record_line(body):
    return json.dumps({"title": "Repeated", "body": body}).encode() + b"\n"


def test_a_bad_file_name_is_reported_not_a_crash(importer, tmp_path):
    """Was a crash: a file name that is not UTF-8 reached the database and the report."""
    name = b"bad-\xff\xfe.txt".decode("utf-8", "surrogateescape")
    (tmp_path / name).write_bytes(GOOD["text"])
    [result] = import_file(importer, tmp_path)
    assert result.status != FAILED, result.message
    assert "bad-\ufffd\ufffd.txt" in result.source
    json.dumps(result.report(), ensure_ascii=False).encode("utf-8")
    assert result.article.source_path.endswith("bad-\ufffd\ufffd.txt")
