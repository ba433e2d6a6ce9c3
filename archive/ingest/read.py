"""Reading input: paths to documents, bytes to text.

A document is one article as delivered: a text dump, an HTML page, a JSON object, or one
line of a JSON Lines file. Limits, so hostile input cannot exhaust the importer:
MAX_DOCUMENT_BYTES per document (a JSON Lines file may be longer; each line obeys it),
MAX_JSON_DEPTH for nested JSON.
"""

import codecs
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 20
SUFFIX_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


class IngestError(Exception):
    """A document that cannot become an article; the message says why, for the report."""


@dataclass
class RawDocument:
    source: str  # a path, "path#N" for line N of a JSON Lines file, or "-" for stdin
    data: bytes
    format: str  # text | html | json
    error: str = ""  # set when the document was refused before parsing


@dataclass
class DecodedText:
    text: str
    encoding: str
    lossless: bool


def iter_documents(paths, stdin=None):
    """Yield a RawDocument for every document under `paths`, in a stable order."""
    for given in paths:
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(MAX_DOCUMENT_BYTES + 1)
            yield _document("-", data, sniff_format(data))
            continue
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            for file in files:
                if file.suffix.lower() in SUFFIX_FORMATS or file.suffix == "":
                    yield from _file_documents(file)
        elif path.is_file():
            yield from _file_documents(path)
        else:
            name = _display(path)
            yield RawDocument(name, b"", "text", error=f"no such file or folder: {name}")


def _display(path):
    """The path as text that can be stored and printed: a file name that is not valid
    UTF-8 (os.fsdecode keeps its bytes as lone surrogates) gets U+FFFD in their place."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _hidden(file, root):
    return any(part.startswith(".") for part in file.relative_to(root).parts)


def _file_documents(path):
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt == "jsonl":
        yield from _jsonl_documents(path)
        return
    with open(path, "rb") as handle:
        data = handle.read(MAX_DOCUMENT_BYTES + 1)
    yield _document(_display(path), data, fmt or sniff_format(data))


def _jsonl_documents(path):
    with open(path, "rb") as handle:
        number = 0
        while True:
            line = handle.readline(MAX_DOCUMENT_BYTES + 1)
            if not line:
                return
            number += 1
            source = f"{_display(path)}#{number}"
            if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
                yield RawDocument(source, b"", "json", error=_too_large())
                while line and not line.endswith(b"\n"):  # skip the rest of this line
                    line = handle.readline(1024 * 1024)
                continue
            if line.strip():
                yield RawDocument(source, line.rstrip(b"\r\n"), "json")


def _document(source, data, fmt):
    if len(data) > MAX_DOCUMENT_BYTES:
        return RawDocument(source, b"", fmt, error=_too_large())
    return RawDocument(source, data, fmt)


def _too_large():
    return f"document too large: over the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB limit"


def sniff_format(data):
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<body" in head:
        return "html"
    if head[:1] in (b"{", b"["):
        return "json"
    return "text"


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data):
    """Bytes to text: BOM, then UTF-8, then the best legacy guess (cp1251 for Russian).

    Raises IngestError for empty and binary input. `lossless` is False when bytes had to
    be replaced, in which case the caller keeps the original bytes.
    """
    if not data.strip():
        raise IngestError("empty document: nothing but whitespace")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
                lossless = False
            else:
                lossless = True
            if "\x00" in text:  # as for NUL bytes below; PostgreSQL text cannot hold it
                raise IngestError("binary file: contains NUL characters, not text")
            return _checked(DecodedText(text, encoding, lossless=lossless))
    if b"\x00" in data:
        raise IngestError("binary file: contains NUL bytes, not text")
    try:
        return _checked(DecodedText(data.decode("utf-8"), "utf-8", lossless=True))
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise IngestError("binary file: no text encoding fits its bytes")
    encoding = best.encoding
    if _mostly_utf8(data):
        return _checked(DecodedText(data.decode("utf-8", errors="replace"), "utf-8", False))
    return _checked(DecodedText(str(best), encoding, lossless=str(best).encode(encoding) == data))


def _mostly_utf8(data):
    """True for UTF-8 text with a few stray bytes, which a legacy guess would garble."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return (bad <= 8 and non_ascii > bad * 4) or (bad <= 3 and bad * 200 < len(text))


# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _checked(decoded):
    text = decoded.text
    sample = text[:20000]
    control = len(_CONTROL.findall(sample))
    replaced = sample.count("\ufffd")
    if control + replaced > max(8, len(sample) // 50):
        raise IngestError("binary file: too many control characters to be text")
    return decoded


def parse_json(text):
    """json.loads with a nesting limit, so a deeply nested document is refused cleanly."""
    depth = max_depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            max_depth = max(max_depth, depth)
            if max_depth > MAX_JSON_DEPTH:
                raise IngestError(f"malformed JSON: nested deeper than {MAX_JSON_DEPTH} levels")
        elif ch in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise IngestError(
            f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except ValueError:  # an integer over Python's 4,300-digit conversion limit
        raise IngestError("malformed JSON: a number too long to read") from None
