"""The archive's pages, one module per part of the site."""

from archive.views.articles import (
    ArticleArchiveIndexView,
    ArticleDayArchiveView,
    ArticleDetailView,
    ArticleMonthArchiveView,
    ArticleRawView,
    ArticleYearArchiveView,
    UndatedArticleListView,
)
from archive.views.meetings import MeetingDetailView, MeetingListView, MeetingTimelineView
from archive.views.outlets import OutletDetailView, OutletListView
from archive.views.people import PersonDetailView, PersonListView
from archive.views.search import HomeView, SearchHelpView, SearchView

__all__ = [
    "ArticleArchiveIndexView",
    "ArticleDayArchiveView",
    "ArticleDetailView",
    "ArticleMonthArchiveView",
    "ArticleRawView",
    "ArticleYearArchiveView",
    "HomeView",
    "MeetingDetailView",
    "MeetingListView",
    "MeetingTimelineView",
    "OutletDetailView",
    "OutletListView",
    "PersonDetailView",
    "PersonListView",
    "SearchHelpView",
    "SearchView",
    "UndatedArticleListView",
]
