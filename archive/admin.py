"""The curators' admin: every archive model, the review queue, merges, splits and uploads.

Custom pages (linked from the admin index, templates/admin/index.html):
  /admin/archive/article/review-queue/   what needs a human, by kind, oldest first
  /admin/archive/article/upload/         import files through archive.ingest.store.Importer
  /admin/archive/meeting/<id>/split/     move some of a meeting's reports to a new meeting

A curator's edit is remembered in the record's `curated_fields` and confirms the record
(see archive/curation.py), so re-extraction and re-import leave it as the curator left it.
Merges, splits, uploads and bulk confirmations are written to the admin log, next to
ordinary edits, and show in each object's history.

Queries: inline rows show their relations as read-only links from select_related querysets,
so a change page costs a fixed number of queries however many mentions, quotes, reports or
participants it lists (an autocomplete widget costs a query per row). New reports and
participants are picked with autocomplete in a one-row "add" inline; a relation of an
existing row is changed on that row's own page. Positions keep an autocomplete per row: a
person holds few.
"""

import datetime
import re
import shutil
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Max, Min, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import get_valid_filename

from archive import curation
from archive.filters import article_languages
from archive.ingest.store import FAILED, IMPORTED, NEEDS_REVIEW, UPDATED, Importer
from archive.models import (
    Article,
    ArticleMonthCount,
    ArticleSource,
    DatePrecision,
    Meeting,
    MeetingReport,
    Mention,
    Organization,
    OrganizationAlias,
    Outlet,
    Participation,
    Person,
    PersonAlias,
    Position,
    Quote,
    Reviewed,
    ReviewStatus,
)
from archive.search import LISTING_DEFERRED, QuerySyntaxError

ARTICLE_TEXT = ("article__body", "article__raw_text", "article__raw_bytes", "article__names_text")
MAX_UPLOAD_FILES = 100
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # a JSON Lines file may hold many 2 MiB documents


def admin_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def admin_link(record, text=None):
    """A link to `record`'s change page; the text is escaped by format_html."""
    if record is None:
        return "—"
    return format_html('<a href="{}">{}</a>', admin_url(record), text or str(record))


def meeting_label(meeting):
    """Date and participants; expects participants prefetched."""
    names = ", ".join(p.name for p in meeting.participants.all())
    return f"{meeting.date or 'undated'}: {names or 'no participants'}"


def edited_fields(form):
    """The fields a curator really changed: form.changed_data without a browser's noise.

    Browsers send a textarea's line ends as CRLF and forms strip edge whitespace, so an
    untouched body would count as changed (and become curated) on every save. Text that
    differs only so keeps its stored value; edited text is stored with LF line ends.
    """
    edited = []
    for name in form.changed_data:
        before, after = form.initial.get(name), form.cleaned_data.get(name)
        if isinstance(after, str) and isinstance(before, str):
            after = after.replace("\r\n", "\n")
            if after.strip() == before.replace("\r\n", "\n").strip():
                setattr(form.instance, name, before)
                continue
            setattr(form.instance, name, after)
        edited.append(name)
    return edited


# Shared behaviour.


def _named(term):
    """People or organizations with a name or an alias that holds `term`, any case."""
    return Q(name__icontains=term) | Q(aliases__name__icontains=term)


def _ids_named(model, term):
    """The ids of the people or organizations `_named(term)` selects, as a set: a few,
    looked up first, so that the rows that refer to them are found through their indexes."""
    return set(model.objects.filter(_named(term)).values_list("pk", flat=True))


def _meetings_attended(term):
    """The ids of the meetings attended by someone one of whose names holds `term`."""
    attended = Participation.objects.filter(person_id__in=_ids_named(Person, term))
    return attended.values("meeting_id")


