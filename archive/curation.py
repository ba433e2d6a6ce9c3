"""Curation: the review queue, confirming and rejecting, merging and splitting, corrections.

Pure functions over the models; the admin (archive/admin.py) calls them from its actions and
views, and tests call them directly. Nothing here knows about requests or URLs.

How a curator's work survives the machine (see archive/ingest/store.py):
  - a confirmed or rejected record is kept as it is by re-extraction, and a rejected one is
    not made again;
  - a field named in `curated_fields` keeps the curator's value on re-import, re-extraction
    and gazetteer reloads. Confirming or rejecting therefore also lists "review_status" there:
    an article's status is otherwise recomputed by every re-import of its URL;
  - a merged-away person, organization or outlet lives on as an alias of the survivor, so
    extraction and outlet detection find the survivor under the old name.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from archive.ingest.extract import searchable_names
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
    SuspectedDuplicate,
    id_array,
)
from archive.visibility import shown

# Fields that record the review itself, never listed as "edited by a curator".
BOOKKEEPING_FIELDS = frozenset({"review_reasons", "curated_fields", "created_at", "updated_at"})

LOW_CONFIDENCE = 0.6
REPORT_SPREAD = timedelta(days=2)
DUPLICATE_WINDOW = timedelta(days=2)
MEETING_FIELDS = (
    "date",
    "date_precision",
    "place",
    "format",
    "kind",
    "status",
    "summary",
    "confidence",
)


def _unreviewed(queryset):
    return queryset.exclude(review_status__in=CURATED_STATUSES)


# Confirming, rejecting, correcting.


def _with_curated_status(record):
    if "review_status" not in record.curated_fields:
        record.curated_fields = [*record.curated_fields, "review_status"]


def set_review_status(queryset, status):
    """Confirm or reject every record of `queryset`; returns how many changed.

    Confirming clears the machine's review reasons. Both list "review_status" among the
    curated fields, so no re-import sets the record back to "auto" or "needs review".
    """
    records = list(
        queryset.select_related(None)
        .prefetch_related(None)
        .only("pk", "review_status", "review_reasons", "curated_fields")
    )
    now = timezone.now()
    for record in records:
        record.review_status = status
        if status == ReviewStatus.CONFIRMED:
            record.review_reasons = []
        _with_curated_status(record)
        record.updated_at = now
    queryset.model.objects.bulk_update(
        records, ["review_status", "review_reasons", "curated_fields", "updated_at"]
    )
    if queryset.model is Article:  # a rejected article is no one's twin, a reviewed one no copy
        reflag_titles(
            Article.objects.filter(pk__any=[r.pk for r in records]).values_list("title", flat=True)
        )
    if queryset.model is Mention:  # a rejected mention no longer finds its article
        refresh_mentioned(Article.objects.filter(mentions__in=[r.pk for r in records]))
    return len(records)


def confirm(queryset):
    return set_review_status(queryset, ReviewStatus.CONFIRMED)


def reject(queryset):
    return set_review_status(queryset, ReviewStatus.REJECTED)


def record_correction(record, changed_fields):
    """Note a curator's edit of `record` (not yet saved) so the machine leaves it alone.

    The edited fields join `curated_fields`; the record becomes confirmed, unless the
    curator chose its review status in the same edit. A status set back to "auto" or
    "needs review" hands the status back to the machine. Returns the fields now curated.
    """
    changed = [name for name in changed_fields if name not in BOOKKEEPING_FIELDS]
    if not changed:
        return list(record.curated_fields)
    if "review_status" not in changed:
        record.review_status = ReviewStatus.CONFIRMED
        changed.append("review_status")
    if record.review_status == ReviewStatus.CONFIRMED:
        record.review_reasons = []
    curated = {*record.curated_fields, *changed}
    if record.review_status not in CURATED_STATUSES:
        curated.discard("review_status")
    record.curated_fields = sorted(curated)
    return record.curated_fields


# The review queue.


@dataclass
class QueueItem:
    record: object
    reason: str
    since: object  # when the record entered the archive (created_at)


@dataclass
class QueueSection:
    """One kind of work in the queue: its records, oldest first, and how many there are."""

    kind: str
    title: str
    model: type
    count: int
    items: list = field(default_factory=list)


def undated_articles():
    """Articles without a date, or whose date (its year) was inferred, not yet reviewed."""
    return _unreviewed(
        Article.objects.filter(
            date_confidence__in=[Article.DateConfidence.INFERRED, Article.DateConfidence.UNKNOWN]
        )
    )


def outlets_to_review():
    """Outlets the importer did not know (created on the fly, flagged "needs review")."""
    return Outlet.objects.filter(review_status=ReviewStatus.NEEDS_REVIEW)


def new_people():
    """People extraction discovered (not in the gazetteer), flagged "needs review"."""
    return Person.objects.filter(review_status=ReviewStatus.NEEDS_REVIEW)


def new_organizations():
    return Organization.objects.filter(review_status=ReviewStatus.NEEDS_REVIEW)


def low_confidence_meetings():
    """Meetings extraction was unsure of (confidence below LOW_CONFIDENCE), unreviewed."""
    return _unreviewed(Meeting.objects.filter(confidence__lt=LOW_CONFIDENCE))


def conflicting_meetings():
    """Unreviewed meetings whose reports disagree. Two disagreements are checked:

    - dates: the articles reporting the meeting were published more than REPORT_SPREAD
      (2 days) apart, so they may describe different meetings of the same people;
    - held or planned: the meeting is still "planned" although an article reporting it was
      published more than a day after its date, so that article saw it happen (or not).

    Both come from the reports' publication dates, in one query; a report's wording is not
    re-read here.
    """
    return _unreviewed(
        Meeting.objects.annotate(
            first_report=Min("reports__article__published_date"),
            last_report=Max("reports__article__published_date"),
        ).filter(
            Q(last_report__gt=F("first_report") + REPORT_SPREAD)
            | Q(
                status=Meeting.Status.PLANNED,
                date__isnull=False,
                last_report__gt=F("date") + timedelta(days=1),
            )
        )
    )


def suspected_duplicates():
    """Unreviewed articles that look like an earlier non-rejected one, oldest first.

    Two articles look alike when their titles are the same (ignoring case) and they come
    from the same outlet, or were published within DUPLICATE_WINDOW (2 days) of each other.
    The later one (by id, the order of import) is the suspected duplicate; its twin is the
    first earlier one it looks like. Identical texts never get here: the importer folds
    them into one article by content hash. Kept as SuspectedDuplicate rows by
    flag_suspected_duplicates, so the queue reads them rather than every title.
    """
    return Article.objects.filter(suspected_duplicate__isnull=False).order_by("pk")


def flag_suspected_duplicates(article_ids=None):
    """Find again which of `article_ids` (default: every article) are suspected duplicates,
    and of which article; returns how many are. Each twin is looked up through the
    article_title index.

    The importer calls this for the articles of each batch: a new article has the highest
    ids, so no earlier article's twin changes. A change that can make or break a likeness
    elsewhere (a title, an outlet, a date, a review status) calls reflag_titles instead.
    """
    flags = SuspectedDuplicate.objects.all()
    chosen = "true"
    params = {
        "rejected": ReviewStatus.REJECTED,
        "curated": list(CURATED_STATUSES),
        "window": DUPLICATE_WINDOW.days,
    }
    if article_ids is not None:
        ids = set(article_ids)
        if not ids:
            return 0
        flags = flags.filter(article_id__any=ids)
        chosen = "a.id = ANY(%(ids)s::bigint[])"
        params["ids"] = id_array(ids)
    flags.delete()
    article = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {SuspectedDuplicate._meta.db_table} (article_id, twin_id)
            SELECT a.id, twin.id FROM {article} a
            CROSS JOIN LATERAL (
                SELECT o.id FROM {article} o
                WHERE upper(o.title) = upper(a.title) AND o.id < a.id
                  AND o.review_status <> %(rejected)s
                  AND (o.outlet_id = a.outlet_id
                       OR o.published_date BETWEEN a.published_date - %(window)s
                                               AND a.published_date + %(window)s)
                ORDER BY o.id LIMIT 1
            ) twin
            WHERE {chosen} AND a.review_status <> ALL(%(curated)s)
            """,
            params,
        )
        return cursor.rowcount


