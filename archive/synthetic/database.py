"""Writing a synthetic archive: the cast by the ORM, articles and the rest by COPY.

Articles, meetings, participations, reports, mentions, quotes and reprints are streamed
into their tables with PostgreSQL's COPY (psycopg 3 `cursor.copy` on Django's connection),
a batch per transaction; ids of articles and meetings are taken from their sequences first,
so the rows that point at them can be written in the same pass. The search vector is a
generated column: PostgreSQL computes it for each article as the COPY inserts it.

Every generated article's source_path is "synthetic:<seed>:<number>" (SYNTHETIC_SOURCE):
that is how a synthetic archive is told from a real one.
"""

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.postgres.indexes import GinIndex
from django.db import connection, transaction
from django.utils import timezone

from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
from archive.ingest.store import load_gazetteer
from archive.models import (
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
)
from archive.synthetic.articles import BATCH_SIZE, EXTRACTOR
from archive.synthetic.entities import (
    SYNTHETIC_DOMAIN,
    SYNTHETIC_PERSON_NOTE,
    Cast,
    build_cast,
)

ARTICLE_COLUMNS = (
    "id", "title", "url", "outlet_id", "published_date", "date_precision", "date_confidence",
    "date_source", "date_evidence", "dateline", "dateline_place", "lead", "body", "raw_text",
    "raw_encoding", "source_path", "source_format", "language", "content_hash", "names_text",
    "person_ids", "organization_ids", "review_status", "review_reasons", "curated_fields",
    "created_at", "updated_at",
)  # fmt: skip
MEETING_COLUMNS = (
    "id", "date", "date_precision", "place", "format", "kind", "status", "summary",
    "confidence", "review_status", "review_reasons", "curated_fields", "created_at",
    "updated_at",
)  # fmt: skip
PARTICIPATION_COLUMNS = (
    "meeting_id", "person_id", "role_title", "organization_id", "evidence", "extractor",
    "review_status", "review_reasons", "curated_fields", "created_at", "updated_at",
)  # fmt: skip
REPORT_COLUMNS = ("meeting_id", "article_id", "evidence", "extractor")
MENTION_COLUMNS = (
    "article_id", "person_id", "organization_id", "start", "end", "text", "role_title",
    "evidence", "extractor", "review_status", "review_reasons", "curated_fields",
    "created_at", "updated_at",
)  # fmt: skip
QUOTE_COLUMNS = (
    "article_id", "person_id", "text", "role_title", "start", "end", "evidence", "extractor",
    "review_status", "review_reasons", "curated_fields", "created_at", "updated_at",
)  # fmt: skip
SOURCE_COLUMNS = (
    "article_id", "outlet_id", "url", "published_date", "source_path", "raw_text", "raw_hash",
    "received_at",
)  # fmt: skip
TABLES = [
    model._meta.db_table
    for model in (
        Article, ArticleSource, Meeting, MeetingReport, Mention, Organization,
        OrganizationAlias, Outlet, Participation, Person, PersonAlias, Position, Quote,
    )
]  # fmt: skip


SYNTHETIC_SOURCE = r"^synthetic:[0-9]+:[0-9]+$"  # SOURCE_PREFIX, the seed, the number


@dataclass
class ArchiveState:
    real_articles: int
    batches: dict  # batch number -> synthetic articles stored from it
    next_number: int  # one past the highest synthetic article number

    @property
    def synthetic_articles(self):
        return sum(self.batches.values())


@dataclass
class Ids:
    """Database ids of the cast, by slug."""

    outlets: dict = field(default_factory=dict)
    organizations: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


@dataclass
class Timings:
    """Seconds per stage, and processor seconds of the writers and of their database
    server processes (when this machine runs the server), summed over workers."""

    plan: float = 0.0
    articles: float = 0.0
    related: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0

    def add(self, stage, seconds):
        setattr(self, stage, getattr(self, stage) + seconds)

    def add_all(self, other):
        for stage in ("plan", "articles", "related", "client_cpu", "server_cpu"):
            self.add(stage, getattr(other, stage))