class IndexedSearch:
    """An admin whose search box filters by `search_condition(request, term)`, a Q that the
    list's indexes answer, instead of Django's LIKE '%term%' over every row and its joins
    (seconds to tens of seconds a list at a million articles). `search_fields` only makes
    Django show the box."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(self.search_condition(request, term)), False


class CurationAdmin(admin.ModelAdmin):
    """Base for every archive admin: corrections stick.

    Saving a form with changes (the record's own, or an inline row's) lists the changed
    fields in the record's curated_fields and confirms it unless the curator chose its
    review status (curation.record_correction).
    """

    list_per_page = 50
    # A filtered list would count the whole table again for "N total" (a million
    # articles, five million mentions).
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Reviewed):
            curation.record_correction(
                obj, [*edited_fields(form), *getattr(form, "implied_changes", ())]
            )
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for row in formset.forms:
            record = row.instance
            if (
                isinstance(record, Reviewed)
                and row.has_changed()
                and row not in formset.deleted_forms
            ):
                curation.record_correction(record, edited_fields(row))
        for record in formset.deleted_objects:
            record.delete()
        for record in instances:
            record.save()
            if isinstance(record, MeetingReport):
                curation.keep_report(record)
        formset.save_m2m()
        if formset.model is Mention:  # the names an article is found by follow its mentions
            articles = {m.article_id for m in [*instances, *formset.deleted_objects]}
            curation.refresh_mentioned(Article.objects.filter(pk__in=articles))
        if formset.model is PersonAlias and (instances or formset.deleted_objects):
            curation.refresh_names_of([form.instance.pk])


class RefreshedOnDelete:
    """For admins whose records feed something kept elsewhere: `affected(rows)` names what
    the rows feed, `refresh(keys)` brings it up to date after a deletion."""

    def delete_model(self, request, obj):
        keys = self.affected(type(obj).objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        self.refresh(keys)

    def delete_queryset(self, request, queryset):
        keys = self.affected(queryset)
        super().delete_queryset(request, queryset)
        self.refresh(keys)


class RefreshedOnChange(RefreshedOnDelete):
    """RefreshedOnDelete, and after a save too (for what the record fed before the change
    and after it)."""

    def save_model(self, request, obj, form, change):
        before = self.affected(type(obj).objects.filter(pk=obj.pk)) if obj.pk else set()
        super().save_model(request, obj, form, change)
        self.refresh(before | self.affected(type(obj).objects.filter(pk=obj.pk)))


class ReviewedAdmin(CurationAdmin):
    """For the models with a review status: confirm or reject in bulk, from the list."""

    actions = ["confirm_selected", "reject_selected"]

    def get_readonly_fields(self, request, obj=None):
        # The machine's reasons, written by ingest: comma-joined in a text box, they would
        # be split apart on save. A confirmation clears them.
        return [
            *super().get_readonly_fields(request, obj),
            "review_reasons",
            "created_at",
            "updated_at",
        ]

    @admin.action(
        description="Confirm the selected %(verbose_name_plural)s", permissions=["change"]
    )
    def confirm_selected(self, request, queryset):
        self._review(request, queryset, ReviewStatus.CONFIRMED)

    @admin.action(description="Reject the selected %(verbose_name_plural)s", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, ReviewStatus.REJECTED)

    def _review(self, request, queryset, status):
        with transaction.atomic():
            count = curation.set_review_status(queryset, status)
            LogEntry.objects.log_actions(
                request.user.pk, queryset, CHANGE, f"Review status set to {status}."
            )
        self.message_user(
            request,
            f"{count} {self.opts.verbose_name_plural if count != 1 else self.opts.verbose_name} "
            f"marked {ReviewStatus(status).label}.",
            messages.SUCCESS,
        )


class MergeMixin:
    """An action merging two or more selected records, after the curator picks the survivor."""

    merge_template = "admin/archive/merge_confirmation.html"

    @admin.action(
        description="Merge the selected %(verbose_name_plural)s", permissions=["change", "delete"]
    )
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("pk"))
        if len(records) < 2:
            self.message_user(
                request,
                f"Select two or more {self.opts.verbose_name_plural} to merge.",
                messages.WARNING,
            )
            return None
        if request.POST.get("post") == "yes":
            chosen = request.POST.get("survivor", "")
            survivor = next((r for r in records if str(r.pk) == chosen), None)
            if survivor is not None:
                losers = [r for r in records if r.pk != survivor.pk]
                names = ", ".join(f"“{loser}” (#{loser.pk})" for loser in losers)
                with transaction.atomic():
                    self.log_deletions(request, losers)
                    moved = curation.merge(survivor, losers)
                    summary = ", ".join(f"{n} {label}" for label, n in moved.items() if n)
                    self.log_change(
                        request,
                        survivor,
                        f"Merged {names} into this record; moved {summary or 'nothing'}.",
                    )
                self.message_user(
                    request,
                    format_html("Merged {} into {}.", names, admin_link(survivor)),
                    messages.SUCCESS,
                )
                return None
            self.message_user(request, "Choose the record to keep.", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "records": [(r, curation.merge_counts(r)) for r in records],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "merge_selected",
            "merges_to_alias": self.model is not Meeting,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.merge_template, context)


# Inlines.


class ReadOnlyRelationInline(admin.TabularInline):
    """Rows the extractor made: review them here, edit them on their own page."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class MentionInline(ReadOnlyRelationInline):
    model = Mention
    fields = ("text", "entity", "start", "end", "role_title", "review_status")
    readonly_fields = ("text", "entity", "start", "end")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")

    @admin.display(description="person or organization")
    def entity(self, mention):
        return admin_link(mention.person or mention.organization)


