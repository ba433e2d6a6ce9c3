"""The whole archive as JSON Lines, and back: same keys, same values, same timestamps.

`export_archive` streams every record of the archive (and, unless told otherwise, the user
accounts and the admin history) to a text stream; `import_archive` loads such a file into
an empty database in one transaction. The management commands `export_archive` and
`import_archive` are thin shells over them.

Format, version 1: UTF-8, one JSON object per line.

    line 1   header    {"format": "defense-diplomacy-archive", "version": 1,
                        "exported_at": "2026-11-22T10:00:00.123456+00:00", "accounts": true}
    then     records   {"model": "archive.article", "pk": 12, "fields": {"title": ..., ...}}
    last     counts    {"counts": {"auth.group": 2, ..., "archive.quote": 431}}

Records come model by model in the order of ARCHIVE_MODELS (each model after the models it
refers to), then ACCOUNT_MODELS; within a model by primary key. Every concrete field is
written under its name, except the primary key (in "pk") and generated columns
(`Article.search_vector`: PostgreSQL computes it again from the text):

    foreign keys            the related row's pk; content types as [app_label, model]
    dates, datetimes        ISO 8601; datetimes with their UTC offset and microseconds
    binary (raw_bytes)      base64
    arrays (review_reasons, curated_fields, domains, ...)   JSON lists
    many-to-many            natural keys: a user's groups as [[name], ...], permissions
                            as [[codename, app_label, model], ...]

Groups are matched by name rather than by key: migrations create "curator" and "reader"
in every database. Their permissions are set to the exported ones.

The counts line is the file's seal: a file cut short at a line break still parses, and the
missing counts line (or counts that disagree with the records read) is what tells.

Why not `dumpdata`/`loaddata`: DjangoJSONEncoder cuts datetimes to milliseconds, loaddata
saves one row at a time, and a truncated JSON Lines fixture loads without complaint.
"""

import base64
import contextlib
import datetime
import json
from collections import Counter

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from archive.curation import flag_suspected_duplicates

FORMAT = "defense-diplomacy-archive"
VERSION = 1

ARCHIVE_MODELS = (
    "archive.outlet",
    "archive.organization",
    "archive.organizationalias",
    "archive.person",
    "archive.personalias",
    "archive.position",
    "archive.article",
    "archive.articlesource",
    "archive.meeting",
    "archive.participation",
    "archive.meetingreport",
    "archive.mention",
    "archive.quote",
)
# Kept by the database from the articles (triggers), or computed from them once they are
# loaded (suspected duplicates): rebuilt, not exported.
DERIVED_MODELS = (
    "archive.articlemonthcount",
    "archive.personmonthcount",
    "archive.suspectedduplicate",
)
# Curators' accounts (with their password hashes) and what they did in the admin.
ACCOUNT_MODELS = ("auth.group", "auth.user", "admin.logentry")
# Matched by natural key in the target database, not created with the exported pk.
MATCHED_BY_NAME = frozenset({"auth.group"})

# A batch is written when it holds this many records or this many bytes of JSON, so that
# a run of 2 MiB articles does not pile up in memory.
MAX_BATCH_BYTES = 32 * 1024 * 1024


