"""The archive's records: who met whom, when, where, and who reported it.

Outlet, Organization, Person (with PersonAlias and dated Positions) come from the gazetteer
and from extraction; Article holds one news text, verbatim and cleaned; Meeting links the
people who met to the articles that report it; Mention and Quote tie people to articles.
Every machine-made record carries a review status that curators set in the admin.
"""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse

from archive.search import ArticleQuerySet, article_search_vector


def id_array(ids):
    """Integers as one PostgreSQL array literal, to be cast (`%s::bigint[]`): psycopg
    would otherwise check each element's text for quoting (0.4 ms a thousand ids)."""
    return "{" + ",".join(str(int(item)) for item in ids) + "}"


@models.Field.register_lookup
class AnyOf(models.Lookup):
    """`field__any=ids`: `field = ANY(%s)` with the list sent as one array parameter.

    `__in` sends one parameter per value; for the thousand ids of a search's sample that
    costs more time building the query than running it.
    """

    lookup_name = "any"
    prepare_rhs = False
    INTEGER_TYPES = {"smallint", "integer", "bigint"}

    def get_db_prep_lookup(self, value, connection):
        db_type = self.lhs.output_field.db_type(connection)
        if db_type in self.INTEGER_TYPES:
            return f"%s::{db_type}[]", [id_array(value)]
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


models.ForeignObject.register_lookup(AnyOf)  # related fields keep lookups of their own


def folded(expression):
    """A name as exact name lookups compare it: upper case, accents removed. PostgreSQL's
    `unaccent` may not be indexed (it looks its dictionary up at each call);
    `archive_unaccent` (migration 0014) names the dictionary once, so this can be."""
    return Upper(models.Func(expression, function="archive_unaccent"))


class ReviewStatus(models.TextChoices):
    AUTO = "auto", "machine-made, unreviewed"
    NEEDS_REVIEW = "needs_review", "needs review"
    CONFIRMED = "confirmed", "confirmed by a curator"
    REJECTED = "rejected", "rejected by a curator"


# A curator's verdict: records in these states are never replaced by the machine.
CURATED_STATUSES = (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED)
# Years with a search index of their own (see Article.Meta.indexes); articles of other
# years and undated ones are found through the whole archive's index only.
SEARCH_INDEX_YEARS = range(1995, 2036)
# The search indexes are split by language (see year_search_indexes).
RUSSIAN = Q(language="ru")
EVERY_LANGUAGE = RUSSIAN | ~RUSSIAN  # the two year indexes together (see year_search_indexes)
YEAR_INDEX_FIELDS = ("search_vector", "outlet", "person_ids", "organization_ids")
# An article's entries go first to its GIN indexes' pending lists, which every search of
# those indexes reads whole until they are merged in: at PostgreSQL's default of 4 MB an
# index, 6,000 new articles in a million slowed searches by 8 to 16 ms; at 256 kB, by at
# most 6, at the same import speed (migration 0020).
PENDING_LIST_KB = 256


def search_indexes(name, fields=("search_vector",), **lookups):
    """GIN indexes on the search vector (and any other `fields`) of the articles `lookups`
    select (every article without any): `name`_ru for the Russian ones, `name`_other for
    the others (see year_search_indexes)."""
    return [
        GinIndex(
            fields=list(fields),
            name=f"{name}_{suffix}",
            condition=Q(language, **lookups) if lookups else language,
            gin_pending_list_limit=PENDING_LIST_KB,
        )
        for suffix, language in (("ru", RUSSIAN), ("other", ~RUSSIAN))
    ]


def year_search_indexes():
    """Two GIN indexes on the search vector per year of SEARCH_INDEX_YEARS: one for that
    year's Russian articles, one for the others. A GIN index cannot read a date range: a
    search for a word in a third of the archive decodes the word's whole posting list
    (300,000 entries at a million articles, about 100 ms) even when only the newest months
    are wanted. The search reads the newest matches year by year (archive.filters), and
    PostgreSQL then uses the year's indexes, a twentieth of the size.

    The split by language matches the search's condition, the Russian articles matched by
    the query in the Russian configuration and the others by the English one
    (ArticleSearch.text_matches): each branch is then answered by its index alone. With
    indexes by year only, PostgreSQL checked that condition again on every row the index
    found, reading each one's vector (3,000 matches of a name in a year: 130 ms, against
    7 ms).

    Each also holds the filters an article is most often narrowed by: its outlet, and the
    people and organizations it mentions (btree_gin and the array columns). PostgreSQL then
    finds a year's matches from one outlet or naming one person in that index alone, where
    it used to AND the year's matches with the outlet's or the person's every article
    (50,000 entries each at a million articles, 6 to 10 ms a year; in the year's own index,
    0.5 to 1.5 ms). The outlet must be compared as a bigint (filters.ArticleOutletFilter):
    btree_gin has no operator for a bigint column and an integer."""
    return [
        index
        for year in SEARCH_INDEX_YEARS
        for index in search_indexes(
            f"article_search_{year}",
            fields=YEAR_INDEX_FIELDS,
            published_date__gte=datetime.date(year, 1, 1),
            published_date__lt=datetime.date(year + 1, 1, 1),
        )
    ]