def reflag_titles(titles):
    """flag_suspected_duplicates for every article titled one of `titles` (any case)."""
    titles = {title for title in titles if title}
    if not titles:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Article._meta.db_table} "
            "WHERE upper(title) = ANY(ARRAY(SELECT upper(t) FROM unnest(%s::text[]) t))",
            [sorted(titles)],
        )
        return flag_suspected_duplicates(pk for (pk,) in cursor.fetchall())


def _reason(record):
    return "; ".join(r.replace("_", " ") for r in record.review_reasons)


def review_queue(limit=50):
    """What needs a human, by kind: [QueueSection], each with its count and oldest items.

    Kinds: undated or date-inferred articles, suspected duplicate articles, outlets to
    review, new people, new organizations, low-confidence meetings and meetings whose
    reports conflict (see each function's docstring). Confirming or rejecting a record
    takes it out of the queue.
    """
    article_fields = ("body", "raw_text", "raw_bytes", "names_text", "search_vector", "lead")
    sections = []

    undated = undated_articles().select_related("outlet").defer(*article_fields)
    sections.append(
        QueueSection(
            "undated",
            "Articles with an unknown or inferred date",
            Article,
            undated.count(),
            [
                QueueItem(
                    a,
                    "no date" if a.published_date is None else f"year inferred: {a.date_evidence}",
                    a.created_at,
                )
                for a in undated.order_by("created_at", "pk")[:limit]
            ],
        )
    )

    duplicates = suspected_duplicates().select_related("outlet", "suspected_duplicate")
    sections.append(
        QueueSection(
            "duplicates",
            "Suspected duplicate articles",
            Article,
            SuspectedDuplicate.objects.count(),
            [
                QueueItem(a, f"same title as article {a.suspected_duplicate.twin_id}", a.created_at)
                for a in duplicates.defer(*article_fields)[:limit]
            ],
        )
    )

    for kind, title, queryset in (
        ("outlets", "Unknown or new outlets", outlets_to_review()),
        ("people", "Newly discovered people", new_people()),
        ("organizations", "Newly discovered organizations", new_organizations()),
    ):
        sections.append(
            QueueSection(
                kind,
                title,
                queryset.model,
                queryset.count(),
                [
                    QueueItem(r, _reason(r), r.created_at)
                    for r in queryset.order_by("created_at", "pk")[:limit]
                ],
            )
        )

    for kind, title, queryset, reason in (
        (
            "low-confidence",
            "Low-confidence meetings",
            low_confidence_meetings(),
            lambda m: f"confidence {m.confidence:.2f}",
        ),
        (
            "conflicting",
            "Meetings whose reports disagree",
            conflicting_meetings(),
            _conflict,
        ),
    ):
        # Finding conflicts aggregates every report's date (0.8 s at a million articles):
        # done once for the count, then again for the first few meetings alone.
        oldest_first = queryset.order_by("created_at", "pk")
        found = list(oldest_first.values_list("pk", flat=True))
        shown = oldest_first.filter(pk__in=found[:limit]).prefetch_related("participants")
        sections.append(
            QueueSection(
                kind,
                title,
                Meeting,
                len(found),
                [QueueItem(m, reason(m), m.created_at) for m in shown],
            )
        )
    return sections


