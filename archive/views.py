from django.views.generic import DetailView, ListView

from archive.models import Article, Meeting, Outlet, Person


class HomeView(ListView):
    template_name = "archive/home.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.select_related("outlet").order_by("-published_date", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["article_count"] = context["paginator"].count
        return context


class ArticleDetailView(DetailView):
    queryset = Article.objects.select_related("outlet")


class PersonDetailView(DetailView):
    queryset = Person.objects.prefetch_related("aliases", "positions__organization")


class OutletDetailView(DetailView):
    model = Outlet


class MeetingDetailView(DetailView):
    queryset = Meeting.objects.prefetch_related("participations__person", "reports__article")
