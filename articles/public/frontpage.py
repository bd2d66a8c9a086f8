"""The home page's lead and every page's navigation, chosen by editors and by what is published.

The lead: the newest featured public article, then up to `FEATURED_BELOW_LEAD` more featured
ones; the latest list leaves them out, so no article shows twice. The navigation: the sources
with public articles and the tags most used among the newest `TAG_WINDOW` public articles (a
fixed cost at any archive size). Both are computed once for every change to the site
(articles.serving.fragments.site_wide): a change an editor makes shows at once, and a page
served while nothing changes spends no query on them. So are the parts of every page around its
content (`SITE_PARTS`: the <head>'s links, the masthead with the navigation, the footer),
rendered as HTML once rather than by every page.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article, Source, TaggedArticle
from articles.serving.fragments import site_wide, site_wide_keys

FEATURED_BELOW_LEAD = 3
NAV_SOURCES = 8
NAV_TAGS = 8
TAG_WINDOW = 500
# The parts of every public page around its content (templates/base.html), by name.
SITE_PARTS = {"head": "_head.html", "masthead": "_masthead.html", "footer": "_footer.html"}
SITE_PARTS_KEYS = site_wide_keys("site-parts")


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class Navigation:
    sources: tuple[Link, ...]
    tags: tuple[Link, ...]

    @property
    def paths(self):
        return {link.url for link in (*self.sources, *self.tags)}


def lead_stories(parts=None):
    """The featured public articles the home page leads with, newest first (a list).

    `parts`: what `site_parts()` returned for this request, if it was called.
    """
    return (parts or site_parts())["lead"]


def featured_now():
    """Up to 1 + FEATURED_BELOW_LEAD featured public articles, newest first: one query."""
    featured = Article.objects.published().filter(featured=True).for_listing()
    # article_featured_idx holds the featured rows only, led by status so published() uses it.
    return list(featured.order_by("-date", "-article_id")[: 1 + FEATURED_BELOW_LEAD])


def navigation():
    """The sources and most-used tags the site's header links to."""
    return site_parts()["navigation"]


def site_parts(found=None):
    """The navigation, and the parts of every page around the content rendered as HTML.

    `found`: what a `cache.get_many()` of `SITE_PARTS_KEYS` (and more) returned, if one did.
    """
    return site_wide("site-parts", site_parts_now, found)


def site_parts_now():
    """The lead, the navigation and SITE_PARTS as they are now: three queries, three templates.

    The lead is kept with them, though the home page alone shows it: one lookup serves both.
    """
    nav = navigation_now()
    context = {
        "navigation": nav,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ABOUT": settings.SITE_ABOUT,
    }
    return {
        "lead": featured_now(),
        "navigation": nav,
        **{name: render_to_string(template, context) for name, template in SITE_PARTS.items()},
    }


def site_part(name, context):
    """The part `name` of the page being rendered with `context`: kept, unless the page is marked.

    The masthead marks the current section (aria-current) and repeats a search's query; on
    those pages it is rendered with the page.
    """
    parts = context.get("site_parts") or site_parts()  # one lookup for the page's parts
    request = context.get("request")
    if name == "masthead" and (
        context.get("query") or (request and request.path in parts["navigation"].paths)
    ):
        return render_to_string(SITE_PARTS[name], context.flatten(), request=request)
    return parts[name]


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
