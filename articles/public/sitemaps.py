"""Sitemaps for crawlers: every public page with its lastmod, and a Google News sitemap.

Only canonical pages belong in a sitemap: articles of a source that is kept out of sitemaps, or
whose canonical link points at the original release, are left out.

Each sitemap passes `clean_text()` on its way out: a character XML 1.0 cannot carry, stored before
the boundaries dropped it, must not make a crawler's sitemap malformed (and cached so).
"""

import datetime as dt
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, CanonicalPolicy, Source
from articles.sanitize import clean_text

NEWS_WINDOW = dt.timedelta(hours=48)
NEWS_LIMIT = 1000


def sitemap_articles():
    """Published articles whose canonical page is ours and whose source allows sitemaps."""
    return Article.objects.published().filter(
        Q(source__isnull=True)
        | Q(source__include_in_sitemaps=True, source__canonical_policy=CanonicalPolicy.OURS)
    )


class SiteSitemap(Sitemap):
    """Absolute URLs on SITE_URL, whatever host the crawler asked."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class ArticleSitemap(SiteSitemap):
    def items(self):
        return sitemap_articles().only("article_id", "slug", "date", "updated_at")

    def lastmod(self, article):
        return max(article.date, article.updated_at)

    def get_latest_lastmod(self):
        # Sitemap's own version calls lastmod() on every item: one aggregate query instead.
        latest = sitemap_articles().aggregate(date=Max("date"), updated=Max("updated_at"))
        return max(filter(None, latest.values()), default=None)


class SourceSitemap(SiteSitemap):
    def items(self):
        return (
            Source.objects.filter(include_in_sitemaps=True)
            .annotate(
                lastmod=Max("articles__updated_at", filter=Q(articles__in=sitemap_articles()))
            )
            .filter(lastmod__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, source):
        return source.lastmod


class TagSitemap(SiteSitemap):
    def items(self):
        return (
            Tag.objects.annotate(
                lastmod=Max(
                    "articles_taggedarticle_items__content_object__updated_at",
                    filter=Q(articles_taggedarticle_items__content_object__in=sitemap_articles()),
                )
            )
            .filter(lastmod__isnull=False)
            .order_by("pk")
        )

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])

    def lastmod(self, tag):
        return tag.lastmod


class HomeSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:latest"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return sitemap_articles().aggregate(Max("updated_at"))["updated_at__max"]


class NewsSitemap(SiteSitemap):
    """Google News: articles of the last 48 hours, at most 1,000, newest first."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            sitemap_articles()
            .filter(date__gte=since)
            .only("article_id", "slug", "date", "title", "updated_at")[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return max(article.date, article.updated_at)


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "sources": SourceSitemap,
    "tags": TagSitemap,
}


def xml_safe(view):
    """Render the view's sitemap and drop what XML 1.0 cannot carry from it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200 and not response.streaming:
            response.content = clean_text(response.content.decode()).encode()
        return response

    return wrapped


@xml_safe
def sitemap(request):
    """/sitemap.xml: one urlset while every section fits a file, an index of sections past that."""
    sections = {name: cls() for name, cls in SITEMAPS.items()}
    if any(section.paginator.num_pages > 1 for section in sections.values()):
        return sitemap_views.index(request, sections, sitemap_url_name="articles:sitemap-section")
    return sitemap_views.sitemap(request, sections)


@xml_safe
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@xml_safe
def news_sitemap(request):
    return sitemap_views.sitemap(
        request, {"news": NewsSitemap}, template_name="articles/sitemap_news.xml"
    )