class QuoteInline(ReadOnlyRelationInline):
    model = Quote
    fields = ("text", "speaker", "role_title", "review_status")
    readonly_fields = ("text", "speaker")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    @admin.display(description="person")
    def speaker(self, quote):
        return admin_link(quote.person)


class AddOnlyInline(admin.TabularInline):
    """One blank row to add a record with autocomplete widgets; existing rows are listed by
    a read-only inline, so their relations cost no query per row."""

    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False


class ArticleMeetingReportInline(ReadOnlyRelationInline):
    model = MeetingReport
    fields = ("reported_meeting", "evidence", "extractor")
    readonly_fields = fields
    verbose_name = "meeting reported"
    verbose_name_plural = "meetings reported"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("meeting__participants")

    @admin.display(description="meeting")
    def reported_meeting(self, report):
        return admin_link(report.meeting, meeting_label(report.meeting))


class AddMeetingReportInline(AddOnlyInline):
    """A report added here also confirms its meeting (curation.keep_report)."""

    model = MeetingReport
    fields = ("meeting", "evidence")
    autocomplete_fields = ("meeting",)
    verbose_name = "report of another meeting"
    verbose_name_plural = "add a meeting this article reports"


class ArticleSourceInline(ReadOnlyRelationInline):
    model = ArticleSource
    fields = ("source_outlet", "url", "published_date", "source_path", "received_at")
    readonly_fields = fields
    verbose_name = "other copy"
    verbose_name_plural = "other copies (re-deliveries and reprints)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet").defer("raw_text")

    @admin.display(description="outlet")
    def source_outlet(self, source):
        return admin_link(source.outlet)


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 1


class PositionInline(admin.TabularInline):
    model = Position
    fields = (
        "title",
        "role",
        "organization",
        "start_date",
        "end_date",
        "dates_approximate",
        "review_status",
    )
    autocomplete_fields = ("organization",)
    extra = 0


class OrganizationAliasInline(admin.TabularInline):
    model = OrganizationAlias
    extra = 1


class ParticipationInline(ReadOnlyRelationInline):
    model = Participation
    fields = ("participant", "role_title", "organization_link", "evidence", "review_status")
    readonly_fields = ("participant", "organization_link")
    verbose_name = "participant"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")

    @admin.display(description="person")
    def participant(self, participation):
        return admin_link(participation.person)

    @admin.display(description="organization")
    def organization_link(self, participation):
        return admin_link(participation.organization)


class AddParticipationInline(AddOnlyInline):
    model = Participation
    fields = ("person", "role_title", "organization")
    autocomplete_fields = ("person", "organization")
    verbose_name = "participant"
    verbose_name_plural = "add a participant"


class MeetingReportInline(ReadOnlyRelationInline):
    """A meeting's reports; to add one, open the article and add the meeting there."""

    model = MeetingReport
    fields = ("reporting_article", "published", "evidence", "extractor")
    readonly_fields = fields
    verbose_name = "report"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "article__outlet")
            .defer(*ARTICLE_TEXT)
        )

    @admin.display(description="article")
    def reporting_article(self, report):
        return admin_link(report.article)

    @admin.display(description="published")
    def published(self, report):
        article = report.article
        outlet = article.outlet.name if article.outlet else "unknown outlet"
        return f"{article.published_date or 'undated'}, {outlet}"