class Reviewed(models.Model):
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.AUTO, db_index=True
    )
    review_reasons = ArrayField(
        models.CharField(max_length=64),
        default=list,
        blank=True,
        help_text="Why the machine asked for review (unknown date, new outlet, ...).",
    )
    curated_fields = ArrayField(
        models.CharField(max_length=64),
        default=list,
        blank=True,
        help_text="Fields a curator edited: re-extraction and re-import leave them alone.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    WEEK = "week", "week"
    MONTH = "month", "month"
    YEAR = "year", "year"
    UNKNOWN = "unknown", "unknown"


class Outlet(Reviewed):
    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", "state news agency"
        WIRE = "wire", "wire service"
        BROADCASTER = "broadcaster", "broadcaster"
        NEWSPAPER = "newspaper", "newspaper"
        MAGAZINE = "magazine", "magazine"
        GOVERNMENT_SITE = "government_site", "government site"
        BLOG = "blog", "blog"
        UNKNOWN = "unknown", "unknown"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    domains = ArrayField(models.CharField(max_length=253), default=list, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    dateline_tags = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text='Tags the outlet puts in datelines, e.g. "/TASS/", "(Xinhua)".',
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Upper("name"), name="outlet_name_unique_ci")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:outlet-detail", args=[self.slug])


class Organization(Reviewed):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", "ministry"
        GENERAL_STAFF = "general_staff", "general staff"
        ARMED_FORCES = "armed_forces", "armed forces"
        SERVICE = "service", "service or branch"
        MILITARY_DISTRICT = "military_district", "military district"
        MULTILATERAL = "multilateral", "multilateral body or forum"
        EMBASSY = "embassy", "embassy"
        GOVERNMENT = "government", "government body"
        SECURITY_COUNCIL = "security_council", "security council"
        PARTY_BODY = "party_body", "party body"
        COMPANY = "company", "company"
        OTHER = "other", "other"

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(OpClass("name", name="gin_trgm_ops"), name="org_name_trgm")]

    def __str__(self):
        return self.name


class OrganizationAlias(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "organization aliases"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="org_alias_unique")
        ]
        indexes = [GinIndex(OpClass("name", name="gin_trgm_ops"), name="org_alias_trgm")]

    def __str__(self):
        return self.name