def _conflict(meeting):
    if meeting.first_report and meeting.last_report - meeting.first_report > REPORT_SPREAD:
        days = (meeting.last_report - meeting.first_report).days
        return f"reports published {days} days apart"
    return f"still planned, reported on {meeting.last_report}"


# Merging.

MERGEABLE = (Person, Organization, Outlet, Meeting)


def merge_counts(record):
    """What merging `record` away would move to the survivor, by kind: {label: count}."""
    if isinstance(record, Person):
        return {
            "mentions": record.mentions.count(),
            "quotes": record.quotes.count(),
            "positions": record.positions.count(),
            "participations": record.participations.count(),
            "aliases": record.aliases.count(),
        }
    if isinstance(record, Organization):
        return {
            "mentions": record.mentions.count(),
            "positions": record.positions.count(),
            "participations": Participation.objects.filter(organization=record).count(),
            "aliases": record.aliases.count(),
        }
    if isinstance(record, Outlet):
        return {
            "articles": record.articles.count(),
            "sources": ArticleSource.objects.filter(outlet=record).count(),
            "aliases": len(record.aliases),
            "domains": len(record.domains),
            "dateline tags": len(record.dateline_tags),
        }
    if isinstance(record, Meeting):
        return {
            "reports": record.reports.count(),
            "participations": record.participations.count(),
        }
    raise TypeError(f"cannot merge {type(record).__name__}")