# Outlets, organizations, people.


@admin.register(Outlet)
class OutletAdmin(MergeMixin, RefreshedOnDelete, ReviewedAdmin):
    list_display = ("name", "kind", "country", "domain_list", "article_count", "review_status")
    list_filter = ("review_status", "kind", "country")
    search_fields = ("name", "slug")
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ("name",)}
    actions = [*ReviewedAdmin.actions, "merge_selected"]

    def get_queryset(self, request):
        """With each outlet's shown articles, from the counts the database keeps (counting
        the articles themselves joined a million rows to 299 outlets: 0.4 s a statement).
        Named again, Meta.ordering serves autocomplete's pagination."""
        shown_articles = ArticleMonthCount.objects.of_each_outlet()
        return super().get_queryset(request).annotate(article_count=shown_articles).order_by("name")

    # A deleted outlet's articles no longer share it (curation.suspected_duplicates).
    def affected(self, rows):
        articles = Article.objects.filter(outlet__in=rows.order_by().values("pk"))
        return set(articles.values_list("title", flat=True))

    def refresh(self, titles):
        curation.reflag_titles(titles)

    @admin.display(description="domains")
    def domain_list(self, outlet):
        return ", ".join(outlet.domains)

    @admin.display(description="articles shown", ordering="article_count")
    def article_count(self, outlet):
        return outlet.article_count


@admin.register(Organization)
class OrganizationAdmin(MergeMixin, ReviewedAdmin):
    list_display = ("name", "kind", "country", "review_status", "created_at")
    list_filter = ("review_status", "kind", "country")
    search_fields = ("name", "slug", "aliases__name")
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OrganizationAliasInline]
    actions = [*ReviewedAdmin.actions, "merge_selected"]


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(CurationAdmin):
    list_display = ("name", "organization")
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(Person)
class PersonAdmin(MergeMixin, ReviewedAdmin):
    list_display = ("name", "country", "review_status", "created_at")
    list_filter = ("review_status", "country")
    search_fields = ("name", "slug", "aliases__name")
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PersonAliasInline, PositionInline]
    actions = [*ReviewedAdmin.actions, "merge_selected"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            curation.refresh_names_of([obj.pk])


@admin.register(PersonAlias)
class PersonAliasAdmin(RefreshedOnChange, CurationAdmin):
    """An alias added, changed or deleted here changes what finds the person's articles."""

    list_display = ("name", "person")
    list_select_related = ("person",)
    search_fields = ("name", "person__name")
    autocomplete_fields = ("person",)

    def affected(self, rows):
        return set(rows.values_list("person_id", flat=True))

    def refresh(self, people):
        curation.refresh_names_of(people)


@admin.register(Position)
class PositionAdmin(ReviewedAdmin):
    list_display = (
        "person",
        "title",
        "role",
        "organization",
        "start_date",
        "end_date",
        "review_status",
    )
    list_select_related = ("person", "organization")
    list_filter = ("review_status", "role", "dates_approximate")
    search_fields = ("title", "person__name", "organization__name")
    date_hierarchy = "start_date"
    autocomplete_fields = ("person", "organization")


# Articles.


class ArticleAdminForm(forms.ModelForm):
    """A curator's date is exact and the curator's, unless they say otherwise.

    No Meta: ModelAdmin builds the form's fields from the fieldsets.
    """

    def clean(self):
        data = super().clean()
        self.implied_changes = []
        if "published_date" not in self.changed_data:
            return data
        if data.get("published_date") is None:
            implied = {
                "date_precision": DatePrecision.UNKNOWN,
                "date_confidence": Article.DateConfidence.UNKNOWN,
                "date_source": Article.DateSource.NONE,
            }
        else:
            implied = {
                "date_confidence": Article.DateConfidence.EXACT,
                "date_source": Article.DateSource.CURATOR,
            }
            if data.get("date_precision") in (None, "", DatePrecision.UNKNOWN):
                implied["date_precision"] = DatePrecision.DAY
        for name, value in implied.items():
            if name not in self.changed_data:
                data[name] = value
                self.implied_changes.append(name)
        return data


URL = re.compile(r"https?://\S+", re.IGNORECASE)
HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)


