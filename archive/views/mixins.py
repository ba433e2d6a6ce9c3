"""What list and detail pages share: the navigation section, exports, JSON detail, pages
read by ids."""

from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest

from archive.exports import EXPORT_FORMATS
from archive.paging import RowsByPage


class PagedByIds:
    """A list whose pages are read as ids first, then their rows by primary key
    (RowsByPage): a deep page neither reads the rows an OFFSET skips nor computes their
    annotations (page 6 of 299 outlets with their counts: 67 -> 24 ms at a million
    articles; page 3,500 of 110,000 meetings: ids in 10 ms)."""

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(RowsByPage(queryset, self.known_count()), page_size)

    def known_count(self):
        """The number of rows, when known without counting them; None: count them."""
        return None


class SectionMixin:
    """Names the site section a page belongs to, so the main navigation can mark it."""

    section = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


def _unknown_format(allowed):
    return HttpResponseBadRequest(
        f"Unknown format; use {' or '.join(allowed)}.", content_type="text/plain; charset=utf-8"
    )


def _invalid(filterset):
    messages = [f"{name}: {error}" for name, errors in filterset.errors.items() for error in errors]
    return BadRequest("Invalid parameters. " + " ".join(messages))


class ExportMixin:
    """`?format=csv` or `?format=json` on a list exports every matching row.

    The export reads the same filters as the page. An export with invalid parameters is
    refused (400) rather than run without them: a file silently holding more than was
    asked for is worse than an error.
    """

    export_class = None
    export_name = None

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in EXPORT_FORMATS:
            return _unknown_format(EXPORT_FORMATS)
        try:
            queryset = self.get_export_queryset()
        except BadRequest as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return self.export_class(request).response(queryset, fmt, self.export_name)

    def get_export_queryset(self):
        """The full, unpaginated list; FilterViews build their FilterSet here."""
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            raise _invalid(filterset)
        return self.exported(filterset)

    def exported(self, filterset):
        """What an export of the valid `filterset` holds: its rows in the page's order."""
        return filterset.qs


class JsonDetailMixin:
    """`?format=json` on a detail page returns the record as JSON."""

    export_class = None

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt != "json":
            return _unknown_format(["json"])
        return self.export_class(request).single(self.get_object())


def raise_if_invalid(filterset):
    if filterset.is_bound and not filterset.is_valid():
        raise _invalid(filterset)