def merge(survivor, losers):
    """Merge `losers` into `survivor` (same model) in one transaction; returns moved counts.

    Everything pointing at a loser moves to the survivor; the loser's name becomes an alias
    of the survivor (outlets also keep the loser's domains and dateline tags), and the loser
    is deleted. Where a move would make a duplicate (a person twice in one meeting, an alias
    twice, one article reporting a meeting twice) the survivor's row is kept and completed
    from the loser's. A merged meeting is confirmed: extraction would otherwise split it
    again on the next run.
    """
    losers = [loser for loser in losers if loser.pk != survivor.pk]
    if not losers:
        raise ValueError("choose at least one record to merge into the survivor")
    if any(type(loser) is not type(survivor) for loser in losers):
        raise TypeError("only records of one kind can be merged")
    merge_one = {
        Person: _merge_person,
        Organization: _merge_organization,
        Outlet: _merge_outlet,
        Meeting: _merge_meeting,
    }.get(type(survivor))
    if merge_one is None:
        raise TypeError(f"cannot merge {type(survivor).__name__}")
    moved = Counter()
    with transaction.atomic():
        for loser in losers:
            merge_one(survivor, loser, moved)
            loser.delete()
        survivor.save()
        if isinstance(survivor, Person):
            refresh_mentioned(Article.objects.filter(mentions__person=survivor))
        if isinstance(survivor, Organization):
            refresh_mentioned(Article.objects.filter(mentions__organization=survivor))
    return moved


def _fill_blank(survivor, loser, *names):
    for name in names:
        if not getattr(survivor, name) and getattr(loser, name):
            setattr(survivor, name, getattr(loser, name))


def _move_participations(participations, moved, **target):
    """Repoint participations at `target` (a meeting or a person), folding duplicates.

    participation_unique allows one row per (meeting, person): when the target already has
    one, the survivor's row stays, gains the loser's role and organization if it had none,
    and takes a curator's verdict from the loser's row.
    """
    ((key, value),) = target.items()
    other = "person" if key == "meeting" else "meeting"
    for participation in participations:
        twin = Participation.objects.filter(
            **{key: value, other: getattr(participation, f"{other}_id")}
        ).first()
        if twin is None:
            setattr(participation, key, value)
            participation.save(update_fields=[key, "updated_at"])
            moved["participations"] += 1
            continue
        _fill_blank(twin, participation, "role_title", "organization_id", "evidence", "extractor")
        if (
            twin.review_status not in CURATED_STATUSES
            and participation.review_status in CURATED_STATUSES
        ):
            twin.review_status = participation.review_status
            _with_curated_status(twin)
        twin.save()
        participation.delete()
        moved["participations folded into one"] += 1


