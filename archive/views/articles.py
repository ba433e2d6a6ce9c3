"""One article, its raw text, and the dated archive of articles."""

import datetime
from collections import OrderedDict

from django.db.models import F, Prefetch, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import (
    ArchiveIndexView,
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    YearArchiveView,
)

from archive.exports import ArticleExport
from archive.filters import ArticleOutletFilter, articles_per_month
from archive.formatting import web_url
from archive.models import (
    Article,
    ArticleMonthCount,
    ArticleSource,
    MeetingReport,
    Mention,
    Participation,
    Quote,
)
from archive.paging import BoundedPaginator
from archive.search import LISTING_DEFERRED
from archive.views.mixins import ExportMixin, SectionMixin
from archive.visibility import SHOWN_ARTICLE, SHOWN_MEETING, shown


class ArticleDetailView(SectionMixin, DetailView):
    """The article, where its copies came from, the names and meetings it reports."""

    section = "archive"
    queryset = (
        shown(Article.objects)
        .select_related("outlet")
        .defer("raw_text", "raw_bytes", "names_text", "search_vector")
        .prefetch_related(
            Prefetch(
                "sources",
                queryset=ArticleSource.objects.select_related("outlet").defer("raw_text"),
            ),
            Prefetch(
                "mentions",
                queryset=shown(Mention.objects).select_related("person", "organization"),
            ),
            Prefetch("quotes", queryset=shown(Quote.objects).select_related("person")),
            Prefetch(
                "meeting_reports",
                queryset=MeetingReport.objects.filter(SHOWN_MEETING)
                .select_related("meeting")
                .prefetch_related(
                    Prefetch(
                        "meeting__participations",
                        queryset=shown(Participation.objects)
                        .select_related("person")
                        .order_by(*Participation.DISPLAY_ORDER),
                    ),
                    Prefetch(
                        "meeting__reports",
                        queryset=MeetingReport.objects.filter(SHOWN_ARTICLE)
                        .select_related("article__outlet")
                        .defer(*(f"article__{name}" for name in LISTING_DEFERRED))
                        .order_by(*MeetingReport.DISPLAY_ORDER),
                    ),
                ),
            ),
        )
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        copies = [
            {
                "outlet": article.outlet,
                "url": web_url(article.url),
                "date": article.published_date,
                "is_this": True,
            }
        ] + [
            {
                "outlet": source.outlet,
                "url": web_url(source.url),
                "date": source.published_date,
                "is_this": False,
            }
            for source in article.sources.all()
        ]
        copies.sort(key=lambda copy: (copy["date"] is None, copy["date"] or datetime.date.min))
        meetings = []
        for report in article.meeting_reports.all():
            others = [r for r in report.meeting.reports.all() if r.article_id != article.pk]
            meetings.append({"report": report, "meeting": report.meeting, "also": others})
        context.update(
            source_url=web_url(article.url),
            copies=copies if len(copies) > 1 else [],
            first_copy=copies[0],
            mentions=article.mentions.all(),
            meetings=meetings,
        )
        return context


class ArticleRawView(View):
    """The document exactly as received, as plain text (never rendered as HTML)."""

    def get(self, request, pk):
        article = get_object_or_404(shown(Article.objects).only("raw_text"), pk=pk)
        response = HttpResponse(article.raw_text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="article-{pk}.txt"'
        return response


def period_counts(outlet=None, language=""):
    """{year: {"count": n, "months": {first-of-month: n}}} for dated articles, in order.

    Unfiltered, from the month totals the search keeps a minute (`articles_per_month`):
    summing every row of the month counts (100,000 at a million articles) took 16 to 26 ms
    on every page of the archive. The navigation's counts may then lag a minute behind;
    the counts that page through a year or a month are read afresh (`period_total`)."""
    if outlet is None and not language:
        rows = reversed(articles_per_month())
    else:
        rows = ArticleMonthCount.objects.kept(outlet, language).per_month().order_by("month")
    years = OrderedDict()
    for month, n in rows:
        if n:
            year = years.setdefault(month.year, {"count": 0, "months": OrderedDict()})
            year["count"] += n
            year["months"][month] = n
    return years


def period_total(since, until, outlet=None, language=""):
    """The dated articles of the months from `since` to before `until`, counted afresh."""
    rows = ArticleMonthCount.objects.kept(outlet, language)
    return rows.filter(month__gte=since, month__lt=until).aggregate(n=Sum("articles"))["n"] or 0


def _neighbours(items, current):
    items = list(items)
    before = [item for item in items if item < current]
    after = [item for item in items if item > current]
    return (before[-1] if before else None), (after[0] if after else None)


class ArticleListMixin(SectionMixin, ExportMixin):
    """Shared by every /archive/ page: outlet and language filters, paging, exports,
    and the counts per year and month that the period navigation is drawn from."""

    section = "archive"
    paginate_by = 30
    paginator_class = BoundedPaginator
    template_name = "archive/article_archive.html"
    export_class = ArticleExport
    export_name = "articles"
    dated = True

    def filterset_for(self, articles):
        return ArticleOutletFilter(
            self.request.GET or None, queryset=articles, request=self.request
        )

    def get_queryset(self):
        articles = shown(Article.objects.listing()).filter(published_date__isnull=not self.dated)
        self.filterset = self.filterset_for(articles)
        return self.filterset.qs

    def get_export_queryset(self):
        return self.get_queryset()

    @cached_property
    def chosen_filters(self):
        """The valid filters (outlet, language) as arguments of ArticleMonthCount's kept()."""
        if not self.filterset.is_bound:
            return {}
        self.filterset.form.is_valid()
        chosen = self.filterset.form.cleaned_data
        return {"outlet": chosen.get("outlet"), "language": chosen.get("language")}

    @cached_property
    def calendar(self):
        return period_counts(**self.chosen_filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.dated:
            undated = ArticleMonthCount.objects.kept(**self.chosen_filters).filter(
                month__isnull=True
            )
            undated_count = undated.aggregate(n=Sum("articles"))["n"] or 0
        else:
            undated_count = context["paginator"].total
        context.update(
            filter=self.filterset,
            calendar=self.calendar,
            undated_count=undated_count,
        )
        return context


class ArticleDateMixin(ArticleListMixin):
    """The date-based generic views' settings; allow_empty so a filter that empties a
    period shows a message rather than a 404 (malformed dates still 404)."""

    date_field = "published_date"
    allow_empty = True
    allow_future = True
    make_object_list = True
    month_format = "%m"

    def get_dated_items(self):
        # Django's date views compute the neighbouring periods with date arithmetic, which
        # overflows at 0001-01-01 and 9999-12-31; like Django's own "Date out of range"
        # for the year after 9999, such a period is not found.
        try:
            return super().get_dated_items()
        except OverflowError as error:
            raise Http404("Date out of range") from error

    def get_export_queryset(self):
        return self.get_dated_items()[1]


def _period_link(name, when, **query):
    if when is None:
        return None
    kwargs = {"year": f"{when.year:04d}"}
    if name in {"archive-month", "archive-day"}:
        kwargs["month"] = f"{when.month:02d}"
    if name == "archive-day":
        kwargs["day"] = f"{when.day:02d}"
    return reverse(f"archive:{name}", kwargs=kwargs)


class ArticleArchiveIndexView(ArticleDateMixin, ArchiveIndexView):
    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The years, from the calendar rather than a DISTINCT over every article."""
        years = [datetime.date(year, 1, 1) for year in self.calendar]
        return years[::-1] if ordering == "DESC" else years

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Archive", period="all", **kwargs)


class ArticleYearArchiveView(ArticleDateMixin, YearArchiveView):
    def _kept(self):
        return self.calendar.get(int(self.get_year()), {"count": 0, "months": {}})

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The months, from the calendar rather than a DISTINCT over the year's articles."""
        months = list(self._kept()["months"])
        return months[::-1] if ordering == "DESC" else months

    def get_paginator(self, queryset, per_page, **kwargs):
        """Counted from the month counts, which hold the same articles (filters included)."""
        year = int(self.get_year())
        since, until = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        known = (period_total(since, until, **self.chosen_filters), False)
        return super().get_paginator(queryset, per_page, known=known, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["year"].year
        before, after = _neighbours(context["calendar"], year)
        context.update(
            heading=str(year),
            period="year",
            current_year=year,
            previous_link=before and _period_link("archive-year", datetime.date(before, 1, 1)),
            previous_label=before,
            next_link=after and _period_link("archive-year", datetime.date(after, 1, 1)),
            next_label=after,
        )
        return context


class ArticleMonthArchiveView(ArticleDateMixin, MonthArchiveView):
    def get_paginator(self, queryset, per_page, **kwargs):
        """Counted from the month counts, which hold the same articles (filters included)."""
        month = datetime.date(int(self.get_year()), int(self.get_month()), 1)
        following = (month + datetime.timedelta(days=31)).replace(day=1)
        known = (period_total(month, following, **self.chosen_filters), False)
        return super().get_paginator(queryset, per_page, known=known, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = context["month"]
        months = [m for year in context["calendar"].values() for m in year["months"]]
        before, after = _neighbours(months, month)
        context.update(
            heading=month.strftime("%B %Y"),
            period="month",
            current_year=month.year,
            current_month=month,
            previous_link=_period_link("archive-month", before),
            previous_label=before and before.strftime("%B %Y"),
            next_link=_period_link("archive-month", after),
            next_label=after and after.strftime("%B %Y"),
        )
        return context


class ArticleDayArchiveView(ArticleDateMixin, DayArchiveView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = context["day"]
        # Each neighbour from the date index: an aggregate would read the whole archive.
        dates = self.filterset.qs.values_list("published_date", flat=True)
        before = dates.filter(published_date__lt=day).order_by("-published_date").first()
        after = dates.filter(published_date__gt=day).order_by("published_date").first()
        context.update(
            heading=f"{day.day} {day:%B %Y}",
            period="day",
            current_year=day.year,
            previous_link=_period_link("archive-day", before),
            previous_label=before and f"{before.day} {before:%B %Y}",
            next_link=_period_link("archive-day", after),
            next_label=after and f"{after.day} {after:%B %Y}",
        )
        return context


class UndatedArticleListView(ArticleListMixin, ListView):
    """Articles whose date is unknown: no date was guessed for them."""

    dated = False

    def get_queryset(self):
        return super().get_queryset().order_by(F("pk").desc())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Undated articles", period="undated", **kwargs)
