"""FilterSets for every list: the search page, dated article lists, people, outlets, meetings.

Every filter reads the URL's query string, so a filtered list is a link. Filters that reach
through a to-many relation (mentions, meeting reports, positions, participations) use
EXISTS subqueries: a join would repeat an article once per mention and break counts,
ranking and pagination. Slugs and codes are checked for shape before any lookup, so a
malformed parameter becomes a form message, never a database error.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from archive import names
from archive.formatting import language_name
from archive.models import (
    EVERY_LANGUAGE,
    SEARCH_INDEX_YEARS,
    Article,
    ArticleMonthCount,
    Meeting,
    MeetingReport,
    Organization,
    Outlet,
    Participation,
    Person,
    PersonAlias,
    Position,
    ReviewStatus,
    Role,
    id_array,
)
from archive.paging import planner_estimate
from archive.search import NEWEST_FIRST, ArticleSearch, QuerySyntaxError, ranked_matches
from archive.visibility import SHOWN_MEETING, shown

FACET_SIZE = 12
# How many times what is missing from a search's sample a window of months should hold.
WINDOW_MARGIN = 2
MAX_WINDOWS = 4
# A search the planner expects to match at most this many times the sample is read whole:
# sorting a few thousand matches costs less than ANDing them with a date range.
UNWINDOWED = 8
# A selected facet's other values are counted in a sample without that filter: a second
# search, which reads this share of the first one's matches (and phrase or NEAR candidates).
OTHER_VALUES_SAMPLE = 0.25
# How many of the newest articles holding every word of a phrase or NEAR search are read,
# at most, for the word positions in their search vectors (ArticleSearchFilter.sample).
POSITION_CANDIDATES = 2000
CHOICES_CACHED = 60  # seconds
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def _cached(key, read):
    """`read()`, kept a minute in each process's cache: the lists every search form offers
    (outlets, people, organizations, countries, languages). A record added since shows up
    within the minute; what a chosen value selects is always read afresh."""
    return cache.get_or_set(f"archive:{key}", read, CHOICES_CACHED)


def _countries(queryset, field):
    codes = queryset.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
    key = f"countries:{queryset.model._meta.label}:{field}"
    return [(code, code) for code in _cached(key, lambda: list(codes.distinct()))]


def outlet_countries():
    return _countries(Outlet.objects, "country")


def person_countries():
    return _countries(shown(Person.objects), "country")


def article_languages():
    """The languages of shown articles, from the counts the database keeps (a row per
    month, outlet and language: read once a minute per process)."""

    def read():
        codes = (
            ArticleMonthCount.objects.kept()
            .exclude(language="")
            .order_by("language")
            .values_list("language", flat=True)
        )
        return list(codes.distinct())

    return [(code, language_name(code)) for code in _cached("article-languages", read)]


def articles_per_month():
    """[(month, shown articles)], newest first; kept a minute in each process's cache, as
    it sums a row per month, outlet and language. Only the speed of a search depends on it
    (see ArticleSearchFilter.sample), so a minute-old figure is good enough."""

    def count():
        return list(ArticleMonthCount.objects.kept().per_month().order_by("-month"))

    return _cached("articles-per-month", count)


def meeting_years():
    """The years of shown meetings, newest first (a minute in each process's cache: reading
    them takes every meeting's date, 30 ms at 110,000 meetings, on every meeting list)."""
    years = shown(Meeting.objects).dates("date", "year", order="DESC")
    return [(year, year) for year in _cached("meeting-years", lambda: [d.year for d in years])]


def shown_meetings():
    """How many meetings are shown, kept a minute in each process's cache: the unfiltered
    meeting list and timeline count them for their pages (110,000 in 13 to 21 ms). Within
    the minute, a list's last page may miss a meeting added since, or come up short of
    one rejected since; the meetings a page shows are always read afresh."""
    return _cached("shown-meetings", shown(Meeting.objects).count)


def meetings_per_year(meetings, whole=False):
    """{year: meetings} among the dated `meetings`; when they are the `whole` list (no
    filter), kept a minute in each process's cache, as counting 110,000 takes 23 ms."""

    def count():
        rows = (
            meetings.order_by()
            .filter(date__isnull=False)
            .annotate(year=ExtractYear("date"))
            .values_list("year")
            .annotate(n=Count("pk"))
        )
        return dict(rows)

    return _cached("meetings-per-year", count) if whole else count()


class SlugChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice by slug that rejects malformed slugs before querying."""

    def to_python(self, value):
        if value not in self.empty_values and not _SLUG.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class QuickSelect(forms.Select):
    """A <select> (of named records, or of plain choices such as countries) whose options
    are written in Python, each value and label escaped, and kept: Django's own Select
    renders a template per option (1.3 ms for each country list of the search form) and
    builds a model instance per row (40 ms for the 1,200 people, organizations and
    outlets of every search page).

    The tags are written once with nothing chosen, and a chosen value is marked in them
    (writing the 300 outlets' again took 1.7 ms): records' kept a minute in each
    process's cache, read as (slug, name) rows; plain choices' for as long as the choices
    stay the same.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)} - {""}
        attributes = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attributes, self._options(selected))

    def _options(self, selected):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            tags = _record_option_tags(choices)
        else:
            tags = _plain_option_tags(tuple((str(v), str(label)) for v, label in choices))
        # The tags are escaped already: only the constant " selected" goes in.
        for value in selected:
            option = format_html('<option value="{}">', value)
            tags = mark_safe(tags.replace(option, option[:-1] + " selected>", 1))
        return tags


