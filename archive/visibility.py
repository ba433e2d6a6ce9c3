"""Public pages show every record except those a curator rejected.

Unreviewed machine-made records stay visible: they are most of the archive, and every page
says names, dates and meetings were extracted by machine. A curator's rejection hides a
record from lists, counts, facets, links, feeds and exports alike.
"""

from django.db.models import Q

from archive.models import ReviewStatus

SHOWN = ~Q(review_status=ReviewStatus.REJECTED)
# For conditions inside one filter() across a to-many path, where a negation would
# reach a different related row than the other conditions.
SHOWN_STATUSES = [status for status in ReviewStatus.values if status != ReviewStatus.REJECTED]
SHOWN_ARTICLE = ~Q(article__review_status=ReviewStatus.REJECTED)
SHOWN_MEETING = ~Q(meeting__review_status=ReviewStatus.REJECTED)


def shown(queryset):
    return queryset.filter(SHOWN)
