"""The one ingest module that touches the database: upsert what the pipeline found.

Import rules, per document, each in its own transaction:
  - same clean text as a stored article (content hash): a duplicate; a copy from another
    source (other URL, other site, other chrome) is recorded as an ArticleSource;
  - same URL, new text: the stored article is updated, except fields a curator edited;
  - otherwise a new article, "needs review" when its date or outlet is unknown or new.
Importing the same input again changes nothing.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from archive.ingest import pipeline
from archive.ingest.extract import EXTRACTOR, extract
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
from archive.ingest.read import IngestError, iter_documents
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


def outlet_directory():
    return OutletDirectory(
        OutletEntry(
            name=o.name,
            slug=o.slug,
            domains=tuple(o.domains),
            aliases=tuple(o.aliases),
            dateline_tags=tuple(o.dateline_tags),
        )
        for o in Outlet.objects.exclude(review_status=ReviewStatus.REJECTED)
    )


class Importer:
    """Imports documents one by one; reuse one instance for a whole run."""

    def __init__(self, today=None, extract=True):
        # Each document still commits on its own; the commit just does not wait for the
        # WAL to reach the disk. A crash can lose the last moments of an import, never
        # leave half a document, and importing the same input again completes it.
        # https://www.postgresql.org/docs/current/wal-async-commit.html
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        self.today = today or date.today()
        self.outlets = outlet_directory()
        self._outlets_by_slug = {}
        self.extractor = ArticleExtractor() if extract else None

    def import_paths(self, paths, stdin=None):
        for raw in iter_documents(paths, stdin=stdin):
            yield self.import_document(raw)

    def import_document(self, raw):
        try:
            people = self.extractor.matcher if self.extractor else None
            draft = pipeline.process(raw, self.outlets, today=self.today, people=people)
        except IngestError as error:
            return ImportResult(raw.source, FAILED, str(error))
        try:
            with transaction.atomic():
                return self._store(draft)
        except IntegrityError as error:
            return ImportResult(raw.source, FAILED, f"could not store: {error}".strip())

    def _store(self, draft):
        content_hash = draft.content_hash
        match = (
            Q(content_hash=content_hash) | Q(url=draft.url)
            if draft.url
            else Q(content_hash=content_hash)
        )
        known = list(Article.objects.select_related("outlet").filter(match)[:2])
        same_text = next((a for a in known if a.content_hash == content_hash), None)
        if same_text is not None:
            return self._record_copy(same_text, draft)
        outlet = self._outlet(draft)
        if known:  # a new text at a known URL
            same_url = known[0]
            self._fill(same_url, draft, outlet)
            if self.extractor:
                self.extractor.apply(same_url)
            else:
                same_url.save()
            return ImportResult(
                draft.source, UPDATED, f"new text at a known URL: article {same_url.pk}", same_url
            )
        article = Article()
        self._fill(article, draft, outlet)
        if self.extractor:
            self.extractor.apply(article, fresh=True)
        else:
            article.save()
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
        if draft.raw_text == article.raw_text or article.sources.filter(raw_hash=raw_hash).exists():
            return ImportResult(
                draft.source, DUPLICATE, f"already in the archive as article {article.pk}", article
            )
        outlet = self._outlet(draft)
        ArticleSource.objects.create(
            article=article,
            outlet=outlet,
            url=draft.url,
            published_date=draft.date.value,
            source_path=draft.source[:1000],
            raw_text=draft.raw_text,
            raw_hash=raw_hash,
        )
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
            self.outlets = outlet_directory()
        return outlet


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
    people = (
        Person.objects.exclude(review_status=ReviewStatus.REJECTED)
        .prefetch_related("aliases", "positions__organization")
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
    run; confirmed ones stay; rejected ones stay rejected and are not made again.
    """

    def __init__(self):
        self._load()

    def _load(self):
        """The matcher and the people it can name, built once and again after new people."""
        gazetteer = gazetteer_from_db()
        self.matcher = PeopleMatcher(gazetteer)
        self.spellings = {p.slug: [p.name, *p.aliases] for p in gazetteer.people}
        self.people = {
            p.slug: p for p in Person.objects.exclude(review_status=ReviewStatus.REJECTED)
        }
        self.organizations = {
            o.slug: o for o in Organization.objects.exclude(review_status=ReviewStatus.REJECTED)
        }
        self._stale = False

    def apply(self, article, fresh=False):
        """Extract from `article` and store the result; `fresh`: not yet saved, no records.

        The article is saved here, once, with the names of the people it mentions.
        """
        if self._stale:
            self._load()
        result = extract(article.body, self.matcher, article.published_date, article.dateline_place)
        keys = {m.key for m in result.people.mentions if m.kind == "person"}
        names = set()
        for key in keys:
            names.update(self.spellings.get(key, [key.removeprefix("new:")]))
        article.names_text = " ".join(sorted(names))
        article.save()
        people = self._people(result, article, keys)
        self._mentions(article, result, people, fresh)
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
                self._stale = True
            people[key] = person
        return people

    def _mentions(self, article, result, people, fresh):
        kept = [] if fresh else list(article.mentions.filter(review_status__in=CURATED_STATUSES))
        if not fresh:
            article.mentions.exclude(review_status__in=CURATED_STATUSES).delete()
        organizations = self.organizations
        rows = []
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
            rows.append(
                Mention(
                    article=article,
                    person=person,
                    organization=organization,
                    start=m.start,
                    end=m.end,
                    text=m.text[:300],
                    role_title=m.role_title[:300],
                    evidence=sentence_around(article.body, m.start),
                    extractor=f"{EXTRACTOR}:{m.how}",
                )
            )
        Mention.objects.bulk_create(rows)

    def _quotes(self, article, result, people, fresh):
        kept = [] if fresh else list(article.quotes.filter(review_status__in=CURATED_STATUSES))
        if not fresh:
            article.quotes.exclude(review_status__in=CURATED_STATUSES).delete()
        rows = []
        for q in result.quotes:
            person = people.get(q.speaker)
            if person is None or any(k.text == q.text for k in kept):
                continue
            rows.append(
                Quote(
                    article=article,
                    person=person,
                    text=q.text,
                    start=q.start,
                    end=q.end,
                    role_title=q.role_title[:300],
                    evidence=q.evidence,
                    extractor=EXTRACTOR,
                )
            )
        Quote.objects.bulk_create(rows)

    def _meetings(self, article, result, people, fresh):
        touched, curated_here = set(), set()
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
                meeting = Meeting.objects.create(
                    date=finding.date,
                    date_precision=finding.date_precision,
                    place=finding.place,
                    format=finding.format,
                    kind=finding.kind,
                    status=finding.status,
                    confidence=finding.confidence,
                    summary=finding.evidence[:1000],
                )
                Participation.objects.bulk_create(
                    [
                        Participation(
                            meeting=meeting,
                            person=people[key],
                            role_title=finding.roles.get(key, "")[:300],
                            evidence=finding.evidence,
                            extractor=EXTRACTOR,
                        )
                        for key in dict.fromkeys(finding.participants)
                        if people.get(key)
                    ],
                    ignore_conflicts=True,
                )
            elif meeting.pk in curated_here:
                continue
            else:
                self._update_meeting(meeting, finding)
            MeetingReport.objects.bulk_create(
                [
                    MeetingReport(
                        meeting=meeting,
                        article=article,
                        evidence=finding.evidence,
                        extractor=EXTRACTOR,
                    )
                ],
                ignore_conflicts=True,
            )
            touched.discard(meeting.pk)
        Meeting.objects.filter(pk__in=touched, reports__isnull=True).exclude(
            review_status__in=CURATED_STATUSES
        ).delete()

    def _matches_one_of(self, finding, persons, meeting_ids):
        wanted = MeetingFinding(
            **{**finding.__dict__, "participants": sorted(p.pk for p in persons)}
        )
        meetings = Meeting.objects.filter(pk__in=meeting_ids).prefetch_related("participations")
        return any(matches_across_articles(_as_finding(m), wanted) for m in meetings)

    def _matching_meeting(self, finding, persons):
        if not finding.date:
            return None
        window = 31 if finding.status == "planned" or finding.date_precision != "day" else 1
        candidates = Meeting.objects.filter(
            date__range=(
                finding.date - timedelta(days=window),
                finding.date + timedelta(days=window),
            )
        ).exclude(review_status=ReviewStatus.REJECTED)
        for person in persons[:2]:
            candidates = candidates.filter(participations__person=person)
        wanted = {p.pk for p in persons}
        new = MeetingFinding(**{**finding.__dict__, "participants": sorted(wanted)})
        for meeting in candidates.distinct().prefetch_related("participations"):
            if matches_across_articles(_as_finding(meeting), new):
                return meeting
        return None

    def _update_meeting(self, meeting, finding):
        """Fill what the meeting lacks; a held report makes a planned meeting held."""
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
        if changes:
            meeting.save()


def _as_finding(meeting):
    """A stored meeting in the pipeline's terms, participants as person ids."""
    return MeetingFinding(
        participants=[p.person_id for p in meeting.participations.all()],
        status=meeting.status,
        date=meeting.date,
        date_precision=meeting.date_precision,
        place=meeting.place,
        format=meeting.format,
        kind=meeting.kind,
        evidence="",
        evidence_start=0,
    )
