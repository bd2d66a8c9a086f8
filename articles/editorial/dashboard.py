"""The admin index's dashboard: what needs an editor's attention, and what the imports brought."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.editorial.changelist import ATTENTION, attention_counts
from articles.models import Article, ImportRun, Revision

DAYS = 30
CACHE_SECONDS = 60
PALETTE = ("#2f6f9f", "#e07b39", "#3a9a5b", "#b8446f", "#7a5cb8", "#8c7a2a")
TOP_SOURCES = len(PALETTE)
OTHER_COLOR = "#9a9a9a"
NO_SOURCE = "No source"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart, laid out for an inline SVG (no script, no external file)."""

    width: int
    height: int
    plot_top: int
    plot_bottom: int
    left: int
    bars: tuple
    legend: tuple  # (name, colour, total)
    labels: tuple  # (x, text) under the bars
    peak: int
    total: int


def attention():
    """[(key, label, count)] of the articles needing attention, counted at most once a minute."""
    counts = cache.get_or_set(
        "dashboard:attention", lambda: attention_counts(Article.objects.all()), CACHE_SECONDS
    )
    return [(key, label, counts[key]) for key, (label, _) in ATTENTION.items()]


def recent_imports():
    """`import_counts()` for the chart, counted at most once a minute."""
    return cache.get_or_set("dashboard:imports", import_counts, CACHE_SECONDS)


def conflicts(days=DAYS):
    """Import conflicts (articles an import left alone because an editor had changed them)."""
    since = timezone.now() - dt.timedelta(days=days)
    return ImportRun.objects.filter(started_at__gte=since, conflicts__gt=0).aggregate(
        runs=Count("pk"), articles=Sum("conflicts", default=0)
    )


def import_counts(days=DAYS, today=None):
    """{(day, source name): articles imports created or updated} over the last `days` UTC days.

    A new article is counted on the day an import created it, each later import that changed it
    by its revision.
    """
    today = today or timezone.now().date()
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), dt.UTC)
    created = (
        Article.objects.filter(created_at__gte=start, imported_at__isnull=False)
        .annotate(day=TruncDate("created_at", tzinfo=dt.UTC), name=F("source__name"))
        .values("day", "name")
        .annotate(n=Count("pk"))
    )
    updated = (
        Revision.objects.filter(
            origin__in=[Revision.Origin.IMPORT, Revision.Origin.FEED], created_at__gte=start
        )
        .annotate(day=TruncDate("created_at", tzinfo=dt.UTC), name=F("article__source__name"))
        .values("day", "name")
        .annotate(n=Count("pk"))
    )
    counts = Counter()
    for row in [*created, *updated]:
        counts[row["day"], row["name"] or NO_SOURCE] += row["n"]
    return dict(counts)


def imports_chart(counts, days=DAYS, today=None, top=TOP_SOURCES):
    """Lay out `counts` ({(day, source): n}) as daily bars stacked by source, busiest first;
    sources past the `top` few share one grey "Other"."""
    today = today or timezone.now().date()
    dates = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    totals = Counter()
    for (_, source), n in counts.items():
        totals[source] += n
    named = [source for source, _ in totals.most_common(top)]
    colours = dict(zip(named, PALETTE, strict=False))
    series = [*named, "Other"] if len(totals) > top else named

    def group(source):
        return source if source in colours else "Other"

    per_day = Counter()
    for (day, source), n in counts.items():
        per_day[day, group(source)] += n
    peak = max((sum(per_day[day, s] for s in series) for day in dates), default=0)

    left, step, bar_width, plot_top, plot_bottom = 28, 20, 16, 8, 128
    scale = (plot_bottom - plot_top) / peak if peak else 0
    bars = []
    for i, day in enumerate(dates):
        y = plot_bottom
        for source in series:
            n = per_day[day, source]
            if not n:
                continue
            height = n * scale
            y -= height
            bars.append(
                Bar(
                    x=left + i * step + (step - bar_width) / 2,
                    y=round(y, 2),
                    width=bar_width,
                    height=round(height, 2),
                    fill=colours.get(source, OTHER_COLOR),
                    title=f"{day:%-d %b}: {source}, {n}",
                )
            )
    legend_totals = Counter()
    for source, n in totals.items():
        legend_totals[group(source)] += n
    return Chart(
        width=left + days * step + 12,  # room for the last date label
        height=plot_bottom + 18,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        left=left,
        bars=tuple(bars),
        legend=tuple((s, colours.get(s, OTHER_COLOR), legend_totals[s]) for s in series),
        labels=tuple(
            (left + i * step + step / 2, f"{day:%-d %b}")
            for i, day in enumerate(dates)
            if (days - 1 - i) % 7 == 0  # today, and a week apart back from it
        ),
        peak=peak,
        total=sum(totals.values()),
    )
