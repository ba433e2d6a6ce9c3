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
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from archive.ingest import pipeline
from archive.ingest.gazetteer import Gazetteer, OutletEntry
from archive.ingest.outlets import OutletDirectory
from archive.ingest.read import IngestError, iter_documents
from archive.models import (
    Article,
    ArticleSource,
    Organization,
    OrganizationAlias,
    Outlet,
    Person,
    PersonAlias,
    Position,
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

    def __init__(self, today=None):
        self.today = today or date.today()
        self.outlets = outlet_directory()

    def import_paths(self, paths, stdin=None):
        for raw in iter_documents(paths, stdin=stdin):
            yield self.import_document(raw)

    def import_document(self, raw):
        try:
            draft = pipeline.process(raw, self.outlets, today=self.today)
        except IngestError as error:
            return ImportResult(raw.source, FAILED, str(error))
        try:
            with transaction.atomic():
                return self._store(draft)
        except IntegrityError as error:
            return ImportResult(raw.source, FAILED, f"could not store: {error}".strip())

    def _store(self, draft):
        existing = (
            Article.objects.select_related("outlet").filter(content_hash=draft.content_hash).first()
        )
        if existing is not None:
            return self._record_copy(existing, draft)
        outlet = self._outlet(draft)
        if draft.url:
            same_url = Article.objects.select_for_update().filter(url=draft.url).first()
            if same_url is not None:
                self._fill(same_url, draft, outlet)
                same_url.save()
                return ImportResult(
                    draft.source,
                    UPDATED,
                    f"new text at a known URL: article {same_url.pk}",
                    same_url,
                )
        article = Article()
        self._fill(article, draft, outlet)
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
        reasons = list(draft.review_reasons)
        if article.published_date is not None and "date_unknown" in reasons:
            reasons.remove("date_unknown")
        article.review_reasons = reasons
        if "review_status" not in article.curated_fields:
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
            outlet = Outlet.objects.filter(slug=finding.slug).first() if finding.slug else None
            return outlet or Outlet.objects.filter(name__iexact=finding.name).first()
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
    record = model.objects.filter(slug=slug).first()
    if record is None:
        return model.objects.create(slug=slug, review_status=ReviewStatus.CONFIRMED, **values)
    changed = False
    for name, value in values.items():
        if name not in record.curated_fields and getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    if changed:
        record.save()
    return record
