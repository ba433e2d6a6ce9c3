from django.urls import path, re_path

from archive import feeds, views

app_name = "archive"

YEAR, MONTH, DAY = r"(?P<year>[0-9]{4})", r"(?P<month>[0-9]{2})", r"(?P<day>[0-9]{2})"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/help/", views.SearchHelpView.as_view(), name="search-help"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("articles/<int:pk>/raw/", views.ArticleRawView.as_view(), name="article-raw"),
    path("archive/", views.ArticleArchiveIndexView.as_view(), name="archive-index"),
    path("archive/undated/", views.UndatedArticleListView.as_view(), name="archive-undated"),
    re_path(rf"^archive/{YEAR}/$", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    re_path(
        rf"^archive/{YEAR}/{MONTH}/$",
        views.ArticleMonthArchiveView.as_view(),
        name="archive-month",
    ),
    re_path(
        rf"^archive/{YEAR}/{MONTH}/{DAY}/$",
        views.ArticleDayArchiveView.as_view(),
        name="archive-day",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<slug:slug>/feed/", feeds.PersonFeed(), name="person-feed"),
    path("outlets/", views.OutletListView.as_view(), name="outlet-list"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet-detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/timeline/", views.MeetingTimelineView.as_view(), name="meeting-timeline"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
]
