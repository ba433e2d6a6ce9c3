"""The one ingest module that touches the database: upsert what the pipeline found.

Import rules, per document:
  - same clean text as a stored article (content hash): a duplicate; a copy from another
    source (other URL, other site, other chrome) is recorded as an ArticleSource;
  - same URL, new text: the stored article is updated, except fields a curator edited;
  - otherwise a new article, "needs review" when its date or outlet is unknown or new.
Importing the same input again changes nothing.

Documents are stored in batches, in input order, one transaction a batch: the batch looks
up its content hashes and URLs in one query and the meetings its reports may match in
another, keeps what each document stores in memory so the next one sees it (an article, a
source, a meeting), and writes its rows with multi-row inserts at the end. A batch that
fails is rolled back and its documents stored again one by one, each in its own
transaction, so a bad document fails alone and the archive ends as if every document had
been stored on its own.
"""

import copy
import hashlib
import itertools
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import slugify

from archive.curation import flag_suspected_duplicates, reflag_titles
from archive.ingest.extract import EXTRACTOR, extract, searchable_names
from archive.ingest.gazetteer import (
    Gazetteer,
    OrganizationEntry,
    OutletEntry,
    PersonEntry,
    PositionEntry,
)
from archive.ingest.meetings import MeetingFinding, matches_across_articles
from archive.ingest.outlets import OutletDirectory
from archive.ingest.people import PeopleMatcher, roles_in_title, sentence_around
from archive.ingest.prepare import Workers, prepare
from archive.ingest.read import iter_documents
from archive.models import (
    CURATED_STATUSES,
    Article,
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Organization,
    OrganizationAlias,
    Outlet,
    Participation,
    Person,
    PersonAlias,
    Position,
    Quote,
    ReviewStatus,
)

IMPORTED, UPDATED, DUPLICATE, NEEDS_REVIEW, FAILED = (
    "imported",
    "updated",
    "duplicate",
    "needs_review",
    "failed",
)
STATUSES = (IMPORTED, UPDATED, DUPLICATE, NEEDS_REVIEW, FAILED)
# A batch closes at this many documents or this much raw input, whichever comes first.
BATCH_SIZE = 100
BATCH_BYTES = 16 * 2**20


@dataclass
class ImportResult:
    source: str
    status: str
    message: str
    article: Article | None = None

    def report(self):
        """One line of the JSON Lines import report."""
        row = {"path": self.source, "status": self.status, "message": self.message}
        if self.article is not None:
            a = self.article
            row.update(
                id=a.pk,
                url=a.url,
                title=a.title,
                outlet=a.outlet.name if a.outlet else None,
                published=a.published_date.isoformat() if a.published_date else None,
                date_precision=a.date_precision,
                date_confidence=a.date_confidence,
                language=a.language or None,
                review_reasons=a.review_reasons,
                body=a.body,
            )
        return row


def outlet_entries():
    return [
        OutletEntry(
            name=o.name,
            slug=o.slug,
            domains=tuple(o.domains),
            aliases=tuple(o.aliases),
            dateline_tags=tuple(o.dateline_tags),
        )
        for o in Outlet.objects.exclude(review_status=ReviewStatus.REJECTED)
    ]


