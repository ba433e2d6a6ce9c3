"""Outlets: the filterable list and each outlet's page with its articles."""

from django.db.models import F, OuterRef, Subquery
from django.views.generic import ListView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from archive.exports import ArticleExport, OutletExport
from archive.filters import ArticleFilter, OutletFilter
from archive.models import Article, ArticleMonthCount, Outlet
from archive.paging import BoundedPaginator
from archive.views.mixins import ExportMixin, PagedByIds, SectionMixin
from archive.visibility import shown


def outlets_with_counts():
    """Outlets with their shown articles' number and dates, read from the kept counts and
    the first and last entry of an index rather than from every article."""
    dated = shown(Article.objects).filter(outlet=OuterRef("pk"), published_date__isnull=False)
    return Outlet.objects.annotate(
        article_count=ArticleMonthCount.objects.of_each_outlet(),
        # The orders of the index on (outlet, published_date DESC NULLS LAST), both ways.
        first_published=Subquery(
            dated.order_by(F("published_date").asc(nulls_first=True)).values("published_date")[:1]
        ),
        last_published=Subquery(
            dated.order_by(F("published_date").desc(nulls_last=True)).values("published_date")[:1]
        ),
    ).order_by("name")


class OutletListView(PagedByIds, SectionMixin, ExportMixin, FilterView):
    filterset_class = OutletFilter
    template_name = "archive/outlet_list.html"
    context_object_name = "outlets"
    paginate_by = 50
    strict = False
    section = "outlets"
    export_class = OutletExport
    export_name = "outlets"

    def get_queryset(self):
        return outlets_with_counts()


class OutletDetailView(SectionMixin, ExportMixin, SingleObjectMixin, ListView):
    """The outlet, then its articles, paginated and filterable by language.

    SingleObjectMixin + ListView, as Django's documentation pairs them: the outlet is the
    object, its articles the list.
    """

    template_name = "archive/outlet_detail.html"
    paginate_by = 30
    paginator_class = BoundedPaginator
    section = "outlets"
    export_class = ArticleExport

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=outlets_with_counts())
        self.export_name = f"{self.object.slug}-articles"
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = ArticleFilter(
            self.request.GET or None,
            queryset=shown(self.object.articles.listing()),
            request=self.request,
        )
        return self.filterset.qs

    def get_export_queryset(self):
        return self.get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(object=self.object, filter=self.filterset, **kwargs)
        context["articles"] = context["object_list"]
        return context