class Person(Reviewed):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [
            GinIndex(OpClass("name", name="gin_trgm_ops"), name="person_name_trgm"),
            models.Index(folded("name"), name="person_name_folded"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:person-detail", args=[self.slug])

    def position_on(self, day):
        """The position held on `day` (the most recently started one if several)."""
        held = [p for p in self.positions.all() if p.held_on(day)]
        return max(held, key=lambda p: p.start_date or day, default=None)


class PersonAlias(models.Model):
    """Another spelling of a person's name: a transliteration, a Cyrillic or Chinese form."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "person aliases"
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="person_alias_unique")
        ]
        indexes = [
            GinIndex(OpClass("name", name="gin_trgm_ops"), name="person_alias_trgm"),
            models.Index(folded("name"), name="person_alias_folded"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    DEFENSE_MINISTER = "defense_minister", "defense minister"
    DEPUTY_DEFENSE_MINISTER = "deputy_defense_minister", "deputy defense minister"
    CHIEF_OF_GENERAL_STAFF = "chief_of_general_staff", "chief of general staff"
    FIRST_DEPUTY_CHIEF = "first_deputy_chief_of_general_staff", "first deputy chief of staff"
    SERVICE_COMMANDER = "service_commander", "service commander"
    CMC_VICE_CHAIRMAN = "cmc_vice_chairman", "CMC vice chairman"
    JOINT_STAFF_CHIEF = "joint_staff_chief", "joint staff chief"
    SECURITY_COUNCIL_SECRETARY = "security_council_secretary", "security council secretary"
    HEAD_OF_STATE = "head_of_state", "head of state"
    HEAD_OF_GOVERNMENT = "head_of_government", "head of government"
    FOREIGN_MINISTER = "foreign_minister", "foreign minister"
    ATTACHE = "attache", "defense attache"
    AMBASSADOR = "ambassador", "ambassador"
    OTHER = "other", "other"


class Position(Reviewed):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(max_length=300)
    role = models.CharField(max_length=40, choices=Role.choices, default=Role.OTHER)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    dates_approximate = models.BooleanField(default=False)

    class Meta:
        ordering = ["person", "start_date"]
        indexes = [models.Index(fields=["role", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.title}"

    def held_on(self, day):
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )


class Article(Reviewed):
    class DateConfidence(models.TextChoices):
        EXACT = "exact", "exact"
        INFERRED = "inferred", "day known, year inferred"
        UNKNOWN = "unknown", "unknown"

    class DateSource(models.TextChoices):
        HEADER = "header", "scraper header line"
        METADATA = "metadata", "page metadata"
        RECORD = "record", "structured record"
        DATELINE = "dateline", "dateline, year from the text"
        URL = "url", "source URL"
        CURATOR = "curator", "curator"
        NONE = "none", "none"

    title = models.TextField()
    # NULL, not "", for "no URL": the unique constraint must admit many URL-less articles.
    url = models.URLField(max_length=2000, null=True, blank=True)  # noqa: DJ001
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    published_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    date_confidence = models.CharField(
        max_length=8, choices=DateConfidence.choices, default=DateConfidence.UNKNOWN
    )
    date_source = models.CharField(
        max_length=10, choices=DateSource.choices, default=DateSource.NONE
    )
    date_evidence = models.TextField(blank=True, help_text="The text the date was read from.")
    dateline = models.CharField(max_length=300, blank=True)
    dateline_place = models.CharField(max_length=100, blank=True)
    lead = models.TextField(blank=True)
    body = models.TextField(help_text="The article alone, without page chrome.")
    raw_text = models.TextField(help_text="The document exactly as received, decoded.")
    raw_encoding = models.CharField(max_length=40, blank=True)
    raw_bytes = models.BinaryField(
        null=True, blank=True, help_text="The original bytes, kept when decoding was lossy."
    )
    source_path = models.CharField(max_length=1000, blank=True)
    source_format = models.CharField(max_length=10, blank=True)
    language = models.CharField(max_length=8, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, unique=True)
    names_text = models.TextField(
        blank=True, help_text="Every spelling of the people named, for full-text search."
    )
    # The people and organizations of the article's shown mentions, written with them (by
    # extraction and by curation): a search filtered by a person is one bitmap AND of
    # this GIN index and the text's, not a check of every match's mentions.
    person_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    organization_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, editable=False
    )
    search_vector = models.GeneratedField(
        expression=article_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=Q(url__isnull=False), name="article_url_unique"
            ),
            models.CheckConstraint(
                condition=Q(published_date__isnull=True, date_precision="unknown")
                | Q(published_date__isnull=False) & ~Q(date_precision="unknown"),
                name="article_date_matches_precision",
            ),
        ]
        indexes = [
            *search_indexes("article_search"),
            *year_search_indexes(),
            GinIndex(
                fields=["person_ids"],
                name="article_person_ids",
                gin_pending_list_limit=PENDING_LIST_KB,
            ),
            GinIndex(
                fields=["organization_ids"],
                name="article_organization_ids",
                gin_pending_list_limit=PENDING_LIST_KB,
            ),
            # Lists run newest first with undated articles last (archive.search.NEWEST_FIRST);
            # a plain descending index puts NULLs first and cannot serve that order. With
            # the review status (migration 0016), a list counts its first 10,001 rows
            # (BoundedPaginator) from the index alone: since migration 0015 each row
            # fills most of a page.
            models.Index(
                F("published_date").desc(nulls_last=True),
                F("id").desc(),
                name="article_newest",
                include=["review_status"],
            ),
            # Forwards: oldest first, undated last; backwards: Meta.ordering.
            models.Index(fields=["published_date", "id"], name="article_oldest"),
            models.Index(
                "outlet",
                F("published_date").desc(nulls_last=True),
                F("id").desc(),
                name="article_outlet_newest",
                include=["review_status"],
            ),
            # The search page counts its facets among a sample of a thousand articles read
            # by id (archive.filters.facet_counts): from this index alone, rather than a
            # page of the table for each (the statement 9.4 -> 8.5 ms at a million articles).
            models.Index(
                fields=["id"],
                include=["outlet", "language", "person_ids", "organization_ids"],
                name="article_facets",
            ),
            # Suspected duplicates: an article's twin is looked for among the articles with
            # its title, in id order (archive.curation.flag_suspected_duplicates).
            models.Index(Upper("title"), "id", name="article_title"),
            # The review queue's undated articles, counted and listed oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(date_confidence__in=["inferred", "unknown"]),
                include=["review_status"],
                name="article_undated",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("archive:article-detail", args=[self.pk])


class MonthCountQuerySet(models.QuerySet):
    def kept(self, outlet=None, language=""):
        """Rows with articles, of one outlet and language when given."""
        rows = self.filter(articles__gt=0)
        if outlet is not None:
            rows = rows.filter(outlet_id=outlet.pk)
        if language:
            rows = rows.filter(language=language)
        return rows

    def of_each_outlet(self):
        """The outer query's outlet's shown articles (0 for none), as an expression."""
        total = (
            self.filter(outlet_id=OuterRef("pk"))
            .order_by()
            .values("outlet_id")
            .annotate(n=Sum("articles"))
            .values("n")
        )
        return Coalesce(Subquery(total), 0)

    def per_month(self):
        """(first of month, articles) of dated articles, summed over outlets and languages."""
        return self.filter(month__isnull=False).values_list("month").annotate(n=Sum("articles"))


class ArticleMonthCount(models.Model):
    """How many shown articles each month holds (undated ones: no month), per outlet and
    language.

    Kept by triggers on the article table (migration 0006), never written by the code: the
    date archive's calendar and the outlets' article counts read these few thousand rows
    instead of counting a million articles on every page.
    """

    month = models.DateField(null=True)
    outlet_id = models.BigIntegerField(null=True)  # no foreign key: outlets can be merged away
    language = models.CharField(max_length=8)
    articles = models.IntegerField()

    objects = MonthCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "outlet_id", "language"],
                nulls_distinct=False,
                name="article_month_count_unique",
            )
        ]
        # The list of outlets sums each one's rows (a skip scan of the unique index took 2 ms
        # an outlet). Not covering `articles`, which every stored article updates: an index
        # on it would make each of those updates write every index of the table.
        indexes = [models.Index(fields=["outlet_id"], name="article_month_count_outlet")]

    def __str__(self):
        return f"{self.month or 'undated'} {self.outlet_id} {self.language}: {self.articles}"


class PersonMonthCount(models.Model):
    """How many times each person is mentioned in the shown articles of each month
    (undated articles: no month).

    Kept by triggers on the mention and article tables (migration 0007), never written by
    the code: a person's page and the list of people read these rows instead of every
    mention of a minister named in tens of thousands of articles.
    """

    person_id = models.BigIntegerField()  # no foreign key: people can be merged away
    month = models.DateField(null=True)
    mentions = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person_id", "month"],
                nulls_distinct=False,
                name="person_month_count_unique",
            )
        ]

    def __str__(self):
        return f"{self.person_id} {self.month or 'undated'}: {self.mentions}"


class ArticleSource(models.Model):
    """A further copy of an article's text: a re-delivery or a reprint on another site."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL)
    url = models.URLField(max_length=2000, blank=True)
    published_date = models.DateField(null=True, blank=True)
    source_path = models.CharField(max_length=1000, blank=True)
    raw_text = models.TextField()
    raw_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_date", "received_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "raw_hash"], name="source_raw_unique")
        ]

    def __str__(self):
        return f"{self.article_id}: {self.url or self.source_path}"