class Importer:
    """Imports documents in batches; reuse one instance for a whole run.

    `workers` above 1 prepares documents (the pipeline and extraction) in that many worker
    processes while this process stores; they start only for input longer than one batch.
    """

    def __init__(self, today=None, extract=True, batch_size=BATCH_SIZE, workers=1):
        # Each batch still commits on its own; the commit just does not wait for the WAL to
        # reach the disk. A crash can lose the last moments of an import, never leave half
        # a document, and importing the same input again completes it.
        # https://www.postgresql.org/docs/current/wal-async-commit.html
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        self.today = today or date.today()
        self.batch_size = max(1, batch_size)
        self.workers = workers
        self.extractor = ArticleExtractor() if extract else None
        self._load_outlets()
        self._outlets_by_slug = {}
        # The version of what preparing a document reads (the outlet directory, the people
        # matcher): a document prepared with an older version is prepared again.
        self.version = 0
        self._workers = None
        self._article_ids = Identifiers(Article)
        self._rows = self._known = None

    def import_paths(self, paths, stdin=None):
        """Yield an ImportResult for every document under `paths`, in input order."""
        documents = iter_documents(paths, stdin=stdin)
        head, size = [], 0
        for raw in documents:
            head.append(raw)
            size += len(raw.data)
            if len(head) > self.batch_size or size > BATCH_BYTES:
                break
        documents = itertools.chain(head, documents)
        if self.workers <= 1 or (len(head) <= self.batch_size and size <= BATCH_BYTES):
            yield from self._store_batches((raw, self._prepare(raw)) for raw in documents)
            return
        with Workers(self.workers, self.today, lookahead=2 * self.batch_size) as workers:
            self._workers = workers
            try:
                self._publish()
                yield from self._store_batches(workers.prepare(documents))
            finally:
                self._workers = None

    def import_document(self, raw):
        """Import one document on its own."""
        [result] = self._store_batch([(raw, self._prepare(raw))])
        return result

    # -- preparing ---------------------------------------------------------------------------
    def _prepare(self, raw):
        matcher = self.extractor.matcher if self.extractor else None
        return prepare(raw, self.outlets, matcher, self.today, self.version)

    def _load_outlets(self):
        self.outlet_entries = outlet_entries()
        self.outlets = OutletDirectory(self.outlet_entries)

    def _state_changed(self):
        self.version += 1
        self._publish()

    def _publish(self):
        if self._workers is not None:
            gazetteer = self.extractor.gazetteer if self.extractor else None
            self._workers.publish(self.version, self.outlet_entries, gazetteer)

    def _refresh(self):
        """Take in the people the document before created, before preparing the next."""
        if self.extractor is not None and self.extractor.refresh():
            self._state_changed()

    # -- batches -----------------------------------------------------------------------------
    def _store_batches(self, prepared):
        batch, size = [], 0
        for raw, ready in prepared:
            batch.append((raw, ready))
            size += len(raw.data)
            if len(batch) >= self.batch_size or size >= BATCH_BYTES:
                yield from self._store_batch(batch)
                batch, size = [], 0
        if batch:
            yield from self._store_batch(batch)

    def _store_batch(self, batch):
        """Store a batch in one transaction; if anything fails, each document on its own."""
        version = self.version
        try:
            with transaction.atomic(), self._batch(batch):
                return [self._store(raw, ready) for raw, ready in batch]
        except (OperationalError, InterfaceError):
            raise  # the database failed, not a document
        except Exception:  # whatever failed, one by one a bad document fails alone
            self._forget_rolled_back(version)
        return [self._store_alone(raw, ready) for raw, ready in batch]

    def _store_alone(self, raw, ready):
        version = self.version
        try:
            with transaction.atomic(), self._batch([(raw, ready)]):
                return self._store(raw, ready)
        except (IntegrityError, DataError) as error:
            self._forget_rolled_back(version)
            return ImportResult(raw.source, FAILED, f"could not store: {error}".strip())

    @contextmanager
    def _batch(self, batch):
        """Look up what the batch names, hold its rows, write them when the block ends."""
        drafts = [ready.draft for _, ready in batch if ready.draft is not None]
        self._rows, self._known = Rows(), KnownArticles(drafts)
        self._new_articles, self._retitled = [], set()
        self._article_ids.reserve(len(drafts))
        extractions = [ready.extraction for _, ready in batch if ready.extraction is not None]
        try:
            if self.extractor is None:
                yield
            else:
                with self.extractor.batch(self._rows, extractions):
                    yield
            self._rows.flush()
            flag_suspected_duplicates(self._new_articles)
            reflag_titles(self._retitled)
        finally:
            self._rows = self._known = None

    def _forget_rolled_back(self, version):
        """After a rollback: outlets and people the rolled-back work created are gone."""
        if self.version != version or (self.extractor and self.extractor.stale):
            self._load_outlets()
            self._outlets_by_slug.clear()
            if self.extractor is not None:
                self.extractor.reload()
            self._state_changed()

    # -- one document ------------------------------------------------------------------------
    def _store(self, raw, ready):
        self._refresh()
        if ready.version != self.version:  # an outlet or a person was stored since
            ready = self._prepare(raw)
        if ready.error:
            return ImportResult(raw.source, FAILED, ready.error)
        draft = ready.draft
        same_text, same_url = self._known.find(draft)
        if same_text is not None:
            return self._record_copy(same_text, draft)
        outlet = self._outlet(draft)
        if same_url is not None:  # a new text at a known URL
            self._rows.flush()  # updating reads the article's records from the database
            # A copy: the result of an earlier document of the batch keeps its article as
            # that document left it.
            article = copy.copy(same_url)
            old_hash = article.content_hash
            self._fill(article, draft, outlet)
            self._retitled.update((same_url.title, article.title))  # see flag_suspected_duplicates
            if self.extractor:
                self.extractor.apply(article, prepared=ready)
            else:
                article.save()
            self._known.stored(article, old_hash)
            return ImportResult(
                draft.source, UPDATED, f"new text at a known URL: article {article.pk}", article
            )
        article = Article(pk=self._article_ids.take())
        self._fill(article, draft, outlet)
        self._new_articles.append(article.pk)
        if self.extractor:
            self.extractor.apply(article, fresh=True, prepared=ready)
        else:
            self._rows.articles.append(article)
        self._known.stored(article)
        if article.review_reasons:
            reasons = ", ".join(r.replace("_", " ") for r in article.review_reasons)
            return ImportResult(
                draft.source, NEEDS_REVIEW, f"stored; needs review: {reasons}", article
            )
        return ImportResult(draft.source, IMPORTED, "stored", article)

    def _fill(self, article, draft, outlet):
        finding = draft.date
        values = {
            "title": draft.title,
            "url": draft.url or None,
            "outlet": outlet,
            "published_date": finding.value,
            "date_precision": finding.precision,
            "date_confidence": finding.confidence,
            "date_source": finding.source,
            "date_evidence": finding.evidence[:500],
            "dateline": draft.dateline[:300],
            "dateline_place": draft.dateline_place[:100],
            "lead": draft.lead,
            "body": draft.body,
            "raw_text": draft.raw_text,
            "raw_encoding": draft.raw_encoding,
            "raw_bytes": draft.raw_bytes,
            "source_path": draft.source[:1000],
            "source_format": draft.format,
            "language": draft.language,
            "content_hash": draft.content_hash,
        }
        for name, value in values.items():
            if name not in article.curated_fields:
                setattr(article, name, value)
        if "review_status" in article.curated_fields:
            return  # a curator has judged this article; the machine's reasons are moot
        reasons = list(draft.review_reasons)
        if article.published_date is not None and "date_unknown" in reasons:
            reasons.remove("date_unknown")
        article.review_reasons = reasons
        article.review_status = ReviewStatus.NEEDS_REVIEW if reasons else ReviewStatus.AUTO

    def _record_copy(self, article, draft):
        raw_hash = hashlib.sha256(draft.raw_text.encode()).hexdigest()
        if draft.raw_text == article.raw_text or self._known.has_source(article, raw_hash):
            return ImportResult(
                draft.source, DUPLICATE, f"already in the archive as article {article.pk}", article
            )
        outlet = self._outlet(draft)
        self._rows.add(
            ArticleSource,
            article_id=article.pk,
            outlet_id=outlet.pk if outlet else None,
            url=draft.url,
            published_date=draft.date.value,
            source_path=draft.source[:1000],
            raw_text=draft.raw_text,
            raw_hash=raw_hash,
        )
        self._known.source_hashes[article.pk].add(raw_hash)
        where = f" from {outlet.name}" if outlet and outlet != article.outlet else ""
        return ImportResult(
            draft.source,
            DUPLICATE,
            f"same text as article {article.pk}; recorded as another source{where}",
            article,
        )

    def _outlet(self, draft):
        finding = draft.outlet
        if finding is None:
            return None
        if finding.known:
            if finding.slug not in self._outlets_by_slug:
                self._outlets_by_slug[finding.slug] = (
                    Outlet.objects.filter(slug=finding.slug).first() if finding.slug else None
                ) or Outlet.objects.filter(name__iexact=finding.name).first()
            return self._outlets_by_slug[finding.slug]
        outlet = Outlet.objects.filter(name__iexact=finding.name).first()
        if outlet is None and finding.domain:
            outlet = Outlet.objects.filter(domains__contains=[finding.domain]).first()
        if outlet is None:
            outlet = Outlet.objects.create(
                name=finding.name[:200],
                slug=unique_slug(Outlet, finding.name),
                domains=[finding.domain] if finding.domain else [],
                review_status=ReviewStatus.NEEDS_REVIEW,
                review_reasons=[f"new outlet found by {finding.via}: {finding.evidence}"[:64]],
            )
            self._load_outlets()
            self._state_changed()
        return outlet


