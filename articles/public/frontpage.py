"""The home page's lead and every page's navigation, chosen by editors and by what is published.

The lead: the newest featured public article, then up to `FEATURED_BELOW_LEAD` more featured
ones; the latest list leaves them out, so no article shows twice. The navigation: the sources
with public articles and the tags most used among the newest `TAG_WINDOW` public articles (a
fixed cost at any archive size). Both are computed once per page-cache generation
(articles.serving.fragments): a change an editor makes shows at once, and a page served while
nothing changes spends no query on them.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from articles.models import Article, Source, TaggedArticle
from articles.serving.fragments import per_generation

FEATURED_BELOW_LEAD = 3
NAV_SOURCES = 8
NAV_TAGS = 8
TAG_WINDOW = 500


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class Navigation:
    sources: tuple[Link, ...]
    tags: tuple[Link, ...]


def lead_stories():
    """The featured public articles the home page leads with, newest first (a list)."""
    return per_generation("lead", featured_now)


def featured_now():
    """Up to 1 + FEATURED_BELOW_LEAD featured public articles, newest first: one query."""
    featured = Article.objects.published().filter(featured=True).for_listing()
    # article_featured_idx holds the featured rows only, led by status so published() uses it.
    return list(featured.order_by("-date", "-article_id")[: 1 + FEATURED_BELOW_LEAD])


def navigation():
    """The sources and most-used tags the site's header links to."""
    return per_generation("navigation", navigation_now)


def navigation_now():
    """The navigation as it is now: two queries, whatever the size of the archive."""
    public = Article.objects.published()
    sources = (
        Source.objects.filter(Exists(public.filter(source=OuterRef("pk"))))
        .order_by("name")
        .values_list("name", "slug")[:NAV_SOURCES]
    )
    newest = public.order_by("-date", "-article_id").values("pk")[:TAG_WINDOW]
    tags = (
        TaggedArticle.objects.filter(content_object__in=newest)
        .values_list("tag__name", "tag__slug")
        .annotate(uses=Count("pk"))
        .order_by("-uses", "tag__name")[:NAV_TAGS]
    )
    return Navigation(
        sources=tuple(
            Link(name, reverse("articles:source", args=[slug])) for name, slug in sources
        ),
        tags=tuple(Link(name, reverse("articles:tag", args=[slug])) for name, slug, _ in tags),
    )