def _merge_person(survivor, loser, moved):
    moved["mentions"] += Mention.objects.filter(person=loser).update(person=survivor)
    moved["quotes"] += Quote.objects.filter(person=loser).update(person=survivor)
    # load_gazetteer finds positions by (person, title, start date): keep that unique.
    held = set(survivor.positions.values_list("title", "start_date"))
    for position in loser.positions.all():
        if (position.title, position.start_date) in held:
            position.delete()
        else:
            position.person = survivor
            position.save(update_fields=["person", "updated_at"])
            moved["positions"] += 1
    _move_participations(loser.participations.all(), moved, person=survivor)
    names = {survivor.name.casefold()} | {
        name.casefold() for name in survivor.aliases.values_list("name", flat=True)
    }
    for alias in loser.aliases.all():
        if alias.name.casefold() in names:
            alias.delete()
        else:
            names.add(alias.name.casefold())
            alias.person = survivor
            alias.save(update_fields=["person"])
            moved["aliases"] += 1
    if loser.name.casefold() not in names:
        PersonAlias.objects.create(person=survivor, name=loser.name)
        moved["aliases"] += 1
    _fill_blank(survivor, loser, "country")
    if loser.notes:
        survivor.notes = "\n\n".join(
            filter(None, [survivor.notes, f"From {loser.name}: {loser.notes}"])
        )


def _merge_organization(survivor, loser, moved):
    moved["mentions"] += Mention.objects.filter(organization=loser).update(organization=survivor)
    moved["positions"] += Position.objects.filter(organization=loser).update(organization=survivor)
    moved["participations"] += Participation.objects.filter(organization=loser).update(
        organization=survivor
    )
    names = {survivor.name.casefold()} | {
        name.casefold() for name in survivor.aliases.values_list("name", flat=True)
    }
    for alias in loser.aliases.all():
        if alias.name.casefold() in names:
            alias.delete()
        else:
            names.add(alias.name.casefold())
            alias.organization = survivor
            alias.save(update_fields=["organization"])
            moved["aliases"] += 1
    if loser.name.casefold() not in names:
        OrganizationAlias.objects.create(organization=survivor, name=loser.name)
        moved["aliases"] += 1
    _fill_blank(survivor, loser, "country")
    if survivor.kind == Organization.Kind.OTHER:
        survivor.kind = loser.kind


def _union(values, more, skip=()):
    seen = {v.casefold() for v in [*values, *skip]}
    result = list(values)
    for value in more:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            result.append(value)
    return result


def _merge_outlet(survivor, loser, moved):
    articles = Article.objects.filter(outlet=loser)
    titles = set(articles.values_list("title", flat=True))
    moved["articles"] += articles.update(outlet=survivor)
    reflag_titles(titles)  # its articles may now look like the survivor's
    moved["sources"] += ArticleSource.objects.filter(outlet=loser).update(outlet=survivor)
    aliases = _union(survivor.aliases, [loser.name, *loser.aliases], skip=[survivor.name])
    moved["aliases"] += len(aliases) - len(survivor.aliases)
    survivor.aliases = aliases
    domains = _union(survivor.domains, loser.domains)
    moved["domains"] += len(domains) - len(survivor.domains)
    survivor.domains = domains
    tags = _union(survivor.dateline_tags, loser.dateline_tags)
    moved["dateline tags"] += len(tags) - len(survivor.dateline_tags)
    survivor.dateline_tags = tags
    _fill_blank(survivor, loser, "country")
    if survivor.kind == Outlet.Kind.UNKNOWN:
        survivor.kind = loser.kind


def _merge_meeting(survivor, loser, moved):
    reported = set(survivor.reports.values_list("article_id", flat=True))
    for report in loser.reports.all():
        if report.article_id in reported:
            report.delete()
        else:
            report.meeting = survivor
            report.save(update_fields=["meeting"])
            moved["reports"] += 1
    _move_participations(loser.participations.all(), moved, meeting=survivor)
    _fill_blank(survivor, loser, "date", "place", "summary")
    if survivor.date and survivor.date_precision == "unknown":
        survivor.date_precision = loser.date_precision
    survivor.confidence = max(survivor.confidence, loser.confidence)
    survivor.review_status = ReviewStatus.CONFIRMED
    survivor.review_reasons = []
    _with_curated_status(survivor)