class Identifiers:
    """Primary keys drawn from a table's sequence before its rows are written, so the rows
    of a batch can refer to each other before a multi-row insert writes them. Sequences
    ignore rollbacks: a rolled-back batch leaves a gap, as any rolled-back insert does."""

    def __init__(self, model):
        self.model = model
        self.free = deque()

    def reserve(self, count):
        """Have at least `count` keys at hand, in one query."""
        missing = count - len(self.free)
        if missing <= 0:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.model._meta.db_table, self.model._meta.pk.column, missing],
            )
            self.free.extend(sorted(row[0] for row in cursor.fetchall()))

    def take(self):
        self.reserve(1)
        return self.free.popleft()


class Rows:
    """What a batch writes, held until `flush()` writes it all.

    Articles and meetings are model instances (the results and the meeting index hold
    them); the records under them are plain column values, which are cheaper to make.
    """

    def __init__(self):
        self.articles, self.meetings = [], []
        self.changed_meetings = {}  # pk -> a stored meeting the batch changed
        self.records = {model: [] for model in RECORDS}  # model -> [{attname: value}]

    def add(self, model, **values):
        self.records[model].append(values)

    def flush(self):
        """Write everything held, parents before children; nothing is held afterwards."""
        copy_instances(Article, self.articles)
        copy_instances(Meeting, self.meetings)
        for meeting in self.changed_meetings.values():
            meeting.save()
        for model, rows in self.records.items():
            copy_records(model, rows)
        self.__init__()


