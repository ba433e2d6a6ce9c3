"""People: the filterable list and each person's page."""

import datetime
from collections import Counter

from django.db.models import Count, F, Prefetch, Sum
from django.urls import reverse
from django.views.generic import DetailView
from django_filters.views import FilterView

from archive.charts import monthly_chart
from archive.exports import PersonExport
from archive.filters import ArticleSearchFilter, PersonFilter
from archive.models import (
    Article,
    Meeting,
    Participation,
    Person,
    PersonMonthCount,
    Position,
    ReviewStatus,
)
from archive.views.meetings import meetings_with_participants
from archive.views.mixins import ExportMixin, JsonDetailMixin, SectionMixin
from archive.visibility import SHOWN_ARTICLE, shown

ARTICLES_SHOWN = 20
QUOTES_SHOWN = 20
MEETINGS_SHOWN = 20
# Mentions of a person an article holds, at most, for most articles: full name, surname, title.
MENTIONS_AN_ARTICLE = 3
COUNTERPARTS_SHOWN = 10


def people_with_positions():
    return shown(Person.objects).prefetch_related(
        "aliases",
        Prefetch("positions", queryset=shown(Position.objects).select_related("organization")),
    )


class PersonListView(SectionMixin, ExportMixin, FilterView):
    filterset_class = PersonFilter
    template_name = "archive/person_list.html"
    paginate_by = 50
    strict = False
    section = "people"
    export_class = PersonExport
    export_name = "people"

    def get_queryset(self):
        return people_with_positions().order_by("name")

    def get_context_data(self, **kwargs):
        """The page's people, each with their current positions, `mention_count` and
        `meeting_count`: counted for the page alone (as annotations of the list, PostgreSQL
        counted them for every person an OFFSET skips, 250 people for page 5)."""
        context = super().get_context_data(**kwargs)
        today = datetime.date.today()
        people = list(context["object_list"])
        mentions = dict(
            PersonMonthCount.objects.filter(person_id__in=[person.pk for person in people])
            .order_by()
            .values("person_id")
            .annotate(n=Sum("mentions"))
            .values_list("person_id", "n")
        )
        meetings = _meeting_counts(people)
        for person in people:
            person.current_positions = [p for p in person.positions.all() if p.held_on(today)]
            person.mention_count = mentions.get(person.pk) or 0
            person.meeting_count = meetings[person.pk]
        context["people"] = people
        return context


class PersonDetailView(SectionMixin, JsonDetailMixin, DetailView):
    """Positions, meetings as a timeline with counterparts, quotes, articles, a chart."""

    queryset = people_with_positions()
    section = "people"
    export_class = PersonExport

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        counts = list(
            PersonMonthCount.objects.filter(person_id=person.pk, mentions__gt=0)
            .order_by(F("month").desc(nulls_last=True))
            .values_list("month", "mentions")
        )
        articles = shown(Article.objects.listing()).filter(person_ids__contains=[person.pk])
        articles = _newest(
            articles.order_by(*ArticleSearchFilter.ordering),
            ARTICLES_SHOWN,
            "published_date",
            _month_holding(counts, ARTICLES_SHOWN * MENTIONS_AN_ARTICLE),
        )
        participations = shown(Participation.objects).filter(person=person)
        meeting_ids = _shown_meeting_ids(participations)
        # The newest: for someone in many meetings, PostgreSQL walks meeting_newest and
        # looks each one up among the participations (index-only, 1.4 ms for a minister).
        meetings = list(
            meetings_with_participants()
            .filter(pk__in=participations.values("meeting"))
            .order_by(*Meeting.NEWEST_FIRST)[:MEETINGS_SHOWN]
        )
        quotes = (
            shown(person.quotes)
            .filter(SHOWN_ARTICLE)
            .select_related("article__outlet")
            .defer(
                *(
                    f"article__{name}"
                    for name in ("body", "raw_text", "raw_bytes", "names_text", "search_vector")
                )
            )
            .order_by(F("published_date").desc(nulls_last=True), "article_id", "start")
        )
        monthly = {month: n for month, n in counts if month}
        mention_count = sum(n for _, n in counts)
        search_url = reverse("archive:search")
        context.update(
            articles=articles,
            mention_count=mention_count,
            articles_shown=ARTICLES_SHOWN,
            articles_url=f"{search_url}?person={person.slug}",
            meetings=self._with_counterparts(meetings, person),
            meeting_count=len(meeting_ids),
            meetings_url=f"{reverse('archive:meeting-list')}?participant={person.slug}",
            counterparts=_counterparts(person, meeting_ids),
            quotes=list(quotes[:QUOTES_SHOWN]),  # an index range: quote_person_newest
            chart=monthly_chart(
                f"Articles naming {person.name}, per month",
                dict(sorted(monthly.items())),
                href=lambda month: (
                    f"{search_url}?person={person.slug}&date_from={month:%Y-%m-%d}"
                    f"&date_to={_month_end(month):%Y-%m-%d}"
                ),
            ),
        )
        return context

    @staticmethod
    def _with_counterparts(meetings, person):
        rows = []
        for meeting in meetings:
            participations = list(meeting.participations.all())
            own = next((p for p in participations if p.person_id == person.pk), None)
            position = person.position_on(meeting.date) if meeting.date else None
            rows.append(
                {
                    "meeting": meeting,
                    "role": (own and own.role_title) or (position.title if position else ""),
                    "counterparts": [p for p in participations if p.person_id != person.pk],
                }
            )
        return rows