def refresh_mentioned(articles):
    """Rewrite what `articles` are searched and filtered by: every name of every person
    they mention (names_text), and the ids of those people and organizations.

    The same denormalisation ArticleExtractor.apply writes; a merge adds names to a person,
    a rejected mention takes its person away.
    """
    articles = list(articles.distinct().only("pk"))
    mentions = list(
        shown(Mention.objects)
        .filter(article__in=articles)
        .exclude(person__isnull=True, organization__isnull=True)
        .select_related("person")
        .only("article_id", "organization_id", "person__name")
    )
    aliases = {}
    people = {m.person_id for m in mentions if m.person_id}
    for alias in PersonAlias.objects.filter(person_id__in=people):
        aliases.setdefault(alias.person_id, set()).add(alias.name)
    names, person_ids, organization_ids = {}, {}, {}
    for mention in mentions:
        if mention.organization_id:
            organization_ids.setdefault(mention.article_id, set()).add(mention.organization_id)
        if not mention.person_id:
            continue
        person_ids.setdefault(mention.article_id, set()).add(mention.person_id)
        found = names.setdefault(mention.article_id, set())
        found.add(mention.person.name)
        found.update(aliases.get(mention.person_id, ()))
    for article in articles:
        article.names_text = searchable_names(names.get(article.pk, ()))
        article.person_ids = sorted(person_ids.get(article.pk, ()))
        article.organization_ids = sorted(organization_ids.get(article.pk, ()))
    Article.objects.bulk_update(articles, ["names_text", "person_ids", "organization_ids"])


def refresh_names_of(person_ids):
    """Rewrite the names searched with every article that mentions these people (after a
    curator changed their aliases)."""
    refresh_mentioned(Article.objects.filter(mentions__person__in=list(person_ids)))


def keep_report(report):
    """A meeting report a curator added: confirm its meeting, so re-extraction keeps both.

    Extraction replaces the reports of meetings nobody reviewed (store.ArticleExtractor);
    a hand-made report of such a meeting would vanish on the article's next extraction.
    """
    meeting = Meeting.objects.filter(pk=report.meeting_id).exclude(
        review_status__in=CURATED_STATUSES
    )
    return confirm(meeting)


# Splitting.


def split_meeting(meeting, reports):
    """Move `reports` (MeetingReports of `meeting`) to a new meeting; returns it.

    The new meeting copies the meeting's fields and its participants (role, organization,
    evidence and review status of each participation). At least one report must stay. Both
    meetings are confirmed, so the next extraction does not put them back together.
    """
    reports = list(reports)
    if not reports:
        raise ValueError("choose at least one report to move to the new meeting")
    if any(report.meeting_id != meeting.pk for report in reports):
        raise ValueError("every report to move must belong to the meeting being split")
    if len(reports) >= meeting.reports.count():
        raise ValueError("leave at least one report with the original meeting")
    with transaction.atomic():
        new = Meeting.objects.create(
            **{name: getattr(meeting, name) for name in MEETING_FIELDS},
            review_status=ReviewStatus.CONFIRMED,
            curated_fields=["review_status"],
        )
        Participation.objects.bulk_create(
            Participation(
                meeting=new,
                person_id=p.person_id,
                role_title=p.role_title,
                organization_id=p.organization_id,
                evidence=p.evidence,
                extractor=p.extractor,
                review_status=p.review_status,
                review_reasons=p.review_reasons,
                curated_fields=p.curated_fields,
            )
            for p in meeting.participations.all()
        )
        MeetingReport.objects.filter(pk__in=[r.pk for r in reports]).update(meeting=new)
        meeting.review_status = ReviewStatus.CONFIRMED
        meeting.review_reasons = []
        _with_curated_status(meeting)
        meeting.save()
    return new


# Roles.

CURATOR, READER = "curator", "reader"
ROLES = {CURATOR: ("add", "change", "delete", "view"), READER: ("view",)}


def sync_roles():
    """Create the "curator" and "reader" groups, with their permissions on every archive model.

    Curators add, change, delete and view the archive's records; readers only view them.
    Neither group has any permission outside the archive (users, groups). Migration 0003
    does the same for the models of its time; this also covers models added since.
    Returns {group name: group}.
    """
    models = [m._meta.model_name for m in apps.get_app_config("archive").get_models()]
    groups = {}
    for name, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Permission.objects.filter(
            content_type__app_label="archive",
            codename__in=[f"{action}_{model}" for action in actions for model in models],
        )
        group.permissions.set(wanted)
        groups[name] = group
    return groups