# Records a batch writes as plain values, in an order that writes no row before its parent.
RECORDS = (ArticleSource, Participation, MeetingReport, Mention, Quote)


def copy_instances(model, objects):
    """Insert new instances, each with its primary key (from Identifiers), with one COPY.

    A multi-row INSERT of a batch has thousands of parameters, which Django compiles and
    psycopg parses again in Python: most of a batch's time once. COPY sends the values
    bulk_create would send, adapted by psycopg's C code.
    """
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    with _copy(model, fields) as copy:
        for obj in objects:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            obj._state.adding, obj._state.db = False, connection.alias


def copy_records(model, rows):
    """Insert new rows given as {attname: value}, with one COPY; the model's defaults (the
    time for its auto_now fields) fill what a row leaves out, the sequence numbers them.

    Every row is new: ArticleExtractor makes Participation and MeetingReport pairs unique
    (one participation a person, one report a meeting and article), so nothing needs the
    ON CONFLICT that COPY cannot do.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated and not f.primary_key]
    now = timezone.now()
    defaults = []
    for f in fields:
        default = (
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
        )
        defaults.append(str(default) if isinstance(default, str) else default)  # no enums
    with _copy(model, fields) as copy:
        for row in rows:
            copy.write_row([row.get(f.attname, d) for f, d in zip(fields, defaults, strict=True)])


@contextmanager
def _copy(model, fields):
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    # psycopg's own cursor, under Django's translation of its errors (IntegrityError...).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        yield copy


class KnownArticles:
    """Stored articles by content hash and URL as a batch sees them: read in one query for
    the batch's documents, kept current as the batch stores, asked again only for a hash or
    URL the batch did not name at the start."""

    def __init__(self, drafts):
        self.by_hash, self.by_url = {}, {}
        self.source_hashes = {}  # article pk -> raw hashes of its recorded sources
        self._asked_hashes, self._asked_urls = set(), set()
        self._load({d.content_hash for d in drafts}, {d.url for d in drafts if d.url})

    def _load(self, hashes, urls):
        hashes, urls = hashes - self._asked_hashes, urls - self._asked_urls
        if not hashes and not urls:
            return
        self._asked_hashes |= hashes
        self._asked_urls |= urls
        found = list(
            Article.objects.select_related("outlet")
            .filter(Q(content_hash__in=hashes) | Q(url__in=urls))
            .order_by()
        )
        for article in found:  # what the batch stored itself stays as it left it
            self.by_hash.setdefault(article.content_hash, article)
            if article.url:
                self.by_url.setdefault(article.url, article)
        sourced = [
            a.pk for a in found if a.content_hash in hashes and a.pk not in self.source_hashes
        ]
        for pk in sourced:
            self.source_hashes[pk] = set()
        for pk, raw_hash in ArticleSource.objects.filter(article__in=sourced).values_list(
            "article_id", "raw_hash"
        ):
            self.source_hashes[pk].add(raw_hash)

    def find(self, draft):
        """(the article with the same text, the article at the same URL), either None."""
        self._load({draft.content_hash}, {draft.url} if draft.url else set())
        same_url = self.by_url.get(draft.url) if draft.url else None
        return self.by_hash.get(draft.content_hash), same_url

    def has_source(self, article, raw_hash):
        if article.pk not in self.source_hashes:
            self.source_hashes[article.pk] = set(
                ArticleSource.objects.filter(article=article).values_list("raw_hash", flat=True)
            )
        return raw_hash in self.source_hashes[article.pk]

    def stored(self, article, old_hash=None):
        """`article` was stored new, or updated from text with `old_hash`."""
        if old_hash is not None and getattr(self.by_hash.get(old_hash), "pk", None) == article.pk:
            del self.by_hash[old_hash]
        self.by_hash[article.content_hash] = article
        if article.url:
            self.by_url[article.url] = article
        self.source_hashes.setdefault(article.pk, set())


def unique_slug(model, name):
    base = slugify(name)[:180] or "item"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def load_gazetteer(gazetteer: Gazetteer):
    """Upsert the gazetteer's outlets, organizations and people by slug.

    Fields a curator edited (curated_fields) keep the curator's value. Returns counts.
    """
    counts = {"outlets": 0, "organizations": 0, "people": 0, "positions": 0}
    with transaction.atomic():
        for entry in gazetteer.outlets:
            _upsert(
                Outlet,
                entry.slug or slugify(entry.name),
                name=entry.name,
                kind=entry.kind,
                country=entry.country,
                domains=list(entry.domains),
                aliases=list(entry.aliases),
                dateline_tags=list(entry.dateline_tags),
            )
            counts["outlets"] += 1
        organizations = {}
        for entry in gazetteer.organizations:
            org = _upsert(
                Organization, entry.slug, name=entry.name, kind=entry.kind, country=entry.country
            )
            for alias in entry.aliases:
                OrganizationAlias.objects.get_or_create(organization=org, name=alias)
            organizations[entry.slug] = org
            counts["organizations"] += 1
        for entry in gazetteer.people:
            person = _upsert(Person, entry.slug, name=entry.name, country=entry.country)
            for alias in entry.aliases:
                PersonAlias.objects.get_or_create(person=person, name=alias)
            for pos in entry.positions:
                Position.objects.update_or_create(
                    person=person,
                    title=pos.title,
                    start_date=pos.start,
                    defaults={
                        "role": pos.role,
                        "organization": organizations.get(pos.organization),
                        "end_date": pos.end,
                        "dates_approximate": pos.approximate,
                        "review_status": ReviewStatus.CONFIRMED,
                    },
                )
                counts["positions"] += 1
            counts["people"] += 1
    return counts


def _upsert(model, slug, **values):
    record = model.objects.filter(slug=slug).first() or _merged_into(model, values["name"])
    if record is None:
        return model.objects.create(slug=slug, review_status=ReviewStatus.CONFIRMED, **values)
    if record.slug != slug:
        return record  # a curator merged this entry into `record`: leave the merge alone
    changed = False
    for name, value in values.items():
        if name not in record.curated_fields and getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    if changed:
        record.save()
    return record


def _merged_into(model, name):
    """The record a curator merged the gazetteer entry `name` into: its name is now an alias."""
    if model is Person:
        return Person.objects.filter(aliases__name=name).first()
    if model is Organization:
        return Organization.objects.filter(aliases__name=name).first()
    return Outlet.objects.filter(aliases__contains=[name]).first()


def gazetteer_from_db():
    """The living gazetteer: every person and organization not rejected by a curator."""
    # Positions in a stable order: the matcher takes the first of those begun the same day.
    positions = Position.objects.select_related("organization").order_by("start_date", "pk")
    people = (
        Person.objects.exclude(review_status=ReviewStatus.REJECTED)
        .prefetch_related("aliases", Prefetch("positions", queryset=positions))
        .order_by("pk")
    )
    organizations = (
        Organization.objects.exclude(review_status=ReviewStatus.REJECTED)
        .prefetch_related("aliases")
        .order_by("pk")
    )
    return Gazetteer(
        outlets=[],
        organizations=[
            OrganizationEntry(
                name=o.name,
                slug=o.slug,
                kind=o.kind,
                country=o.country,
                aliases=tuple(a.name for a in o.aliases.all()),
            )
            for o in organizations
        ],
        people=[
            PersonEntry(
                name=p.name,
                slug=p.slug,
                country=p.country,
                aliases=tuple(a.name for a in p.aliases.all()),
                positions=tuple(
                    PositionEntry(
                        title=pos.title,
                        role=pos.role,
                        organization=pos.organization.slug if pos.organization else "",
                        start=pos.start_date,
                        end=pos.end_date,
                    )
                    for pos in p.positions.all()
                    if pos.review_status != ReviewStatus.REJECTED
                ),
            )
            for p in people
        ],
    )


class ArticleExtractor:
    """Writes one article's extraction to the database, leaving curated records alone.

    Machine-made mentions, quotes and meeting reports of the article are replaced on every
    run; confirmed ones stay; rejected ones stay rejected and are not made again. Inside
    `batch()` the rows are held for the batch's multi-row inserts, and meetings are matched
    against the batch's MeetingIndex, which includes the meetings the batch created.
    """

    def __init__(self):
        self._rows = self._meetings_index = None
        self._meeting_ids = Identifiers(Meeting)
        self.reload()

    def reload(self):
        """The matcher and the people it can name, built once and again after new people."""
        self.gazetteer = gazetteer_from_db()
        self.matcher = PeopleMatcher(self.gazetteer)
        self.spellings = {p.slug: [p.name, *p.aliases] for p in self.gazetteer.people}
        self.people = {
            p.slug: p for p in Person.objects.exclude(review_status=ReviewStatus.REJECTED)
        }
        self.organizations = {
            o.slug: o for o in Organization.objects.exclude(review_status=ReviewStatus.REJECTED)
        }
        self.stale = False

    def refresh(self):
        """Reload if an article created people since the last load; True if it did."""
        if self.stale:
            self.reload()
            return True
        return False

    @contextmanager
    def batch(self, rows=None, extractions=()):
        """Hold the writes of the `apply()` calls inside the block.

        `rows`: the caller's Rows, which the caller writes; without it the block writes its
        own when it ends. `extractions`: the batch's, to read the meetings they may match in
        one query.
        """
        if self._rows is not None:  # inside an enclosing batch, which writes
            yield
            return
        own = rows is None
        self._rows, self._meetings_index = rows or Rows(), MeetingIndex()
        try:
            findings = [f for e in extractions for f in e.meetings]
            self._meeting_ids.reserve(len(findings))
            self._meetings_index.load_for(self._known_findings(findings))
            yield
            if own:
                self._rows.flush()
        finally:
            self._rows = self._meetings_index = None

    def apply(self, article, fresh=False, prepared=None):
        """Extract from `article` and store the result; `fresh`: a new article, no records.

        `prepared`: the document's Prepared, whose extraction is used when it was made from
        the article's text, date and dateline place. A fresh article is written with the
        batch's rows; any other is saved here, with the names of the people it mentions.
        """
        with self.batch():
            reloaded = self.refresh()
            text, published, place = article.body, article.published_date, article.dateline_place
            if prepared and prepared.extracted_from == (text, published, place) and not reloaded:
                result = prepared.extraction
            else:
                result = extract(text, self.matcher, published, place)
            keys = {m.key for m in result.people.mentions if m.kind == "person"}
            names = set()
            for key in keys:
                names.update(self.spellings.get(key, [key.removeprefix("new:")]))
            article.names_text = searchable_names(names)
            people = self._people(result, article, keys)
            article.person_ids, article.organization_ids = self._mentions(
                article, result, people, fresh
            )
            if fresh:
                self._rows.articles.append(article)
            else:
                article.save()
            self._quotes(article, result, people, fresh)
            self._meetings(article, result, people, fresh)
        return result

    def _people(self, result, article, keys):
        """Person rows for every key found; new officials are created flagged for review."""
        people = {k: self.people[k] for k in keys if k in self.people}
        for key in keys - set(people):
            if not key.startswith("new:"):
                continue
            name = key[4:]
            found = result.people.new_people.get(name)
            person = (
                Person.objects.filter(name__iexact=name).first()
                or Person.objects.filter(aliases__name__iexact=name).first()
            )
            if person is None:
                person = Person.objects.create(
                    name=name,
                    slug=unique_slug(Person, name),
                    country=found.country if found else "",
                    review_status=ReviewStatus.NEEDS_REVIEW,
                    review_reasons=["discovered by extraction"],
                    notes=f"Found in article {article.pk}: {found.evidence if found else ''}"[
                        :2000
                    ],
                )
                if found and found.role_title:
                    roles = roles_in_title(found.role_title)
                    Position.objects.create(
                        person=person,
                        title=found.role_title[:300],
                        role=roles.pop() if len(roles) == 1 else "other",
                        review_status=ReviewStatus.NEEDS_REVIEW,
                    )
                self.stale = True
            people[key] = person
        return people

    def _mentions(self, article, result, people, fresh):
        """Write the article's mentions, keeping curated ones; return the ids of the people
        and of the organizations its shown mentions name, sorted."""
        kept = [] if fresh else list(article.mentions.filter(review_status__in=CURATED_STATUSES))
        if not fresh:
            article.mentions.exclude(review_status__in=CURATED_STATUSES).delete()
        shown = [k for k in kept if k.review_status != ReviewStatus.REJECTED]
        person_ids = {k.person_id for k in shown if k.person_id}
        organization_ids = {k.organization_id for k in shown if k.organization_id}
        organizations = self.organizations
        for m in result.people.mentions:
            person = people.get(m.key) if m.kind == "person" else None
            organization = organizations.get(m.key) if m.kind == "organization" else None
            if person is None and organization is None:
                continue
            if any(
                k.start < m.end
                and m.start < k.end
                and (k.person_id, k.organization_id)
                == (getattr(person, "pk", None), getattr(organization, "pk", None))
                for k in kept
            ) or any(
                k.start < m.end and m.start < k.end
                for k in kept
                if k.review_status == ReviewStatus.CONFIRMED
            ):
                continue
            self._rows.add(
                Mention,
                article_id=article.pk,
                person_id=getattr(person, "pk", None),
                organization_id=getattr(organization, "pk", None),
                start=m.start,
                end=m.end,
                text=m.text[:300],
                role_title=m.role_title[:300],
                evidence=sentence_around(article.body, m.start),
                extractor=f"{EXTRACTOR}:{m.how}",
            )
            if person is not None:
                person_ids.add(person.pk)
            if organization is not None:
                organization_ids.add(organization.pk)
        return sorted(person_ids), sorted(organization_ids)

    def _quotes(self, article, result, people, fresh):
        kept = [] if fresh else list(article.quotes.filter(review_status__in=CURATED_STATUSES))
        if not fresh:
            article.quotes.exclude(review_status__in=CURATED_STATUSES).delete()
        for q in result.quotes:
            person = people.get(q.speaker)
            if person is None or any(k.text == q.text for k in kept):
                continue
            self._rows.add(
                Quote,
                article_id=article.pk,
                person_id=person.pk,
                text=q.text,
                start=q.start,
                end=q.end,
                role_title=q.role_title[:300],
                evidence=q.evidence,
                extractor=EXTRACTOR,
            )

    def _meetings(self, article, result, people, fresh):
        touched, curated_here, reported = set(), set(), set()
        if not fresh:
            machine_reports = article.meeting_reports.exclude(
                meeting__review_status__in=CURATED_STATUSES
            )
            touched = set(machine_reports.values_list("meeting_id", flat=True))
            machine_reports.delete()
            curated_here = set(article.meeting_reports.values_list("meeting_id", flat=True))
        for finding in result.meetings:
            persons = [people[k] for k in finding.participants if people.get(k)]
            if len({p.pk for p in persons}) < (1 if finding.kind == "multilateral" else 2):
                continue
            if curated_here and self._matches_one_of(finding, persons, curated_here):
                continue  # a curator placed this report already (after a split, say)
            meeting = self._matching_meeting(finding, persons)
            if meeting is None:
                meeting = self._new_meeting(finding, people)
            elif meeting.pk in curated_here:
                continue
            else:
                self._update_meeting(meeting, finding, people)
            if meeting.pk not in reported:  # two findings of the article, one meeting
                reported.add(meeting.pk)
                self._rows.add(
                    MeetingReport,
                    meeting_id=meeting.pk,
                    article_id=article.pk,
                    evidence=finding.evidence,
                    extractor=EXTRACTOR,
                )
            touched.discard(meeting.pk)
        if touched:  # meetings this article alone reported, and no longer does
            self._rows.flush()
            orphans = Meeting.objects.filter(pk__in=touched, reports__isnull=True).exclude(
                review_status__in=CURATED_STATUSES
            )
            orphan_pks = list(orphans.values_list("pk", flat=True))
            Meeting.objects.filter(pk__in=orphan_pks).delete()
            self._meetings_index.forget(orphan_pks)

    def _add_participants(self, meeting, finding, people, known=None):
        """Participation rows for the finding's people the meeting does not have yet."""
        participants = dict(known or {})
        for key in finding.participants:
            person = people.get(key)
            if person is None or person.pk in participants:
                continue
            participants[person.pk] = key
            self._rows.add(
                Participation,
                meeting_id=meeting.pk,
                person_id=person.pk,
                role_title=finding.roles.get(key, "")[:300],
                evidence=finding.evidence,
                extractor=EXTRACTOR,
            )
        return participants

    def _new_meeting(self, finding, people):
        meeting = Meeting(
            pk=self._meeting_ids.take(),
            date=finding.date,
            date_precision=finding.date_precision,
            place=finding.place,
            format=finding.format,
            kind=finding.kind,
            status=finding.status,
            confidence=finding.confidence,
            summary=finding.evidence[:1000],
        )
        self._rows.meetings.append(meeting)
        self._meetings_index.add(meeting, self._add_participants(meeting, finding, people))
        return meeting

    def _matches_one_of(self, finding, persons, meeting_ids):
        wanted = MeetingFinding(
            **{**finding.__dict__, "participants": sorted(p.pk for p in persons)}
        )
        self._rows.flush()
        meetings = Meeting.objects.filter(pk__in=meeting_ids)
        participants = _participants_of(meeting_ids)
        return any(
            matches_across_articles(_as_finding(m, participants[m.pk]), wanted) for m in meetings
        )

    def _matching_meeting(self, finding, persons):
        if not finding.date:
            return None
        window = timedelta(days=match_window(finding))
        wanted = {p.pk for p in persons}
        new = MeetingFinding(**{**finding.__dict__, "participants": sorted(wanted)})
        index = self._meetings_index
        for meeting in index.candidates(persons, finding.date - window, finding.date + window):
            if matches_across_articles(_as_finding(meeting, index.participants[meeting.pk]), new):
                return meeting
        return None

    def _known_findings(self, findings):
        """(first participant's pk, date) of findings the batch may match to stored meetings."""
        known = []
        for finding in findings:
            person = next((self.people[k] for k in finding.participants if k in self.people), None)
            if finding.date and person is not None:
                known.append((person.pk, finding))
        return known

    def _update_meeting(self, meeting, finding, people):
        """Fill what the meeting lacks (a participant another report left out, too); a held
        report makes a planned meeting held."""
        if meeting.review_status not in CURATED_STATUSES:
            known = self._meetings_index.participants[meeting.pk]
            self._meetings_index.add(
                meeting, self._add_participants(meeting, finding, people, known)
            )
        curated = set(meeting.curated_fields)
        changes = {}
        if finding.status == "held" and meeting.status == "planned":
            changes["status"] = "held"
            if finding.date_precision == "day":
                changes["date"], changes["date_precision"] = finding.date, "day"
        if not meeting.place and finding.place:
            changes["place"] = finding.place
        for name, value in changes.items():
            if name not in curated:
                setattr(meeting, name, value)
        if changes and not meeting._state.adding:  # a new one is written as it ends up
            self._rows.changed_meetings[meeting.pk] = meeting