class ArchiveFileError(ValueError):
    """The file is not a complete, well-formed export; `line` says where (0: nowhere)."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


class ArchiveNotEmpty(Exception):
    """The target database already holds records the import would collide with."""


def model_labels(accounts=True):
    return ARCHIVE_MODELS + (ACCOUNT_MODELS if accounts else ())


def export_archive(stream, *, accounts=True, chunk_size=500):
    """Write the archive to `stream` (anything with a text `write`); return counts by model.

    Rows are read through server-side cursors, `chunk_size` at a time, in one repeatable-
    read transaction, so the file is one consistent snapshot even while the site is
    writing.
    """
    labels = model_labels(accounts)
    counts = {}
    with _snapshot():
        _write(
            stream,
            {
                "format": FORMAT,
                "version": VERSION,
                "exported_at": timezone.now().isoformat(),
                "accounts": accounts,
            },
        )
        for label in labels:
            codec = _Codec(apps.get_model(label))
            written = 0
            for obj in codec.queryset().iterator(chunk_size=chunk_size):
                _write(stream, codec.encode(obj))
                written += 1
            counts[label] = written
        _write(stream, {"counts": counts})
    return counts


def import_archive(lines, *, accounts=True, batch_size=1000, dry_run=False):
    """Load an export (an iterable of lines, bytes or str) into an empty database.

    Everything happens in one transaction: a malformed line, a record the database
    refuses or a missing counts line raises ArchiveFileError and leaves nothing behind;
    ArchiveNotEmpty if the archive (or, with accounts, the user table) already has rows.
    With `accounts` false, the file's accounts and admin history are read but not loaded.
    Returns the number of records loaded, by model.
    """
    records = _json_lines(lines)
    number, header = next(records, (1, None))
    _check_header(number, header)
    load_accounts = accounts and bool(header.get("accounts"))
    codecs = {label: _Codec(apps.get_model(label)) for label in model_labels()}
    loaded = [codecs[label].model for label in model_labels(load_accounts)]
    read = Counter()
    with transaction.atomic():
        _refuse_unless_empty(
            [m for m in loaded if m._meta.label_lower not in MATCHED_BY_NAME],
        )
        with _constraints_checked_per_batch(), _timestamps_as_given(loaded):
            batch = _Batch(batch_size)
            seal = None
            for number, obj in records:
                if seal is not None:
                    raise ArchiveFileError(number, "text after the closing counts line")
                if "counts" in obj and "model" not in obj:
                    seal = (number, obj)
                    continue
                label, pk, fields = _record_parts(number, obj)
                if label not in codecs:
                    raise ArchiveFileError(number, f"unknown model {label!r}")
                read[label] += 1
                if label in ACCOUNT_MODELS and not load_accounts:
                    continue
                batch.add(number, codecs[label], pk, fields)
            batch.write()
            _check_seal(seal, read, number)
        flag_suspected_duplicates()
        if dry_run:
            transaction.set_rollback(True)
        else:  # setval is not undone by a rollback
            _reset_sequences(loaded)
    return {label: read[label] for label in model_labels(load_accounts)}


# Writing


def _write(stream, obj):
    stream.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


@contextlib.contextmanager
def _snapshot():
    """One REPEATABLE READ, READ ONLY transaction, unless the caller already opened one."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _Codec:
    """Turns one model's rows into records and records back into unsaved instances."""

    def __init__(self, model):
        self.model = model
        self.label = model._meta.label_lower
        self.fields = [
            f for f in model._meta.concrete_fields if not f.primary_key and not f.generated
        ]
        # Many-to-many with a model of its own (Meeting.participants) travel as that model.
        self.m2m = [
            f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
        ]
        self.names = {f.name for f in self.fields} | {f.name for f in self.m2m}
        self._natural_keys = {}

    def queryset(self):
        queryset = self.model._base_manager.order_by("pk")
        return queryset.prefetch_related(
            *(Prefetch(f.name, queryset=_with_relations(f.related_model)) for f in self.m2m)
        )

    def encode(self, obj):
        fields = {f.name: _encode(f, getattr(obj, f.attname)) for f in self.fields}
        for f in self.m2m:
            fields[f.name] = sorted(list(o.natural_key()) for o in getattr(obj, f.name).all())
        return {"model": self.label, "pk": obj.pk, "fields": fields}

    def decode(self, number, pk, fields):
        """An unsaved instance and its many-to-many targets {field: [pk, ...]}."""
        unknown = set(fields) - self.names
        if unknown:
            raise ArchiveFileError(
                number, f"{self.label} has no field {sorted(unknown)[0]!r} in this database"
            )
        obj = self.model()
        try:
            obj.pk = self.model._meta.pk.to_python(pk)
            for field in self.fields:
                if field.name in fields:
                    setattr(obj, field.attname, _decode(field, fields[field.name]))
                elif not (field.has_default() or field.null):
                    raise ArchiveFileError(number, f"{self.label} record without {field.name!r}")
            related = {f: self._targets(f, fields[f.name]) for f in self.m2m if f.name in fields}
        except (ValidationError, ObjectDoesNotExist, ValueError, TypeError, LookupError) as error:
            if isinstance(error, ArchiveFileError):
                raise
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            raise ArchiveFileError(number, f"{self.label} {pk}: {message}") from error
        if obj.pk is None:
            raise ArchiveFileError(number, f"{self.label} record without a pk")
        return obj, related

    def _targets(self, field, keys):
        model = field.related_model
        if model not in self._natural_keys:
            self._natural_keys[model] = {
                tuple(o.natural_key()): o.pk for o in _with_relations(model)
            }
        known = self._natural_keys[model]
        try:
            return [known[tuple(key)] for key in keys]
        except KeyError as error:
            raise LookupError(
                f"{field.name}: no {model._meta.verbose_name} {list(error.args[0])} here "
                "(is the database migrated?)"
            ) from None


def _with_relations(model):
    """The rows with what their natural keys need (a permission's content type)."""
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    return model._default_manager.select_related(*relations)


def _encode(field, value):
    if value is None:
        return None
    if field.is_relation and field.related_model is ContentType:
        return list(ContentType.objects.get_for_id(value).natural_key())
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _decode(field, value):
    if value is None:
        return None
    if field.is_relation and field.related_model is ContentType:
        return ContentType.objects.get_by_natural_key(*value).pk
    return field.to_python(value)


