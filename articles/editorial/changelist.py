"""The article changelist at archive scale: cheap counts, filters that need no query."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Length
from django.utils.functional import cached_property

from articles.editorial.forms import DESCRIPTION_MAX
from articles.models import MISSING_ALT_TEXT, Status
from articles.public.search import RANKED

ESTIMATE_ABOVE = 10_000
# Uploaded header images whose renditions could not be made (see articles.images.renditions).
RENDITIONS_FAILED = Q(image_renditions__has_key="error") & ~Q(image="")


class EstimatedCountPaginator(Paginator):
    """A paginator that does not count the whole table on every request.

    On PostgreSQL an unfiltered list of a large table trusts the planner's row estimate (kept
    by autovacuum); filtered lists count exactly, through the indexes their filters use. SQLite,
    the one-machine default, has no estimate and counts its smallest index.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        if not queryset.query.where:
            estimate = table_estimate(queryset.db, queryset.model._meta.db_table)
            if estimate >= ESTIMATE_ABOVE:
                return estimate
        return queryset.count()


def table_estimate(alias, table):
    """The planner's idea of how many rows `table` has (PostgreSQL), else -1."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]
        )
        row = cursor.fetchone()
    return row[0] if row else -1


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # Bodies are the bulk of each row and the list never shows them.
        queryset = super().get_queryset(request, exclude_parameters).defer("body")
        # A search lists the best matches first, as the site's search does, unless a column
        # header asks for another order.
        if "search_rank" in queryset.query.annotations and ORDER_VAR not in self.params:
            queryset = queryset.order_by(*RANKED)
        return queryset


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        filters = {
            "live": queryset.published,
            "scheduled": queryset.scheduled,
            "draft": lambda: queryset.filter(status=Status.DRAFT),
        }
        return filters[self.value()]() if self.value() in filters else queryset


class MonthFilter(admin.SimpleListFilter):
    """The UTC months the archive spans, newest first, from two index lookups (no scan)."""

    title = "month"
    parameter_name = "month"
    max_months = 120

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(first=Min("date"), last=Max("date"))
        if span["first"] is None:
            return []
        first, last = (span[key].astimezone(dt.UTC) for key in ("first", "last"))
        year, month = last.year, last.month
        choices = []
        while (year, month) >= (first.year, first.month) and len(choices) < self.max_months:
            choices.append((f"{year:04d}{month:02d}", dt.date(year, month, 1).strftime("%B %Y")))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return choices

    def queryset(self, request, queryset):
        value = self.value() or ""
        if len(value) != 6 or not value.isdigit() or not 1 <= int(value[4:]) <= 12:
            return queryset
        return queryset.in_month(dt.date(int(value[:4]), int(value[4:]), 1))


ATTENTION = {
    "no_summary": ("No summary", Q(summary="")),
    "long_description": (
        f"Description over {DESCRIPTION_MAX} characters",
        Q(description_length__gt=DESCRIPTION_MAX),
    ),
    "missing_alt": ("Image without alt text", MISSING_ALT_TEXT),
    "enclosure_failed": ("Image fetch failed", ~Q(enclosure_error="")),
    # The site shows the full-size upload meanwhile; saving or `retry_renditions` tries again.
    "renditions_failed": ("Image renditions failed", RENDITIONS_FAILED),
}


def with_lengths(queryset):
    return queryset.alias(description_length=Length("description"))


def attention_counts(queryset):
    """How many articles of `queryset` need each kind of attention, in one query."""
    return with_lengths(queryset).aggregate(
        **{key: Count("pk", filter=condition) for key, (_, condition) in ATTENTION.items()}
    )


class AttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in ATTENTION.items()]

    def queryset(self, request, queryset):
        if self.value() in ATTENTION:
            return with_lengths(queryset).filter(ATTENTION[self.value()][1])
        return queryset