def _record_option_tags(choices):
    field = choices.field
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    rows = choices.queryset.values_list(field.to_field_name, "name")
    query = hashlib.sha256(str(rows.query).encode()).hexdigest()[:16]
    key = f"choices:{choices.queryset.model._meta.label}:{query}:tags"
    return _cached(key, lambda: _option_tags(empty + list(rows)))


@functools.lru_cache(maxsize=64)
def _plain_option_tags(choices):
    return _option_tags(choices)


def _option_tags(rows):
    return format_html_join("", '<option value="{}">{}</option>', rows)


class SlugFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", QuickSelect)
        # The choices need only these columns; whole rows cost as much again to load.
        kwargs["queryset"] = kwargs["queryset"].only("pk", "slug", "name")
        super().__init__(*args, **kwargs)


class SearchTextField(forms.CharField):
    """The search box: cleans to an ArticleSearch, or explains why it cannot."""

    widget = forms.SearchInput

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return ArticleSearch.parse(text)
        except QuerySyntaxError as error:
            raise ValidationError(str(error), code="syntax") from error


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    SORTS = {"relevance": "relevance", "newest": "newest first", "oldest": "oldest first"}

    field_order = [
        "q",
        "date_from",
        "date_to",
        "outlet",
        "outlet_country",
        "person",
        "person_country",
        "organization",
        "meeting_kind",
        "language",
        "sort",
    ]

    q = SearchTextField(
        label="Search the archive", required=False, help_text="Names, words or phrases."
    )
    sort = forms.ChoiceField(
        label="Sort by", choices=list(SORTS.items()), required=False, widget=QuickSelect
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class ArticleFilter(django_filters.FilterSet):
    """Language, the one filter every list of articles offers, and the shared machinery."""

    language = django_filters.ChoiceFilter(
        choices=article_languages, label="Language", widget=QuickSelect
    )

    ordering = NEWEST_FIRST

    def filter_queryset(self, queryset, without=None):
        """Apply every valid filter except `without` (used for facet counts); skip errors."""
        for name, value in self.form.cleaned_data.items():
            if name in self.filters and name != without:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.ordered(self.narrowed())
        return self._qs

    def narrowed(self, without=None, **options):
        """The rows every valid filter but `without` selects; `options` go to
        filter_queryset."""
        queryset = self.queryset.all()
        if self.is_bound:
            self.form.is_valid()
            queryset = self.filter_queryset(queryset, without, **options)
        return queryset

    def ordered(self, queryset):
        return queryset.order_by(*self.ordering)


class ArticleOutletFilter(ArticleFilter):
    """Lists of articles from any outlet: the dated archive."""

    outlet = SlugFilter(queryset=Outlet.objects.all(), method="filter_outlet", label="Outlet")

    def filter_outlet(self, queryset, name, outlet):
        # As a bigint: the year search indexes hold outlet_id (btree_gin), whose operators
        # take a bigint on both sides; against a plain integer PostgreSQL would not use them.
        return queryset.filter(outlet_id=Cast(Value(outlet.pk), BigIntegerField()))


@dataclass(frozen=True)
class Sample:
    ids: list
    complete: bool  # the ids are every article selected, not only the newest of them
    estimate: int | None = None  # the planner's estimate of every article selected
    # A phrase or NEAR search whose candidates ran out before the sample was full: how many
    # of the newest articles holding its words were read for it.
    position_candidates: int | None = None
    # {id: relevance}, when the page is sorted by relevance and the search names nobody:
    # computed by the statements that find the sample, from the vectors in the rows they
    # read anyway; ranked apart, the thousand rows were read again (5 to 8 ms at a
    # million articles).
    ranks: dict | None = None

    def by_relevance(self):
        """The ids, most relevant first; equal ones newest first, as the ids come."""
        return sorted(self.ids, key=lambda pk: -self.ranks[pk])


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    href: str


@dataclass
class Facet:
    name: str
    label: str
    values: list
    sampled: int = 0  # counted among this many of the newest articles only (0: among all)


class ArticleSearchFilter(ArticleOutletFilter):
    """The search page: full-text query, dates, names, countries, meeting kind, language.

    Countries come in two filters: `outlet_country`, where the outlet that published the
    article is based, and `person_country`, where people the article mentions come from.
    """

    date_from = django_filters.DateFilter(
        field_name="published_date", lookup_expr="gte", label="From", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="published_date", lookup_expr="lte", label="To", widget=DATE_INPUT
    )
    person = SlugFilter(
        queryset=shown(Person.objects), method="filter_person", label="Person mentioned"
    )
    organization = SlugFilter(
        queryset=Organization.objects.all(),
        method="filter_organization",
        label="Organization mentioned",
    )
    outlet_country = django_filters.ChoiceFilter(
        field_name="outlet__country",
        choices=outlet_countries,
        label="Outlet's country",
        widget=QuickSelect,
    )
    person_country = django_filters.ChoiceFilter(
        choices=person_countries,
        method="filter_person_country",
        label="Country of people named",
        widget=QuickSelect,
    )
    meeting_kind = django_filters.ChoiceFilter(
        choices=Meeting.Kind.choices,
        method="filter_meeting_kind",
        label="Reports a meeting of kind",
        widget=QuickSelect,
    )

    class Meta:
        form = SearchForm

    # Article.person_ids and organization_ids hold the shown mentions' people and
    # organizations, under GIN indexes the planner ANDs with the text's.
    def filter_person(self, queryset, name, person):
        return queryset.filter(person_ids__contains=[person.pk])

    def filter_organization(self, queryset, name, organization):
        return queryset.filter(organization_ids__contains=[organization.pk])

    def filter_person_country(self, queryset, name, country):
        people = Person.objects.filter(country=country).values("pk")
        return queryset.filter(person_ids__overlap=ArraySubquery(people))

    def filter_meeting_kind(self, queryset, name, kind):
        reports = MeetingReport.objects.filter(
            SHOWN_MEETING, article=OuterRef("pk"), meeting__kind=kind
        )
        return queryset.filter(Exists(reports))

    @cached_property
    def people(self):
        """People the query names exactly; their other spellings join the search."""
        query = self._parsed_query
        if query is None or query.as_name is None:
            return []
        return list(names.people_named(query.as_name))

    @cached_property
    def _parsed_query(self):
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.cleaned_data.get("q")

    @cached_property
    def search(self):
        query = self._parsed_query
        if query is None:
            return None
        return query.including_people(self.people) if self.people else query

    @property
    def sort(self):
        chosen = self.form.cleaned_data.get("sort") if self.is_bound else None
        if chosen == "relevance" or not chosen:
            return "relevance" if self.search else "newest"
        return chosen

    def filter_queryset(self, queryset, without=None, search=None, match=True):
        """The other filters, then (if `match`) the search (`search`, or the page's); a
        query that could not be parsed matches nothing, rather than silently everything."""
        if "q" in self.form.errors:
            return queryset.none()
        queryset = super().filter_queryset(queryset, without)
        search = search or self.search
        if not search or not match:
            return queryset
        return queryset.matching(search)

    def sample(self, without=None):
        """The newest `ranked_matches()` articles the search and the filters (all but
        `without`) select, as ids, newest first: one query that relevance ranking, facet
        counts and the result count share, however broad the search.

        A search runs over windows of months, newest first (`_windows`), each sized to
        hold what is still missing by the matches' share of the archive (the planner's
        estimate at first, then the share seen so far), the last one reaching back to the
        oldest and undated articles. Together they return the same rows as one query over
        the whole archive, but each reads only its own months: PostgreSQL neither walks
        the date index through months of non-matching rows nor sorts every match.

        A sample `without` a filter, for that facet's other values, is a smaller share
        (OTHER_VALUES_SAMPLE) of that, and the facet says how many articles it counted.
        """
        samples = self.__dict__.setdefault("_samples", {})
        if without not in samples:
            share = 1 if without is None else OTHER_VALUES_SAMPLE
            size = max(1, int(share * ranked_matches()))
            relaxed = self.search.without_positions() if self.search else None
            # Not for a search naming someone: its windows are whole years, read and sorted
            # whole, and ranking there ranks every mention of the year against every
            # spelling (Shin Won-shik's 4,210 of 2025: 4.5 -> 15.5 ms), where ranking the
            # sample apart takes 6.5.
            ranking = without is None and self.sort == "relevance" and not self.search.people
            ranks = {} if ranking else None
            if relaxed is None:
                reading = Reading(self.search, ranks)
                ids, estimate = self._newest_ids(without, self.search, size + 1, reading)
                samples[without] = Sample(ids[:size], len(ids) <= size, estimate, ranks=ranks)
            else:
                candidates = max(1, int(share * POSITION_CANDIDATES))
                samples[without] = self._positional_sample(
                    relaxed, without, size, candidates, ranks
                )
        return samples[without]

    def _positional_sample(self, relaxed, without, size, candidates, ranks):
        """Word positions (a phrase's words in order, NEAR's distance) are in each article's
        search vector, not in the GIN index, so every candidate the index finds costs a read
        of its vector (about 10 µs), and a phrase of common words may be in few of the many
        articles holding them all (30 s for one in none of 880,000). The sample is the
        matches among the newest `candidates` articles the search `relaxed` (every word
        anywhere) selects: complete only when those are every candidate and every match.

        Each candidate's positions are checked in the statement that reads it, from the
        vector in the row it has read (`Reading` with `positions`)."""
        reading = Reading(self.search, ranks, positions=True)
        newest_ids, _ = self._newest_ids(without, relaxed, candidates + 1, reading)
        ran_out = len(newest_ids) > candidates
        pool = set(newest_ids[:candidates])
        ids = [pk for pk in reading.matches if pk in pool]
        full = len(ids) > size
        return Sample(
            ids[:size],
            not ran_out and not full,
            None,
            position_candidates=candidates if ran_out and not full else None,
            ranks=ranks,
        )

    def _newest_ids(self, without, search, wanted, reading):
        """([ids], planner's estimate): the `wanted` newest articles that `search` and the
        filters but `without` select, read over windows of months (`_windows`) unless the
        search matches few, each as `reading` (a Reading) says."""
        newest = self.narrowed(without, search=search).order_by(*NEWEST_FIRST)
        estimate = planner_estimate(newest.values_list("pk")) if search else None
        if estimate is None or self._few_matches(search, estimate, UNWINDOWED * wanted, without):
            return reading.read(newest, wanted), estimate
        filtered = self.narrowed(without, match=False).order_by() if search.people else None
        others = not self._mentions_a_person_named(without, search)
        whole_years = bool(search.people) or self._by_mentions(without)
        ids = []
        for window in self._windows(estimate, wanted, ids, whole_years=whole_years):
            missing = wanted - len(ids)
            if search.people:
                naming = filtered.filter(window)
                ids.extend(_newest_naming(naming, search, missing, reading, others))
            else:
                ids.extend(reading.read(newest.filter(window), missing))
        return ids, estimate

    def _by_mentions(self, without):
        """Whether a filter on the people or organizations mentioned (other than `without`)
        is set.

        A window of a search so filtered must be whole years: given a part of a year,
        PostgreSQL ANDed the whole archive's person_ids index (74,000 articles for a much
        named minister) with the dates' index rather than reading that year's search
        indexes, which hold person_ids and organization_ids (16.5 ms against 4.6 at a
        million articles, for half a year of a word in 88% of them)."""
        return bool(self._chosen(MENTION_FACETS, without))

    def _mentions_a_person_named(self, without, search):
        """Whether the person filter (unless it is `without`) picks a person the search
        names: then every article it selects matches the search, through the mention."""
        person = None if without == "person" else self.form.cleaned_data.get("person")
        return person is not None and person.pk in search.people

    def _few_matches(self, search, estimate, bound, without):
        """Whether the search matches at most `bound` articles, by the planner's estimates
        of it and of its text alone (unless no filter but `without` is set: then the two
        are one): a filter on people often selects the very articles that name them, which
        an estimate that takes the two as independent misses."""
        if estimate > bound:
            return False
        if not self._filtered(without):
            return True
        return planner_estimate(self.queryset.matching(search)) <= bound

    def _filtered(self, without):
        """Whether a filter other than `without` is set."""
        return bool(self._chosen(self.filters, without))

    def _windows(self, estimate, wanted, found, whole_years=False):
        """Q filters on published_date, newest first, until the list `found` holds
        `wanted` ids: windows of months sized to hold what is missing, each read a year at
        a time (`_by_year`), the last taking every older and undated article.

        With `whole_years`, each window reaches back to the start of its oldest year:
        PostgreSQL then finds a window's text matches through that year's search indexes
        rather than by reading the vector of every article of a few months."""
        date_from = self.form.cleaned_data.get("date_from")
        date_to = self.form.cleaned_data.get("date_to")
        months = [(m, n) for m, n in articles_per_month() if not date_to or m <= date_to]
        if not months:
            yield Q()
            return
        newest_year = months[0][0].year
        total = sum(n for _, n in months) or 1
        share = max(estimate, 1) / total
        upper, read = None, 0
        for _ in range(MAX_WINDOWS - 1):
            missing = wanted - len(found)
            if missing <= 0:
                return
            articles, since = WINDOW_MARGIN * missing / share, None
            if 2 * articles >= sum(n for _, n in months):
                break  # most of what is left: read to the end
            while months and (articles > 0 or (whole_years and months[0][0].year == since.year)):
                since, n = months.pop(0)
                articles -= n
                read += n
            if since is None or not months:
                break
            yield from _by_year(since, upper, newest_year, wanted, found)
            upper = since
            share = max(len(found), 1) / read
        first_indexed = datetime.date(SEARCH_INDEX_YEARS[0], 1, 1)
        yield from _by_year(date_from or first_indexed, upper, newest_year, wanted, found)
        if len(found) < wanted and not date_from:  # a date filter leaves undated ones out
            older = min(first_indexed, upper) if upper else first_indexed
            yield Q(published_date__lt=older) | Q(published_date__isnull=True)

    @cached_property
    def result_count(self):
        """(count, estimated): exact when the sample holds every match, else the planner's
        estimate (at least one more than the sample)."""
        sample = self.sample()
        if sample.complete:
            return len(sample.ids), False
        estimate = sample.estimate or planner_estimate(self.narrowed())
        return max(estimate, len(sample.ids) + 1), True

    def ordered(self, queryset):
        """By relevance: the sample's rows, read from the base queryset (a feed's keeps its
        annotations) without the search's filter, ranked."""
        if self.sort == "relevance":
            return self.queryset.ranked(self.search, among=self.sample().ids)
        if self.sort == "oldest":
            return queryset.order_by(F("published_date").asc(nulls_last=True), "id")
        return super().ordered(queryset)

    FACETS = {
        "outlet": "Outlet",
        "person": "People mentioned",
        "organization": "Organizations mentioned",
        "outlet_country": "Outlet's country",
        "person_country": "Country of people named",
        "meeting_kind": "Reports a meeting of kind",
        "language": "Language",
    }

    def facets(self):
        """Counts per value of each filter for the current search and the *other* filters.

        Leaving a facet's own filter out lets a reader see, and switch to, its other values.
        Counting across a broad search or the whole archive would read every row: the
        counts are those among the sample (`sample()`), marked when it is not every match.
        """
        chosen = self.chosen_facets()
        facets = []
        for name, label in self.FACETS.items():
            without = name if name in chosen else None
            sample = self.sample(without)
            current = str(getattr(chosen.get(name), "slug", chosen.get(name)))
            values = []
            for value, text, count in self.count_facets(without)[name][:FACET_SIZE]:
                selected = str(value) == current
                toggle = self._toggle(name, value, selected)
                values.append(FacetValue(str(value), str(text), count, selected, toggle))
            sampled = 0 if sample.complete else len(sample.ids)
            facets.append(Facet(name, label, values, sampled=sampled))
        return facets

    def chosen_facets(self):
        """{facet: value} of the facets whose filter is set."""
        return self._chosen(self.FACETS)

    def _chosen(self, names, without=None):
        """{name: value} of the filters among `names`, but `without`, that are set."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        chosen = self.form.cleaned_data
        return {
            name: chosen[name]
            for name in names
            if name != without and chosen.get(name) not in (None, "")
        }

    def count_facets(self, without):
        """{facet: [(value, label, articles)], most articles first} among the articles of
        `sample(without)`, in seven queries of a few thousand rows at most (only the facet
        `without` when it is given: the others count the sample with every filter)."""
        counted = self.__dict__.setdefault("_facet_counted", {})
        if without not in counted:
            counted[without] = facet_counts(self.sample(without).ids, only=without)
        return counted[without]

    def _toggle(self, name, value, selected):
        """The link that selects this value, or clears it when it is already selected.
        (Written from the query's pairs: copying the QueryDict deep-copies it, 70 times a
        page.)"""
        left_out = {"page", "format", name}
        params = [
            (key, item) for key, items in self.data.lists() if key not in left_out for item in items
        ]
        if not selected:
            params.append((name, value))
        return f"?{urlencode(params)}"


@dataclass
class Reading:
    """How the statements finding a sample read their rows: the ids, with each one's
    relevance to `search` kept in `ranks` (a dict) when one is given; with `positions`,
    each row is also checked for the search's word positions, from the vector in the row
    the statement has read, and the matches are listed in `matches`, in the order read."""

    search: ArticleSearch
    ranks: dict | None = None
    positions: bool = False
    matches: list = field(default_factory=list)

    def value(self):
        """The expression read beside each id, evaluated once a row, or None for none: the
        rank; with `positions`, the rank (or 0) where the search matches, else nothing."""
        rank = self.search.rank() if self.ranks is not None else None
        if not self.positions:
            return rank
        matched = Value(0.0) if rank is None else rank
        return Case(When(self.search.matches(), then=matched), output_field=FloatField())

    def record(self, rows):
        """The ids of `rows` ((id, value), in the order read), their ranks and matches kept."""
        for pk, value in rows:
            if self.positions:
                if value is None:
                    continue
                self.matches.append(pk)
            if self.ranks is not None:
                self.ranks[pk] = value
        return [pk for pk, _ in rows]

    def read(self, articles, limit):
        """The ids of the first `limit` of `articles`."""
        value = self.value()
        if value is None:
            return list(articles.values_list("pk", flat=True)[:limit])
        return self.record(articles.annotate(value=value).values_list("pk", "value")[:limit])


def _newest_naming(articles, search, wanted, reading, others=True):
    """The `wanted` newest of `articles` (the filters applied, perhaps a window) that a
    search naming people matches, in two queries: the articles that mention them, newest
    first (person_ids is in the row), and every match of the text among the others,
    through the search indexes by language (and the filters' indexes). Asked for both at
    once, PostgreSQL walked the date index, or an outlet's, and read the search vector of
    each article not mentioning them (13,000 for a name's 1,000 matches in three months:
    100 to 140 ms; apart, 16 and 50 ms; an outlet's newest thousand mentions of the most
    named person, 270 ms over seven years). Without `others` (when `articles` all mention
    one of them), the first query alone. Each row is read as `reading` (a Reading) says."""
    mentioning = search.mentioning()
    value = reading.value()
    if value is not None:
        articles = articles.annotate(value=value)
    columns = ("published_date", "pk") + (("value",) if value is not None else ())
    # Both languages named, so that a year's two search indexes (which hold person_ids)
    # can answer it.
    newest = articles.filter(mentioning, EVERY_LANGUAGE).order_by(*NEWEST_FIRST)
    rows = list(newest.values_list(*columns)[:wanted])
    if others:
        naming = articles.filter(search.text_matches()).exclude(mentioning)
        rows += naming.values_list(*columns)
        rows.sort(key=lambda row: (row[0] is not None, row[0], row[1]), reverse=True)
    rows = rows[:wanted]
    if value is None:
        return [row[1] for row in rows]
    return reading.record([row[1:] for row in rows])


def _by_year(since, upper, newest_year, wanted, found):
    """[since, upper) as Q filters, newest first, each within one calendar year, so that
    PostgreSQL reads that year's search index (archive.models.year_search_indexes); with no
    `upper`, what is dated after `newest_year` comes first, in one piece. Stops once the
    list `found` holds `wanted` ids."""
    if upper is None:
        upper = datetime.date(newest_year + 1, 1, 1)
        yield Q(published_date__gte=upper)
    while since < upper and len(found) < wanted:
        start = max(since, datetime.date((upper - datetime.timedelta(days=1)).year, 1, 1))
        yield Q(published_date__gte=start, published_date__lt=upper)
        upper = start


OUTLET_FACETS = {"outlet", "outlet_country", "language"}
MENTION_FACETS = {"person", "organization", "person_country"}


def facet_counts(ids, only=None):
    """{facet: [(value, label, articles)]} for the articles `ids`, most articles first;
    `only`: that facet alone (and the others counted from the same rows).

    Counted in one statement (_facet_count_sql), which returns the counts rather than
    every article's outlet, language, people and organizations: a thousand rows of
    arrays cost more to read into Python than counting them costs in PostgreSQL.
    """
    counts = {name: [] for name in ArticleSearchFilter.FACETS}
    sql, params = _facet_count_sql(ids, only)
    # Read where the ORM's reads go (a replica, with DATABASE_REPLICA_URLS).
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    kinds = dict(Meeting.Kind.choices)
    for facet, value, label, n in rows:
        if facet == "language":
            label = language_name(value)
        elif facet == "meeting_kind":
            label = kinds.get(value, value)
        counts[facet].append((value, label, n))
    for values in counts.values():
        values.sort(key=lambda row: (-row[2], row[1]))
    return counts


def _facet_count_sql(ids, only):
    """(sql, params): rows (facet, value, label, articles) counting, once an article,
    the outlets, their countries and the languages of the articles `ids`; the shown
    people they mention (Article.person_ids), those people's countries and the
    organizations (organization_ids); and the kinds of the shown meetings they report.
    `only`: the facets of its own group alone (outlet, mentions or meeting kind)."""
    article, outlet = Article._meta.db_table, Outlet._meta.db_table
    person, organization = Person._meta.db_table, Organization._meta.db_table
    meeting, report = Meeting._meta.db_table, MeetingReport._meta.db_table
    parts = []
    if only != "meeting_kind" and only not in MENTION_FACETS:
        parts += [
            f"""SELECT 'outlet', o.slug, o.name, count(*) FROM sample
                JOIN {outlet} o ON o.id = sample.outlet_id GROUP BY o.id""",
            f"""SELECT 'outlet_country', o.country, o.country, count(*) FROM sample
                JOIN {outlet} o ON o.id = sample.outlet_id WHERE o.country <> ''
                GROUP BY o.country""",
            """SELECT 'language', language, language, count(*) FROM sample
                WHERE language <> '' GROUP BY language""",
        ]
    if only != "meeting_kind" and only not in OUTLET_FACETS:
        parts += [
            f"""SELECT 'person', p.slug, p.name, n FROM {person} p
                JOIN (SELECT id, count(*) AS n FROM named GROUP BY id) c ON c.id = p.id""",
            """SELECT 'person_country', country, country, count(*) FROM (
                SELECT DISTINCT article_id, country FROM named WHERE country <> '') c
                GROUP BY country""",
            f"""SELECT 'organization', g.slug, g.name, count(DISTINCT sample.id)
                FROM sample CROSS JOIN unnest(sample.organization_ids) AS o(id)
                JOIN {organization} g ON g.id = o.id GROUP BY g.id""",
        ]
    if only in (None, "meeting_kind"):
        parts.append(
            f"""SELECT 'meeting_kind', m.kind, m.kind, count(DISTINCT r.article_id)
                FROM {report} r JOIN {meeting} m ON m.id = r.meeting_id
                WHERE r.article_id = ANY(%(ids)s::bigint[]) AND m.review_status <> %(rejected)s
                GROUP BY m.kind"""
        )
    sql = f"""
        WITH sample AS (
            SELECT id, outlet_id, language, person_ids, organization_ids FROM {article}
            WHERE id = ANY(%(ids)s::bigint[])
        ), named AS (
            SELECT DISTINCT sample.id AS article_id, p.id, p.country
            FROM sample CROSS JOIN unnest(sample.person_ids) AS mentioned(id)
            JOIN {person} p ON p.id = mentioned.id AND p.review_status <> %(rejected)s
        )
        {" UNION ALL ".join(parts)}
    """
    return sql, {"ids": id_array(ids), "rejected": ReviewStatus.REJECTED}


class PersonFilter(django_filters.FilterSet):
    """People by name (any alias), country, and role held now or in the past."""

    TENURES = {"current": "now", "past": "in the past, not now"}

    q = django_filters.CharFilter(method="filter_name", label="Name")
    country = django_filters.ChoiceFilter(
        choices=person_countries, label="Country", widget=QuickSelect
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role", label="Role")
    tenure = django_filters.ChoiceFilter(
        choices=list(TENURES.items()), method="filter_tenure", label="Held", empty_label="ever"
    )

    class Meta:
        model = Person
        fields = []

    def filter_name(self, queryset, name, text):
        aliases = PersonAlias.objects.filter(person=OuterRef("pk"), name__unaccent__icontains=text)
        return queryset.filter(Q(name__unaccent__icontains=text) | Exists(aliases))

    def _positions(self):
        positions = shown(Position.objects).filter(person=OuterRef("pk"))
        role = self.form.cleaned_data.get("role")
        return positions.filter(role=role) if role else positions

    def filter_role(self, queryset, name, role):
        return queryset.filter(Exists(self._positions()))

    def filter_tenure(self, queryset, name, tenure):
        today = datetime.date.today()
        positions = self._positions()
        current = positions.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
        )
        if tenure == "current":
            return queryset.filter(Exists(current))
        return queryset.filter(Exists(positions.filter(end_date__lt=today)), ~Exists(current))


class OutletFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Outlet.Kind.choices, label="Kind")
    country = django_filters.ChoiceFilter(
        choices=outlet_countries, label="Country", widget=QuickSelect
    )

    class Meta:
        model = Outlet
        fields = []


class MeetingFilter(django_filters.FilterSet):
    """Meetings by participant, country pair, format, kind, year and status.

    `country` and `with_country` each require a participant from that country, so the two
    together select meetings between officials of the two countries. `meeting_format` is
    the model's `format` under another name: `format=` in a URL asks for an export.
    """

    participant = SlugFilter(
        queryset=shown(Person.objects), method="filter_participant", label="Participant"
    )
    country = django_filters.ChoiceFilter(
        choices=person_countries, method="filter_country", label="Country", widget=QuickSelect
    )
    with_country = django_filters.ChoiceFilter(
        choices=person_countries,
        method="filter_country",
        label="Meeting with country",
        widget=QuickSelect,
    )
    meeting_format = django_filters.ChoiceFilter(
        field_name="format", choices=Meeting.Format.choices, label="Format"
    )
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, label="Kind")
    year = django_filters.ChoiceFilter(
        field_name="date", lookup_expr="year", choices=meeting_years, label="Year"
    )
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices, label="Status")

    class Meta:
        model = Meeting
        fields = []

    def filter_participant(self, queryset, name, person):
        return queryset.filter(
            Exists(shown(Participation.objects).filter(meeting=OuterRef("pk"), person=person))
        )

    def filter_country(self, queryset, name, country):
        participants = shown(Participation.objects).filter(
            meeting=OuterRef("pk"), person__country=country
        )
        return queryset.filter(Exists(participants))
