"""Meetings: the filterable list, the timeline, and each meeting's page."""

from django.db.models import Count, F, OuterRef, Prefetch
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.views.generic import DetailView
from django_filters.views import FilterView

from archive.charts import yearly_chart
from archive.citations import bibtex_citation, plain_citation
from archive.exports import MeetingExport
from archive.filters import MeetingFilter
from archive.models import Meeting, MeetingReport, Participation, Position
from archive.search import LISTING_DEFERRED
from archive.views.mixins import ExportMixin, JsonDetailMixin, SectionMixin, count_of
from archive.visibility import SHOWN_ARTICLE, shown


def meetings_with_participants():
    return (
        shown(Meeting.objects)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=shown(Participation.objects)
                .select_related("person")
                .order_by(*Participation.DISPLAY_ORDER),
            )
        )
        .annotate(
            report_count=count_of(
                MeetingReport.objects.filter(SHOWN_ARTICLE, meeting=OuterRef("pk")),
                "meeting",
                "article",
            )
        )
    )


class MeetingListView(SectionMixin, ExportMixin, FilterView):
    filterset_class = MeetingFilter
    template_name = "archive/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 30
    strict = False
    section = "meetings"
    export_class = MeetingExport
    export_name = "meetings"

    def get_queryset(self):
        return meetings_with_participants().order_by(F("date").desc(nulls_last=True), "-id")


class MeetingTimelineView(MeetingListView):
    """Meetings in date order, grouped by year, under a chart of meetings per year."""

    template_name = "archive/meeting_timeline.html"
    paginate_by = 100

    def get_queryset(self):
        return meetings_with_participants().order_by(F("date").asc(nulls_last=True), "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        per_year = (
            self.filterset.qs.order_by()
            .filter(date__isnull=False)
            .annotate(year=ExtractYear("date"))
            .values_list("year")
            .annotate(n=Count("pk"))
        )
        query = self.request.GET.copy()
        query.pop("page", None)

        def year_link(year):
            query["year"] = year
            return f"{reverse('archive:meeting-timeline')}?{query.urlencode()}"

        context["chart"] = yearly_chart("Meetings per year", dict(per_year), href=year_link)
        return context


class MeetingDetailView(SectionMixin, JsonDetailMixin, DetailView):
    """Who took part (with their role at the time), and every article that reports it."""

    section = "meetings"
    export_class = MeetingExport
    queryset = shown(Meeting.objects).prefetch_related(
        Prefetch(
            "participations",
            queryset=shown(Participation.objects)
            .select_related("person", "organization")
            .prefetch_related(Prefetch("person__positions", queryset=shown(Position.objects)))
            .order_by(*Participation.DISPLAY_ORDER),
        ),
        Prefetch(
            "reports",
            queryset=MeetingReport.objects.filter(SHOWN_ARTICLE)
            .select_related("article__outlet")
            .defer(*(f"article__{name}" for name in LISTING_DEFERRED))
            .order_by(*MeetingReport.DISPLAY_ORDER),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = []
        for report in self.object.reports.all():
            archive_url = self.request.build_absolute_uri(report.article.get_absolute_url())
            reports.append(
                {
                    "report": report,
                    "article": report.article,
                    "citation": plain_citation(report.article, archive_url),
                    "bibtex": bibtex_citation(report.article, archive_url),
                }
            )
        context.update(
            participations=self.object.participations.all(),
            reports=reports,
            page_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
        )
        return context