def _meeting_counts(people):
    """{person pk: shown meetings they took part in}, for `people`: their shown
    participations (one a meeting) less those in rejected meetings, which are few. Both
    counts come from indexes (participation_person_meeting, then the rejected meetings');
    joining every participation to its meeting cost 37 ms for a page of 50 people."""

    def per_person(participations):
        rows = participations.values("person").annotate(n=Count("meeting"))
        return dict(rows.values_list("person", "n"))

    participations = shown(Participation.objects).filter(person__in=people).order_by()
    counts = Counter(per_person(participations))
    counts.subtract(per_person(participations.filter(meeting__review_status=ReviewStatus.REJECTED)))
    return counts


def _shown_meeting_ids(participations):
    """The ids of the shown meetings of these (shown) `participations`, as a frozenset:
    theirs (index-only) less the rejected meetings among them, which are few. (Reading a
    minister's 8,202 meetings, sorted, for the same took 13 to 22 ms.)"""
    ids = set(participations.values_list("meeting_id", flat=True))
    rejected = participations.filter(meeting__review_status=ReviewStatus.REJECTED)
    return frozenset(ids.difference(rejected.values_list("meeting_id", flat=True)))


def _counterparts(person, meeting_ids):
    """The COUNTERPARTS_SHOWN people most often at `meeting_ids` besides `person`, each
    with `meetings_together`: counted in the database (index-only over the
    participations), then only those who make the cut are read, ties included.
    (The ids go as a set: Django walks a list element by element before the lookup sees
    it, 3 ms for a minister's 6,000 meetings.)"""
    together = dict(
        shown(Participation.objects)
        .filter(meeting_id__any=frozenset(meeting_ids), person__in=shown(Person.objects))
        .exclude(person=person)
        .values_list("person_id")
        .annotate(meetings=Count("meeting"))  # one participation per person and meeting
        .order_by()
    )
    counts = sorted(together.values(), reverse=True)[:COUNTERPARTS_SHOWN]
    cut = [pk for pk, n in together.items() if counts and n >= counts[-1]]
    people = Person.objects.filter(pk__any=cut).only("name", "slug", "country")
    for other in people:
        other.meetings_together = together[other.pk]
    return sorted(people, key=lambda other: (-other.meetings_together, other.name, other.pk))[
        :COUNTERPARTS_SHOWN
    ]


def _month_holding(counts, mentions):
    """The newest month from which on the person has at least `mentions` mentions, by
    `counts` ([(month, mentions)], newest first, undated last); None if no such month."""
    seen = 0
    for month, n in counts:
        if month is None:
            return None
        seen += n
        if seen >= mentions:
            return month
    return None


def _newest(queryset, wanted, date_field, since):
    """The first `wanted` of `queryset` (newest first by `date_field`, undated last),
    looked for first from `since` on, so that a minister named in a tenth of a million
    articles does not cost a walk or a sort of them all."""
    if since:
        recent = list(queryset.filter(**{f"{date_field}__gte": since})[:wanted])
        if len(recent) == wanted:
            return recent
    return list(queryset[:wanted])


def _month_end(month):
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
