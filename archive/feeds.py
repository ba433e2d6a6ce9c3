"""Atom feeds: any search (the search page's own parameters) and any person.

Atom carries an entry's summary as HTML, so summaries are escaped here: article text is
untrusted and must reach a feed reader as text. Titles are Atom text constructs, which the
XML writer escapes.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import F
from django.db.models.functions import Left
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from archive.filters import ArticleSearchFilter
from archive.models import Article, Person
from archive.visibility import shown

FEED_SIZE = 50


class ArticleFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return escape(Truncator(article.lead or article.excerpt).words(60))

    def item_pubdate(self, article):
        if article.published_date:
            return datetime.datetime.combine(
                article.published_date, datetime.time(), tzinfo=datetime.UTC
            )
        return article.created_at

    def item_author_name(self, article):
        return article.outlet.name if article.outlet else None


def feed_articles():
    return shown(Article.objects.listing()).annotate(excerpt=Left("body", 1000))


class SearchFeed(ArticleFeed):
    """The newest matches of a search unless `sort` says otherwise."""

    def get_object(self, request):
        data = request.GET.copy()
        data.pop("format", None)
        data.pop("page", None)
        data.setdefault("sort", "newest")
        filterset = ArticleSearchFilter(data, queryset=feed_articles(), request=request)
        if not filterset.is_valid():
            raise BadRequest("; ".join(e for errors in filterset.errors.values() for e in errors))
        return filterset

    def title(self, filterset):
        search = filterset.search
        return f"“{search.text}” in the defense diplomacy archive" if search else "New articles"

    def link(self, filterset):
        return f"{reverse('archive:search')}?{filterset.data.urlencode()}"

    def feed_url(self, filterset):
        return f"{reverse('archive:search-feed')}?{filterset.data.urlencode()}"

    def items(self, filterset):
        return filterset.qs[:FEED_SIZE]


class PersonFeed(ArticleFeed):
    """The newest articles that name a person."""

    def get_object(self, request, slug):
        return get_object_or_404(shown(Person.objects), slug=slug)

    def title(self, person):
        return f"{person.name} in the defense diplomacy archive"

    def link(self, person):
        return person.get_absolute_url()

    def items(self, person):
        newest = (F("published_date").desc(nulls_last=True), "-id")
        articles = feed_articles().filter(person_ids__contains=[person.pk])
        return articles.order_by(*newest)[:FEED_SIZE]