class ProcessorClock:
    """Processor seconds used by this process and by its connection's server process."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.server_stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.last = self._read()

    def _read(self):
        try:
            fields = self.server_stat.read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            server = 0.0  # a server on another machine, or not ours to read
        return time.process_time(), server

    def charge(self, timings):
        """Add the processor time used since the last call to `timings`."""
        now = self._read()
        timings.add("client_cpu", now[0] - self.last[0])
        timings.add("server_cpu", now[1] - self.last[1])
        self.last = now


def archive_state():
    """Articles that are not synthetic, and how many synthetic ones each batch has."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT number / %(size)s, count(*), max(number)
            FROM (
                SELECT CASE WHEN source_path ~ %(pattern)s
                       THEN split_part(source_path, ':', 3)::bigint END AS number
                FROM {Article._meta.db_table}
            ) AS numbered
            GROUP BY 1
            """,
            {"size": BATCH_SIZE, "pattern": SYNTHETIC_SOURCE},
        )
        rows = cursor.fetchall()
    real = sum(count for batch, count, _ in rows if batch is None)
    batches = {batch: count for batch, count, _ in rows if batch is not None}
    highest = max((number for batch, _, number in rows if batch is not None), default=-1)
    return ArchiveState(real, batches, highest + 1)


def prepare_cast(seed):
    """Load the gazetteer, add the made-up cast, and return it with its database ids.

    Idempotent: records that exist (by slug) are reused, never changed. Anyone the
    database lacks (a gazetteer entry a curator merged away) is left out of the cast.
    """
    gazetteer = Gazetteer.from_file(DEFAULT_GAZETTEER_PATH)
    load_gazetteer(gazetteer)
    cast = build_cast(gazetteer, seed)
    with transaction.atomic():
        _create_outlets([o for o in cast.outlets if o.synthetic])
        _create_organizations([o for o in cast.organizations if o.synthetic])
        ids = Ids(
            outlets=_ids(Outlet, cast.outlets),
            organizations=_ids(Organization, cast.organizations),
        )
        _create_people([p for p in cast.people if p.synthetic], ids.organizations)
        ids.people = _ids(Person, cast.people)
    present = Cast(
        outlets=[o for o in cast.outlets if o.slug in ids.outlets],
        organizations=[o for o in cast.organizations if o.slug in ids.organizations],
        people=[p for p in cast.people if p.slug in ids.people],
    )
    return present, ids


def _ids(model, specs):
    slugs = [spec.slug for spec in specs]
    return dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))


def _create_outlets(specs):
    Outlet.objects.bulk_create(
        [
            Outlet(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                country=spec.country,
                domains=[f"{spec.slug}.{SYNTHETIC_DOMAIN}"],
            )
            for spec in specs
        ],
        ignore_conflicts=True,
    )


def _create_organizations(specs):
    Organization.objects.bulk_create(
        [
            Organization(name=spec.name, slug=spec.slug, kind=spec.kind, country=spec.country)
            for spec in specs
        ],
        ignore_conflicts=True,
    )
    ids = _ids(Organization, specs)
    OrganizationAlias.objects.bulk_create(
        [
            OrganizationAlias(organization_id=ids[spec.slug], name=alias)
            for spec in specs
            if spec.slug in ids
            for alias in spec.aliases
        ],
        ignore_conflicts=True,
    )


def _create_people(specs, organization_ids):
    existing = set(Person.objects.filter(slug__in=[p.slug for p in specs]).values_list("slug"))
    new = [spec for spec in specs if (spec.slug,) not in existing]
    Person.objects.bulk_create(
        [
            Person(
                name=spec.name, slug=spec.slug, country=spec.country, notes=SYNTHETIC_PERSON_NOTE
            )
            for spec in new
        ],
        ignore_conflicts=True,
    )
    ids = _ids(Person, new)
    PersonAlias.objects.bulk_create(
        [
            PersonAlias(person_id=ids[spec.slug], name=alias)
            for spec in new
            if spec.slug in ids
            for alias in spec.aliases
        ],
        ignore_conflicts=True,
    )
    Position.objects.bulk_create(
        [
            Position(
                person_id=ids[spec.slug],
                title=position.title,
                role=position.role,
                organization_id=organization_ids.get(position.organization),
                start_date=position.start,
                end_date=position.end,
                review_status="confirmed",
            )
            for spec in new
            if spec.slug in ids
            for position in spec.positions
        ]
    )


def discard_batch(batch):
    """Delete the synthetic articles of a batch an earlier run left partial, and the
    meetings only they report, before the batch is written whole."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id FROM {Article._meta.db_table}
            WHERE source_path ~ %s AND split_part(source_path, ':', 3)::bigint / %s = %s
            """,
            [SYNTHETIC_SOURCE, BATCH_SIZE, batch],
        )
        article_ids = [row[0] for row in cursor.fetchall()]
    reported = MeetingReport.objects.filter(article_id__in=article_ids, extractor=EXTRACTOR)
    others = MeetingReport.objects.exclude(article_id__in=article_ids)
    meetings = Meeting.objects.filter(pk__in=reported.values("meeting_id")).exclude(
        pk__in=others.values("meeting_id")
    )
    with transaction.atomic():
        Meeting.objects.filter(pk__in=list(meetings.values_list("pk", flat=True))).delete()
        Article.objects.filter(pk__in=article_ids).delete()
    return len(article_ids)


def _reserve_ids(model, count):
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, columns, rows):
    quoted = ", ".join(f'"{column}"' for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def write_batch(drafts, ids, timings):
    """Store one batch of ArticleDraft with everything they report, in one transaction."""
    rows = Rows(ids, timezone.now())
    with transaction.atomic():
        meetings = {}
        for draft in drafts:
            if draft.meeting is not None:
                meetings.setdefault(draft.meeting.number, draft.meeting)
        meeting_ids = dict(zip(meetings, _reserve_ids(Meeting, len(meetings)), strict=True))
        articles = list(zip(_reserve_ids(Article, len(drafts)), drafts, strict=True))

        started = time.perf_counter()
        _copy(Article, ARTICLE_COLUMNS, (rows.article(pk, d) for pk, d in articles))
        timings.add("articles", time.perf_counter() - started)

        started = time.perf_counter()
        _copy(
            Meeting,
            MEETING_COLUMNS,
            (rows.meeting(meeting_ids[number], m) for number, m in meetings.items()),
        )
        _copy(
            Participation,
            PARTICIPATION_COLUMNS,
            (
                rows.participation(meeting_ids[number], m, person, role_title)
                for number, m in meetings.items()
                for person, role_title in m.participants
            ),
        )
        _copy(
            MeetingReport,
            REPORT_COLUMNS,
            (
                (meeting_ids[d.meeting.number], pk, d.meeting_evidence, EXTRACTOR)
                for pk, d in articles
                if d.meeting is not None
            ),
        )
        _copy(
            Mention,
            MENTION_COLUMNS,
            (rows.mention(pk, m) for pk, d in articles for m in d.mentions),
        )
        _copy(Quote, QUOTE_COLUMNS, (rows.quote(pk, q) for pk, d in articles for q in d.quotes))
        _copy(
            ArticleSource,
            SOURCE_COLUMNS,
            (rows.source(pk, d, c) for pk, d in articles for c in d.copies),
        )
        timings.add("related", time.perf_counter() - started)


@dataclass
class Rows:
    """COPY rows, in the order of the *_COLUMNS above."""

    ids: Ids
    now: object

    def article(self, pk, d):
        return (
            pk, d.title, d.url, self.ids.outlets[d.outlet.slug], d.published_date,
            d.date_precision, d.date_confidence, d.date_source, d.date_evidence, d.dateline,
            d.dateline_place, d.lead, d.body, d.raw_text, "utf-8", d.source_path, "txt",
            d.language, d.content_hash, d.names_text, *self.mentioned(d), d.review_status,
            d.review_reasons, [], self.now, self.now,
        )  # fmt: skip

    def mentioned(self, d):
        """(person ids, organization ids) of the article's shown mentions, as the importer
        writes them."""
        shown = [m for m in d.mentions if m.review_status != "rejected"]
        people = {self.ids.people[m.person.slug] for m in shown if m.person}
        organizations = {
            self.ids.organizations[m.organization.slug] for m in shown if m.organization
        }
        return sorted(people), sorted(organizations)

    def meeting(self, pk, m):
        return (
            pk, m.date, m.date_precision, m.place, m.format, m.kind, m.status, m.summary,
            m.confidence, m.review_status, [], [], self.now, self.now,
        )  # fmt: skip

    def participation(self, meeting_pk, m, person, role_title):
        position = person.position_on(m.date)
        organization = self.ids.organizations.get(position.organization) if position else None
        return (
            meeting_pk, self.ids.people[person.slug], role_title, organization, "", EXTRACTOR,
            "auto", [], [], self.now, self.now,
        )  # fmt: skip

    def mention(self, article_pk, m):
        person = self.ids.people[m.person.slug] if m.person else None
        organization = self.ids.organizations[m.organization.slug] if m.organization else None
        return (
            article_pk, person, organization, m.start, m.end, m.text, m.role_title, m.evidence,
            EXTRACTOR, m.review_status, [], [], self.now, self.now,
        )  # fmt: skip

    def quote(self, article_pk, q):
        return (
            article_pk, self.ids.people[q.person.slug], q.text, q.role_title, q.start, q.end,
            q.evidence, EXTRACTOR, "auto", [], [], self.now, self.now,
        )  # fmt: skip

    def source(self, article_pk, d, c):
        raw_hash = hashlib.sha256(c.raw_text.encode()).hexdigest()
        return (
            article_pk, self.ids.outlets[c.outlet.slug], c.url, c.published_date,
            f"{d.source_path}:reprint", c.raw_text, raw_hash, self.now,
        )  # fmt: skip


def refresh_statistics():
    """ANALYZE the archive's tables, so the planner knows their new sizes and contents."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")


