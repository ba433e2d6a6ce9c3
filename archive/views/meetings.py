"""Meetings: the filterable list, the timeline, and each meeting's page."""

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.views.generic import DetailView
from django_filters.views import FilterView

from archive.charts import yearly_chart
from archive.citations import bibtex_citation, plain_citation
from archive.exports import MeetingExport
from archive.filters import MeetingFilter, meetings_per_year, shown_meetings
from archive.models import Meeting, MeetingReport, Participation, Position
from archive.search import LISTING_DEFERRED
from archive.views.mixins import ExportMixin, JsonDetailMixin, PagedByIds, SectionMixin
from archive.visibility import SHOWN_ARTICLE, shown


def meetings_with_participants():
    return shown(Meeting.objects).prefetch_related(
        Prefetch(
            "participations",
            queryset=shown(Participation.objects)
            .select_related("person")
            .order_by(*Participation.DISPLAY_ORDER),
        )
    )


class MeetingPages(PagedByIds, SectionMixin, ExportMixin, FilterView):
    """What the meeting list and the timeline share: the filters, the export, and pages
    read as ids first."""

    filterset_class = MeetingFilter
    context_object_name = "meetings"
    strict = False
    section = "meetings"
    export_class = MeetingExport
    export_name = "meetings"

    @property
    def unfiltered(self):
        filterset = self.filterset
        return not filterset.is_bound or not any(filterset.form.cleaned_data.values())

    def known_count(self):
        """Unfiltered, the shown meetings as counted a minute ago at most (`shown_meetings`)."""
        return shown_meetings() if self.unfiltered else None


class MeetingListView(MeetingPages):
    template_name = "archive/meeting_list.html"
    paginate_by = 30

    def get_queryset(self):
        return meetings_with_participants().order_by(*Meeting.NEWEST_FIRST)

    def get_context_data(self, **kwargs):
        """The page's meetings, each with `report_count`: counted for the page alone (as an
        annotation of the list, PostgreSQL counted it for every meeting an OFFSET skips,
        10,000 counts for a page 100 pages deep)."""
        context = super().get_context_data(**kwargs)
        meetings = list(context["meetings"])
        counts = dict(
            MeetingReport.objects.filter(SHOWN_ARTICLE, meeting__in=[m.pk for m in meetings])
            .order_by()
            .values("meeting")
            .annotate(n=Count("article", distinct=True))
            .values_list("meeting", "n")
        )
        for meeting in meetings:
            meeting.report_count = counts.get(meeting.pk, 0)
        context["meetings"] = meetings
        return context


class MeetingTimelineView(MeetingPages):
    """Meetings in date order, grouped by year, under a chart of meetings per year."""

    template_name = "archive/meeting_timeline.html"
    paginate_by = 100

    def get_queryset(self):
        return meetings_with_participants().order_by(*Meeting.OLDEST_FIRST)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        per_year = meetings_per_year(self.filterset.qs, whole=self.unfiltered)
        query = self.request.GET.copy()
        query.pop("page", None)

        def year_link(year):
            query["year"] = year
            return f"{reverse('archive:meeting-timeline')}?{query.urlencode()}"

        context["chart"] = yearly_chart("Meetings per year", per_year, href=year_link)
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