class PublishedYearFilter(admin.SimpleListFilter):
    """Years from the first publication date to the last, or undated, read from the date
    index: the date hierarchy it replaces read every article's date for its years (155 ms
    at a million articles, 6 s under a search)."""

    title = "year published"
    parameter_name = "published_year"
    UNDATED = "undated"

    def lookups(self, request, model_admin):
        span = Article.objects.aggregate(first=Min("published_date"), last=Max("published_date"))
        years = []
        if span["first"] is not None:
            years = [str(y) for y in range(span["last"].year, span["first"].year - 1, -1)]
        return [*((year, year) for year in years), (self.UNDATED, "Undated")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.UNDATED:
            return queryset.filter(published_date__isnull=True)
        if not (value.isdigit() and datetime.MINYEAR <= int(value) < datetime.MAXYEAR):
            raise IncorrectLookupParameters(f"Not a year: {value}")
        start = datetime.date(int(value), 1, 1)
        return queryset.filter(
            published_date__gte=start, published_date__lt=start.replace(year=start.year + 1)
        )


class ArticleLanguageFilter(admin.SimpleListFilter):
    """The languages of the shown articles, from the counts the database keeps (cached a
    minute, archive.filters.article_languages), and unknown. Django's own filter read
    every article's language for its choices on every list (100 to 140 ms at a million
    articles); a language only rejected articles have is not offered but still filters."""

    title = "language"
    parameter_name = "language"
    UNKNOWN = "unknown"

    def lookups(self, request, model_admin):
        return [*article_languages(), (self.UNKNOWN, "Unknown")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(language="" if value == self.UNKNOWN else value)


class OutletsWithArticlesFilter(admin.RelatedFieldListFilter):
    """The outlets that have shown articles, from the counts the database keeps. Django's
    related-only filter read every article's outlet for its choices on every list (80 to
    120 ms at a million articles); an outlet whose every article is rejected is not
    offered but still filters."""

    def field_choices(self, field, request, model_admin):
        counted = ArticleMonthCount.objects.kept().values("outlet_id")
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": counted},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class ArticleChangeList(ChangeList):
    """The list shows no bodies: defer the text columns, as the public lists do."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*LISTING_DEFERRED)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadedFilesField(forms.Field):
    """Every uploaded file, empty ones included: the importer reports those per file."""

    widget = MultipleFileInput

    def clean(self, value):
        files = [f for f in (value if isinstance(value, list | tuple) else [value]) if f]
        if not files:
            raise forms.ValidationError("Choose one or more files.")
        if len(files) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_FILES} files at a time.")
        return files


class UploadForm(forms.Form):
    files = UploadedFilesField(
        help_text=(
            "Text dumps (.txt), HTML pages (.html), JSON records (.json) or JSON Lines "
            "(.jsonl). Each document is imported on its own: a bad file is reported and "
            "the others still import."
        ),
    )


@admin.register(Article)
class ArticleAdmin(IndexedSearch, RefreshedOnChange, ReviewedAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "outlet",
        "published_date",
        "date_confidence",
        "language",
        "review_status",
    )
    list_select_related = ("outlet",)
    list_filter = (
        "review_status",
        "date_confidence",
        "date_precision",
        ArticleLanguageFilter,
        ("outlet", OutletsWithArticlesFilter),
        PublishedYearFilter,
    )
    search_fields = ("title",)  # see get_search_results
    autocomplete_fields = ("outlet",)
    readonly_fields = (
        "content_hash",
        "raw_encoding",
        "source_path",
        "source_format",
        "as_received",
        "names_text",
    )
    fieldsets = (
        (None, {"fields": ("title", "url", "outlet", "language", "lead", "body")}),
        (
            "Date",
            {
                "fields": (
                    ("published_date", "date_precision", "date_confidence", "date_source"),
                    "date_evidence",
                    ("dateline", "dateline_place"),
                )
            },
        ),
        ("Review", {"fields": ("review_status", "review_reasons", "curated_fields")}),
        (
            "As received",
            {
                "classes": ("collapse",),
                "fields": (
                    ("source_path", "source_format", "raw_encoding"),
                    "content_hash",
                    "names_text",
                    "as_received",
                    ("created_at", "updated_at"),
                ),
            },
        ),
    )
    inlines = [
        MentionInline,
        QuoteInline,
        ArticleMeetingReportInline,
        AddMeetingReportInline,
        ArticleSourceInline,
    ]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    # A title, an outlet, a date or a review status can make or break a likeness with the
    # articles of the old title or of the new (curation.suspected_duplicates).
    def affected(self, rows):
        return set(rows.values_list("title", flat=True))

    def refresh(self, titles):
        curation.reflag_titles(titles)

    def search_condition(self, request, term):
        """An id, a URL, an outlet's web site (tass.com), or else the site's full-text
        search (title, lead, body and names). Django's default, title and URL LIKE
        '%term%', read every article (4 to 7 s a statement at a million articles, four
        statements a list)."""
        if URL.fullmatch(term):
            return Q(url=term)
        if HOST.fullmatch(term):
            host = term.lower().removeprefix("www.")
            # The outlets first: PostgreSQL plans a list of known ids with the outlet's
            # own article count, where a subquery got an average outlet's and sorted
            # all of TASS's articles for a page (340 ms at a million articles).
            sites = Outlet.objects.filter(domains__overlap=[host, f"www.{host}"])
            return Q(outlet__in=list(sites.values_list("pk", flat=True)))
        try:
            matching = Q(pk__in=Article.objects.matching(term).values("pk"))
        except QuerySyntaxError as error:
            self.message_user(request, str(error), messages.WARNING)
            return Q(pk__in=[])
        if term.isdigit():
            matching |= Q(pk=int(term))
        return matching

    @admin.display(description="raw document")
    def as_received(self, article):
        """A link, not the text: a raw document may be megabytes long."""
        if article.pk is None:
            return "—"
        url = reverse("archive:article-raw", args=[article.pk])
        return format_html('<a href="{}">the document as received</a>', url)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("review-queue/", wrap(self.review_queue_view), name="archive_review_queue"),
            path("upload/", wrap(self.upload_view), name="archive_article_upload"),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        sections = curation.review_queue()
        for section in sections:
            opts = section.model._meta
            section.changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            for item in section.items:
                item.url = admin_url(item.record)
                item.label = (
                    meeting_label(item.record)
                    if isinstance(item.record, Meeting)
                    else str(item.record)
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Review queue",
            "opts": self.opts,
            "sections": sections,
            "total": sum(section.count for section in sections),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/archive/review_queue.html", context)

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        results = None
        posted = request.method == "POST"
        form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
        if posted and form.is_valid():
            results = self._import_uploads(request, form.cleaned_data["files"])
            failed = sum(1 for row in results if row["status"] == FAILED)
            self.message_user(
                request,
                f"{len(results)} documents read, {failed} failed.",
                messages.WARNING if failed else messages.SUCCESS,
            )
            form = UploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Import files",
            "opts": self.opts,
            "form": form,
            "results": results,
            "max_files": MAX_UPLOAD_FILES,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/archive/upload.html", context)

    def _import_uploads(self, request, files):
        """Write each upload to its own folder in a temporary directory and import them all.

        Returns one row per document: file (its uploaded name, with #N for a line of a JSON
        Lines file), status, message and the article, if any.
        """
        folder = Path(tempfile.mkdtemp(prefix="archive-upload-"))
        try:
            paths, names, rows = [], {}, []
            for n, upload in enumerate(files, start=1):
                name = Path(upload.name or "").name
                if upload.size > MAX_UPLOAD_BYTES:
                    rows.append(
                        {
                            "file": name,
                            "status": FAILED,
                            "message": f"larger than {MAX_UPLOAD_BYTES // 2**20} MiB",
                            "article": None,
                        }
                    )
                    continue
                target = folder / f"{n:03d}" / (get_valid_filename(name) if name else "upload")
                target.parent.mkdir()
                with open(target, "wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                paths.append(str(target))
                names[str(target)] = name
            for result in Importer().import_paths(paths):
                path_part, _, line = result.source.partition("#")
                name = names.get(path_part, result.source)
                rows.append(
                    {
                        "file": f"{name}#{line}" if line else name,
                        "status": result.status,
                        "message": result.message.replace(path_part, name),
                        "article": result.article,
                    }
                )
                self._log_import(request, result, name)
            return rows
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _log_import(self, request, result, name):
        if result.article is None:
            return
        if result.status in (IMPORTED, NEEDS_REVIEW):
            self.log_addition(request, result.article, f"Imported from the upload “{name}”.")
        elif result.status == UPDATED:
            self.log_change(request, result.article, f"New text from the upload “{name}”.")


@admin.register(ArticleSource)
class ArticleSourceAdmin(CurationAdmin):
    list_display = ("article", "outlet", "url", "published_date", "received_at")
    list_filter = (("outlet", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("url", "source_path", "article__title")
    date_hierarchy = "received_at"
    autocomplete_fields = ("article", "outlet")
    readonly_fields = ("raw_hash", "received_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "outlet")
            .defer("raw_text", *ARTICLE_TEXT)
        )


# Meetings.


class SplitForm(forms.Form):
    reports = forms.ModelMultipleChoiceField(
        queryset=MeetingReport.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="These reports move to a new meeting; the others stay.",
    )

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["reports"].queryset = (
            meeting.reports.select_related("article", "article__outlet")
            .defer(*ARTICLE_TEXT)
            .order_by("article__published_date", "pk")
        )
        self.fields["reports"].label_from_instance = self.report_label

    @staticmethod
    def report_label(report):
        article = report.article
        outlet = article.outlet.name if article.outlet else "unknown outlet"
        return f"{article.published_date or 'undated'}, {outlet}: {article.title}"

    def clean_reports(self):
        reports = self.cleaned_data["reports"]
        if len(reports) >= len(self.fields["reports"].queryset):
            raise forms.ValidationError("Leave at least one report with this meeting.")
        return reports


@admin.register(Meeting)
class MeetingAdmin(IndexedSearch, MergeMixin, ReviewedAdmin):
    list_display = (
        "label",
        "date",
        "place",
        "kind",
        "format",
        "status",
        "confidence",
        "review_status",
    )
    list_filter = ("review_status", "status", "kind", "format", "date_precision")
    search_fields = ("place",)  # see get_search_results
    date_hierarchy = "date"
    inlines = [ParticipationInline, AddParticipationInline, MeetingReportInline]
    actions = [*ReviewedAdmin.actions, "merge_selected", "split_selected"]

    def get_queryset(self, request):
        # __str__ names the participants: prefetch them for lists and autocomplete.
        return super().get_queryset(request).prefetch_related("participants")

    def search_condition(self, request, term):
        """Meetings held at a place or summed up in words that hold the term, or with a
        participant one of whose names holds it (aliases too). Django's default joined
        every participation and person and then needed DISTINCT: 0.9 s for a page of
        110,000 meetings."""
        attended = Q(pk__in=_meetings_attended(term))
        return Q(place__icontains=term) | Q(summary__icontains=term) | attended

    @admin.display(description="meeting", ordering="date")
    def label(self, meeting):
        return meeting_label(meeting)

    def get_urls(self):
        return [
            path(
                "<int:pk>/split/",
                self.admin_site.admin_view(self.split_view),
                name="archive_meeting_split",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Split the selected meeting", permissions=["add", "change"])
    def split_selected(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(request, "Select exactly one meeting to split.", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:archive_meeting_split", args=[queryset[0].pk]))

    def split_view(self, request, pk):
        meeting = get_object_or_404(self.get_queryset(request), pk=pk)
        if not (self.has_change_permission(request, meeting) and self.has_add_permission(request)):
            raise PermissionDenied
        posted = request.method == "POST"
        form = SplitForm(meeting, request.POST) if posted else SplitForm(meeting)
        if posted and form.is_valid():
            reports = list(form.cleaned_data["reports"])
            with transaction.atomic():
                new = curation.split_meeting(meeting, reports)
                moved = ", ".join(f"article {r.article_id}" for r in reports)
                self.log_addition(request, new, f"Split from meeting {meeting.pk}: {moved}.")
                self.log_change(request, meeting, f"Split off meeting {new.pk}: {moved}.")
            self.message_user(
                request,
                format_html(
                    "Moved {} reports to the new meeting {}.", len(reports), admin_link(new)
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(admin_url(new))
        context = {
            **self.admin_site.each_context(request),
            "title": "Split meeting",
            "opts": self.opts,
            "original": meeting,
            "meeting_label": meeting_label(meeting),
            "participants": meeting.participants.all(),
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/archive/split_meeting.html", context)


@admin.register(Participation)
class ParticipationAdmin(ReviewedAdmin):
    list_display = ("person", "meeting_date", "role_title", "organization", "review_status")
    list_select_related = ("person", "meeting", "organization")
    list_filter = ("review_status",)
    search_fields = ("person__name", "role_title", "meeting__place")
    date_hierarchy = "meeting__date"
    autocomplete_fields = ("meeting", "person", "organization")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("meeting__participants")

    @admin.display(description="meeting", ordering="meeting__date")
    def meeting_date(self, participation):
        return admin_link(participation.meeting, meeting_label(participation.meeting))


@admin.register(MeetingReport)
class MeetingReportAdmin(IndexedSearch, CurationAdmin):
    list_display = ("article", "meeting_link", "extractor")
    search_fields = ("evidence",)  # see get_search_results
    autocomplete_fields = ("meeting", "article")

    def search_condition(self, request, term):
        """Reports whose evidence holds the term, or of meetings attended by someone one
        of whose names holds it. Django's default also matched every report's article
        title, joining a million articles (5.6 s)."""
        return Q(evidence__icontains=term) | Q(meeting__in=_meetings_attended(term))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "meeting")
            .defer(*ARTICLE_TEXT)
            .prefetch_related("meeting__participants")
        )

    @admin.display(description="meeting")
    def meeting_link(self, report):
        return admin_link(report.meeting, meeting_label(report.meeting))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        curation.keep_report(obj)


# Mentions and quotes.


class RecentExtractorFilter(admin.SimpleListFilter):
    """The extractors of the newest mentions (RECENT of them, from the primary key's index),
    and the one chosen: listing every extractor read all five million mentions of a
    million-article archive (0.7 s a page)."""

    title = "extractor"
    parameter_name = "extractor"
    RECENT = 10_000

    def lookups(self, request, model_admin):
        newest = Mention.objects.order_by("-pk").values_list("extractor", flat=True)
        names = set(newest[: self.RECENT])
        if self.value() is not None:
            names.add(self.value())
        return [(name, name or "(none)") for name in sorted(names)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(extractor=self.value())


@admin.register(Mention)
class MentionAdmin(IndexedSearch, ReviewedAdmin):
    list_display = ("text", "person", "organization", "article", "role_title", "review_status")
    list_filter = ("review_status", RecentExtractorFilter)
    search_fields = ("person__name",)  # see get_search_results
    autocomplete_fields = ("article", "person", "organization")

    def search_condition(self, request, term):
        """The mentions of the people and organizations a name or alias of which holds the
        term, through the mentions' indexes: Django's default (LIKE '%term%' on every
        mention's text and its article's title) read five million mentions, 24 s."""
        people, organizations = _ids_named(Person, term), _ids_named(Organization, term)
        return Q(person_id__in=people) | Q(organization_id__in=organizations)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "person", "organization")
            .defer(*ARTICLE_TEXT)
        )


@admin.register(Quote)
class QuoteAdmin(IndexedSearch, ReviewedAdmin):
    list_display = ("short_text", "person", "article", "review_status")
    list_filter = ("review_status",)
    search_fields = ("text",)  # see get_search_results
    autocomplete_fields = ("article", "person")

    def search_condition(self, request, term):
        """Quotes that hold the term, or by someone one of whose names holds it. Django's
        default also matched every quote's article title, joining a million articles
        (10 s)."""
        return Q(text__icontains=term) | Q(person_id__in=_ids_named(Person, term))

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("article", "person").defer(*ARTICLE_TEXT)
        )

    @admin.display(description="quote")
    def short_text(self, quote):
        return quote.text if len(quote.text) <= 120 else quote.text[:119] + "…"
