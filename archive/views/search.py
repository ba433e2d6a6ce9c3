"""The home page and the search page."""

from functools import partial

from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView, TemplateView
from django_filters.views import FilterView

from archive import names, parallel_reads
from archive.exports import ArticleExport
from archive.filters import ArticleSearchFilter
from archive.models import Article
from archive.paging import BoundedPaginator, RowsByIds
from archive.search import MAX_NEAR_DISTANCE, MAX_QUERY_LENGTH, NEWEST_FIRST
from archive.views.mixins import ExportMixin, SectionMixin
from archive.visibility import shown

SUGGEST_BELOW = 5
PAGES_AHEAD = 10  # how far past the page asked for a page beyond the sample counts


class HomeView(SectionMixin, ListView):
    template_name = "archive/home.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = BoundedPaginator
    section = "home"

    def get_queryset(self):
        return shown(Article.objects.listing()).order_by(*ArticleSearchFilter.ordering)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context["paginator"]
        context.update(article_count=paginator.total, count_estimated=paginator.estimated)
        return context


class SearchView(SectionMixin, ExportMixin, FilterView):
    """Full-text search with filters and facet counts; also browses without a query.

    Snippets are computed for the rows of the current page only. Invalid filter values
    are reported on the form and left out; an unparsable query shows why and no results.
    """

    filterset_class = ArticleSearchFilter
    template_name = "archive/search.html"
    paginate_by = 20
    paginator_class = BoundedPaginator
    strict = False
    section = "search"
    export_class = ArticleExport
    export_name = "search"
    _snippets = None  # a Future of the page's headlines, started by _snippets_of

    def get_queryset(self):
        return shown(Article.objects.listing())

    def exported(self, filterset):
        """Every match. Relevance ranks only the sample; when that is not every match, the
        export holds them all, newest first."""
        if filterset.sort == "relevance" and not filterset.sample().complete:
            return filterset.narrowed().order_by(*NEWEST_FIRST)
        return filterset.qs

    def get_paginator(self, queryset, per_page, **kwargs):
        """Sorted by relevance, the pages hold the ranked sample. Sorted by date, they reach
        as far as the result count (ArticleSearchFilter.result_count); a page past the
        sample of a search whose count is an estimate is counted exactly, so that an
        estimate below the real count hides none: up to PAGES_AHEAD pages beyond the one
        asked for (within ARCHIVE_EXACT_COUNT_LIMIT), each page reaching further. Counting
        all 10,000 for page 60 of a NEAR search took 2.7 to 6.9 s at a million articles,
        each match a read of its words' positions."""
        if self.filterset.sort == "relevance":
            known = (len(self.filterset.sample().ids), False)
        elif self.filterset.result_count[1] and not self._within_sample(per_page):
            known = None
            kwargs["count_limit"] = (self._page_asked() + PAGES_AHEAD) * per_page
        else:
            known = self.filterset.result_count
        return super().get_paginator(queryset, per_page, known=known, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """A page of the sample is read from its ids instead of by running the search
        again: by relevance, the sample ranked as it was read (if it was); newest first, a
        page within the sample (the newest matches, in this order); its snippets start
        once its ids are known (`_snippets_of`)."""
        sample = self.filterset.sample()
        if self.filterset.sort == "relevance" and sample.ranks is not None:
            queryset = RowsByIds(self.get_queryset(), sample.by_relevance(), self._snippets_of)
        elif self.filterset.sort == "newest" and self._within_sample(page_size):
            queryset = RowsByIds(self.get_queryset(), sample.ids, self._snippets_of)
        return super().paginate_queryset(queryset, page_size)

    def _snippets_of(self, ids):
        """Start highlighting the page's matches (ids) while its rows are read."""
        if self.filterset.search and ids:
            self._snippets = parallel_reads.start(headlines, ids, self.filterset.search)

    def _page_asked(self):
        """The page number asked for; 1 for none, "last" or anything else."""
        page = str(self.request.GET.get(self.page_kwarg) or 1)
        return int(page) if page.isdigit() else 1

    def _within_sample(self, page_size):
        sample = self.filterset.sample()
        return sample.complete or self._page_asked() * page_size <= len(sample.ids)

    def get_context_data(self, **kwargs):
        """The facets are counted beside the rest (archive/parallel_reads.py): a chosen
        facet's other values from the start, as they need nothing from the request; the
        others once the sample, which the pages also read, is known; the page's snippets
        once its ids are (paginate_queryset). The page is written meanwhile: `facets`
        waits for the counts only when the template reaches the sidebar, its last part."""
        filterset = self.filterset
        search = filterset.search
        query_errors = filterset.form.errors.get("q")
        counting = []
        if not query_errors:
            counting = [
                parallel_reads.start(filterset.count_facets, name)
                for name in filterset.chosen_facets()
            ]
            filterset.sample()  # here, so that its counts run while the page is read
            counting.append(parallel_reads.start(filterset.count_facets, None))
        context = super().get_context_data(**kwargs)
        articles = list(context["object_list"])
        if search and articles:
            snippets = self._snippets or parallel_reads.start(
                headlines, [article.pk for article in articles], search
            )
            articles = SimpleLazyObject(partial(_highlighted, articles, snippets))
        sample = filterset.sample()
        count, estimated = filterset.result_count
        if context["paginator"].known is None:  # counted for a page past the sample
            count, estimated = context["paginator"].total, context["paginator"].estimated
        suggestions = []
        if search and search.is_plain_words and not filterset.people and count < SUGGEST_BELOW:
            suggestions = names.similar_names(search.text)
        context.update(
            articles=articles,
            search=search,
            query_errors=query_errors,
            people=filterset.people,
            suggestions=suggestions,
            facets=[] if query_errors else SimpleLazyObject(partial(_counted, filterset, counting)),
            result_count=count,
            count_estimated=estimated,
            ranked_among=len(sample.ids) if estimated and filterset.sort == "relevance" else None,
            position_candidates=sample.position_candidates,
            sort=filterset.sort,
            refining=any(
                value and name not in {"q", "page", "format"}
                for name, value in self.request.GET.items()
            ),
        )
        return context


def headlines(ids, search):
    """{pk: (title, snippet)} of the articles `ids`, highlighted for `search`."""
    return Article.objects.filter(pk__in=ids).headlines(search)


def _highlighted(articles, snippets):
    """The articles with their headlines, once `snippets` (a Future of them) is in."""
    found = snippets.result()
    for article in articles:
        article.title_headline, article.snippet = found.get(article.pk, ("", ""))
    return articles


def _counted(filterset, counting):
    """The search's facets, once the counts `counting` (futures) are in."""
    for counted in counting:
        counted.result()
    return filterset.facets()


class SearchHelpView(SectionMixin, TemplateView):
    template_name = "archive/search_help.html"
    section = "search"
    extra_context = {"max_length": MAX_QUERY_LENGTH, "max_near": MAX_NEAR_DISTANCE}