def match_window(finding):
    """Days either side of a finding's date a report of the same meeting may be dated."""
    return 31 if finding.status == "planned" or finding.date_precision != "day" else 1


class MeetingIndex:
    """The meetings a batch's reports may match, by participant.

    Read from the database for the people and dates the batch's findings name (one query
    for the batch; one more for a finding outside what was read), kept current as the batch
    creates, changes and deletes meetings. Rejected meetings are left out, as in matching.
    """

    def __init__(self):
        self.participants = {}  # meeting pk -> {person pk: ...}
        self._by_person = defaultdict(dict)  # person pk -> {meeting pk: meeting}
        self._read = defaultdict(list)  # person pk -> [(first, last)] dates read

    def load_for(self, known_findings):
        """Read the meetings the (person pk, finding) pairs may match, in one query: for
        each person, only around the dates of that person's findings."""
        ranges = defaultdict(list)
        for pk, finding in known_findings:
            window = timedelta(days=match_window(finding))
            ranges[pk].append((finding.date - window, finding.date + window))
        if ranges:
            self._load({pk: _merged(person_ranges) for pk, person_ranges in ranges.items()})

    def _load(self, ranges_by_person):
        """Read the meetings each person (pk) takes part in within that person's
        [(first, last)]. Each range is read from the date index and its meetings checked
        for the person, so the cost follows the meetings of those days, not every meeting
        those people ever had."""
        windows = [(pk, *r) for pk, ranges in ranges_by_person.items() for r in ranges]
        persons, firsts, lasts = (list(column) for column in zip(*windows, strict=True))
        matching = RawSQL(
            f"SELECT p.meeting_id FROM unnest(%s::bigint[], %s::date[], %s::date[])"
            f" AS w(person_id, first, last)"
            # OFFSET 0 keeps the subquery a per-window date index scan.
            f" CROSS JOIN LATERAL (SELECT id FROM {Meeting._meta.db_table}"
            f" WHERE date BETWEEN w.first AND w.last OFFSET 0) m"
            # And each of those meetings is looked up for the person, rather than every
            # meeting the person ever had hashed for each window (a batch of 100 at a
            # million articles: 15.6 -> 5.6 ms).
            f" CROSS JOIN LATERAL (SELECT p.meeting_id FROM {Participation._meta.db_table} p"
            f" WHERE p.meeting_id = m.id AND p.person_id = w.person_id OFFSET 0) p",
            [persons, firsts, lasts],
        )
        meetings = {
            m.pk: m
            for m in Meeting.objects.filter(pk__in=matching)
            .exclude(review_status=ReviewStatus.REJECTED)
            .order_by()
            if m.pk not in self.participants  # else the batch's own version stands
        }
        participants = _participants_of(meetings)
        for pk, meeting in meetings.items():
            self.add(meeting, participants[pk])
        for pk, ranges in ranges_by_person.items():
            self._read[pk].extend(ranges)

    def add(self, meeting, participants):
        self.participants[meeting.pk] = participants
        for person_pk in participants:
            self._by_person[person_pk][meeting.pk] = meeting

    def forget(self, meeting_pks):
        for pk in meeting_pks:
            for person_pk in self.participants.pop(pk, ()):
                self._by_person[person_pk].pop(pk, None)

    def candidates(self, persons, first, last):
        """Meetings dated first..last with persons[:2] taking part, latest first."""
        lead = persons[0].pk
        if not any(a <= first and last <= b for a, b in self._read[lead]):
            self._load({lead: [(first, last)]})
        others = [p.pk for p in persons[1:2]]
        found = [
            m
            for m in self._by_person[lead].values()
            if m.date is not None
            and first <= m.date <= last
            and m.review_status != ReviewStatus.REJECTED
            and all(pk in self.participants[m.pk] for pk in others)
        ]
        return sorted(found, key=lambda m: (m.date, m.pk), reverse=True)


def _participants_of(meeting_pks):
    """{meeting pk: {person pk: None}} of every participation of the meetings, read as
    pairs rather than as a Participation instance each."""
    participants = defaultdict(dict)
    for meeting_pk, person_pk in Participation.objects.filter(
        meeting_id__in=list(meeting_pks)
    ).values_list("meeting_id", "person_id"):
        participants[meeting_pk][person_pk] = None
    return participants


def _merged(ranges):
    merged = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _as_finding(meeting, participant_pks):
    """A stored meeting in the pipeline's terms, participants as person ids."""
    return MeetingFinding(
        participants=list(participant_pks),
        status=meeting.status,
        date=meeting.date,
        date_precision=meeting.date_precision,
        place=meeting.place,
        format=meeting.format,
        kind=meeting.kind,
        evidence="",
        evidence_start=0,
    )