def _search_indexes():
    """The GIN indexes on the search vector, as the model declares them: the whole
    archive's and one a year (archive.models.year_search_indexes)."""
    return [
        index
        for index in Article._meta.indexes
        if isinstance(index, GinIndex) and index.fields[0] == "search_vector"
    ]


def _present_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [Article._meta.db_table]
        )
        return {row[0] for row in cursor.fetchall()}


def search_indexes_present():
    present = _present_indexes()
    return all(index.name in present for index in _search_indexes())


def drop_search_indexes():
    """Drop the search indexes before a bulk load: building them once afterwards costs
    less than updating them for every article."""
    present = _present_indexes()
    with connection.schema_editor() as editor:
        for index in _search_indexes():
            if index.name in present:
                editor.remove_index(Article, index)


def build_search_indexes(memory="1GB"):
    """Create the search indexes that are missing, with `memory` for the sort in this
    session only."""
    present = _present_indexes()
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Inside a transaction (a test) the foreign keys' deferred checks must run
            # first: PostgreSQL builds no index on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, false)", [memory])
        try:
            with connection.schema_editor() as editor:
                for index in _search_indexes():
                    if index.name not in present:
                        editor.add_index(Article, index)
        finally:
            cursor.execute("RESET maintenance_work_mem")
            if connection.in_atomic_block:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