class SuspectedDuplicate(models.Model):
    """An unreviewed article that looks like an earlier non-rejected one (its twin, the
    first by id): the same title, ignoring case, from the same outlet or published within
    two days of it.

    Written by archive.curation.flag_suspected_duplicates when articles are imported and
    when a curator's change may make or break a likeness; the review queue lists these
    rows rather than comparing every title of the archive on each visit.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="suspected_duplicate"
    )
    twin = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.article_id} looks like {self.twin_id}"


# Meeting lists run newest first (the list, a person's page) or oldest first (the
# timeline, Meeting.OLDEST_FIRST), undated meetings last either way.
MEETINGS_NEWEST_FIRST = (F("date").desc(nulls_last=True), F("id").desc())


class Meeting(Reviewed):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", "in person"
        VIDEO = "video", "video link"
        PHONE = "phone", "phone call"
        UNKNOWN = "unknown", "unknown"

    class Kind(models.TextChoices):
        TALKS = "talks", "talks"
        VISIT = "visit", "visit"
        RECEPTION = "reception", "reception"
        EXERCISE = "exercise", "exercise"
        MULTILATERAL = "multilateral", "multilateral meeting"
        CALL = "call", "call"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        HELD = "held", "held"
        PLANNED = "planned", "planned"
        CANCELLED = "cancelled", "cancelled"

    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    place = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.UNKNOWN)
    kind = models.CharField(max_length=13, choices=Kind.choices, default=Kind.TALKS)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    summary = models.TextField(blank=True)
    confidence = models.FloatField(default=0.5)
    participants = models.ManyToManyField(Person, through="Participation", related_name="meetings")
    articles = models.ManyToManyField(Article, through="MeetingReport", related_name="meetings")

    NEWEST_FIRST = MEETINGS_NEWEST_FIRST
    OLDEST_FIRST = (F("date").asc(nulls_last=True), F("id").asc())

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            # A plain descending index puts undated meetings first and cannot serve
            # NEWEST_FIRST (the list's first page sorted all 110,000 meetings).
            models.Index(*MEETINGS_NEWEST_FIRST, name="meeting_newest", include=["review_status"]),
            # Forwards: OLDEST_FIRST; backwards: Meta.ordering. With the review status, the
            # timeline counts shown meetings per year from the index alone.
            models.Index(fields=["date", "id"], name="meeting_oldest", include=["review_status"]),
        ]

    def __str__(self):
        names = ", ".join(p.name for p in self.participants.all()[:4])
        return f"{self.date or 'undated'}: {names or 'meeting'}"

    def get_absolute_url(self):
        return reverse("archive:meeting-detail", args=[self.pk])


class Evidence(models.Model):
    """The span of clean text a fact rests on, and the extractor that read it."""

    evidence = models.TextField(blank=True)
    extractor = models.CharField(max_length=60, blank=True)

    class Meta:
        abstract = True


class Participation(Evidence, Reviewed):
    # Looked up through participation_unique and participation_person_meeting, which lead
    # with these columns; indexes of their own would only be chosen over them and read rows.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    role_title = models.CharField(max_length=300, blank=True)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL)

    # How a meeting's people are listed on every page and export. Not Meta.ordering, which
    # would join the people into every read of participations (the importer's included).
    DISPLAY_ORDER = ("person__name", "person_id")

    class Meta:
        # A person's meetings, and who else was at them, are read from the indexes alone
        # (index-only scans). The meeting is not a key of the person's index: PostgreSQL
        # would skip-scan it for `meeting_id = ANY(...)`, person by person, instead of
        # looking the meetings up in participation_unique.
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                include=["review_status"],
                name="participation_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["person"],
                include=["meeting", "review_status"],
                name="participation_person_meeting",
            )
        ]

    def __str__(self):
        return f"{self.person} at {self.meeting_id}"

    def role_then(self):
        """The role reported for this meeting, else the position held on the meeting's date."""
        if self.role_title:
            return self.role_title
        position = self.person.position_on(self.meeting.date) if self.meeting.date else None
        return position.title if position else ""


class MeetingReport(Evidence):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="meeting_reports")

    # How a meeting's reports are listed on every page and export: oldest first.
    DISPLAY_ORDER = (F("article__published_date").asc(nulls_last=True), "article_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "article"], name="meeting_report_unique")
        ]

    def __str__(self):
        return f"article {self.article_id} reports meeting {self.meeting_id}"


class Mention(Evidence, Reviewed):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    start = models.PositiveIntegerField(help_text="Character offset in the clean body.")
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    role_title = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="mention_names_one_entity",
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="mention_span"),
        ]
        indexes = [
            models.Index(fields=["person", "article"]),
            models.Index(fields=["organization", "article"]),
        ]

    def __str__(self):
        return f"{self.text} in article {self.article_id}"


class Quote(Evidence, Reviewed):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField()
    role_title = models.CharField(max_length=300, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    # The article's date, copied by triggers (migration 0011) whenever a quote is written
    # or its article's date changes: a person's newest quotes are an index range.
    published_date = models.DateField(null=True, editable=False)

    class Meta:
        ordering = ["article", "start"]
        indexes = [
            models.Index(
                "person",
                F("published_date").desc(nulls_last=True),
                "article",
                "start",
                name="quote_person_newest",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.text[:60]}"