# Reading


def _json_lines(lines):
    """(line number, object) for every line that is not blank."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            raise ArchiveFileError(
                number, f"not valid JSON: {error.msg} (column {error.colno})"
            ) from None
        except UnicodeDecodeError:
            raise ArchiveFileError(number, "not UTF-8 text") from None
        if not isinstance(obj, dict):
            raise ArchiveFileError(number, "expected a JSON object")
        yield number, obj


def _check_header(number, header):
    if header is None:
        raise ArchiveFileError(0, "the file is empty")
    if header.get("format") != FORMAT:
        raise ArchiveFileError(
            number, f"not an archive export: the first line has no format {FORMAT!r}"
        )
    version = header.get("version")
    if version != VERSION:
        raise ArchiveFileError(
            number, f"format version {version!r}; this version of the archive reads {VERSION}"
        )


def _record_parts(number, obj):
    if set(obj) != {"model", "pk", "fields"} or not isinstance(obj["fields"], dict):
        raise ArchiveFileError(
            number, 'expected a record {"model": ..., "pk": ..., "fields": {...}}'
        )
    return str(obj["model"]).lower(), obj["pk"], obj["fields"]


def _check_seal(seal, read, last_line):
    if seal is None:
        raise ArchiveFileError(
            last_line, "the file ends without its closing counts line: it is cut short"
        )
    number, obj = seal
    promised = obj["counts"]
    if not isinstance(promised, dict):
        raise ArchiveFileError(number, "the counts line has no counts")
    for label in sorted(set(promised) | set(read)):
        if promised.get(label, 0) != read[label]:
            raise ArchiveFileError(
                number,
                f"the counts line promises {promised.get(label, 0)} {label} records, "
                f"the file holds {read[label]}",
            )


class _Batch:
    """Records of one model waiting to be written with one bulk_create."""

    def __init__(self, size):
        self.size = size
        self.codec = None
        self.objs, self.related, self.lines = [], [], []
        self.bytes = 0

    def add(self, number, codec, pk, fields):
        if codec is not self.codec or len(self.objs) >= self.size or self.bytes > MAX_BATCH_BYTES:
            self.write()
            self.codec = codec
        obj, related = codec.decode(number, pk, fields)
        self.objs.append(obj)
        self.related.append(related)
        self.lines.append(number)
        self.bytes += sum(len(v) for v in fields.values() if isinstance(v, str))

    def write(self):
        if not self.objs:
            return
        codec, where = self.codec, f"lines {self.lines[0]}-{self.lines[-1]}"
        try:
            if codec.label in MATCHED_BY_NAME:
                self._match_by_name()
            else:
                codec.model._base_manager.bulk_create(self.objs, batch_size=self.size)
                self._link_many_to_many()
        except DatabaseError as error:
            raise ArchiveFileError(
                0, f"{where}: the database refused these {codec.label} records: {error}"
            ) from error
        self.objs, self.related, self.lines = [], [], []
        self.bytes = 0

    def _match_by_name(self):
        for obj, related in zip(self.objs, self.related, strict=True):
            found, _ = type(obj)._default_manager.get_or_create(name=obj.name)
            for field, targets in related.items():
                getattr(found, field.name).set(targets)

    def _link_many_to_many(self):
        links = {}
        for obj, related in zip(self.objs, self.related, strict=True):
            for field, targets in related.items():
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                links.setdefault(through, []).extend(
                    through(**{source: obj.pk, target: pk}) for pk in targets
                )
        for through, rows in links.items():
            through._base_manager.bulk_create(rows, batch_size=self.size)


def _refuse_unless_empty(models):
    held = []
    for model in models:
        if model._base_manager.exists():
            count = model._base_manager.count()
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            held.append(f"{count} {name}")
    if held:
        raise ArchiveNotEmpty(
            f"The database already holds {', '.join(held)}: an export is loaded only into an "
            "empty archive (a freshly migrated database). Nothing was imported."
        )


@contextlib.contextmanager
def _constraints_checked_per_batch():
    """Check foreign keys at each INSERT rather than at COMMIT, so a dangling reference is
    reported with the lines of its batch. Records come in dependency order, so this holds."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def _timestamps_as_given(models):
    """Let created_at, updated_at and received_at keep the exported values.

    bulk_create skips save() but still calls Field.pre_save (SQLInsertCompiler.pre_save_val),
    which stamps auto_now and auto_now_add fields with the current time. Those flags are off
    for the length of the import; the import runs in a management command, alone in its
    process, so nothing else saves meanwhile.
    """
    stamped = [
        (f, f.auto_now, f.auto_now_add)
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for field, _, _ in stamped:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in stamped:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _reset_sequences(models):
    """Move each id sequence past the largest imported id, so new rows do not collide."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
