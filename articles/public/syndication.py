"""RSS 2.0 and Atom feeds of the latest published articles: the site's, a tag's, a source's.

Items carry the summary as description, the full sanitized body as content (`content:encoded` in
RSS, `<content type="html">` in Atom; every link and image URL absolute, body images as their JPEG
rendition), the tags as categories and the header image as a real enclosure with its length and
type. Both description elements are HTML to feed readers, and the summary is plain text: it goes
out escaped, so markup in it shows as text, as on the site.

Each item's id (`<guid>`, Atom `<id>`) is a tag URI made of the article ID alone: a slug or date
fixed later must not make feed readers show the article twice.

Everything written passes `clean_text()` once more: a control character stored before the
boundaries dropped them must not turn every feed into a 500 (XML 1.0 cannot carry it).
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, Source
from articles.public.body import feed_body
from articles.public.seo import absolute_url
from articles.sanitize import clean_text

FEED_ITEMS = 30
# The tag URI's date (RFC 4151): fixed, so that an item's id never changes.
GUID_DATE = "2025"


def xml_safe(value):
    """`value` with every string in it (lists, enclosures too) passed through `clean_text()`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(v) for v in value)
    if isinstance(value, Enclosure):
        return Enclosure(xml_safe(value.url), xml_safe(value.length), xml_safe(value.mime_type))
    return value


class XmlSafeFeedMixin:
    """The last defence where feed XML is written: no unprintable character reaches it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **{k: xml_safe(v) for k, v in kwargs.items()})


class ContentRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0 with the full body in `content:encoded`."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    """Atom with the full body in `<content type="html">`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def enclosure_for(article):
    """The header image as an enclosure, or None when there is none.

    An uploaded image is sent as the page shows it: its JPEG rendition, cut from the editor's
    crop, or the upload itself while it has no renditions; either has a known length. An imported
    URL's length is unknown, which RSS writes as 0 (the RSS Advisory Board's advice), with the
    type guessed from the URL's extension.
    """
    renditions = article.renditions
    if renditions:
        try:
            length = default_storage.size(renditions.fallback.name)
        except OSError:
            return None
        url = absolute_url(renditions.fallback.url)
    elif article.image:
        try:
            length = article.image.size
        except OSError:
            return None
        url = absolute_url(article.image.url)
    elif article.enclosure:
        length, url = 0, article.enclosure
    else:
        return None
    mime_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
    return Enclosure(url, str(length), mime_type)


class LatestArticlesFeed(Feed):
    """The site's feed; subclasses narrow it to the tag or source named by the URL's slug."""

    feed_type = ContentRssFeed
    url_name = "articles:feed"  # this feed
    page_name = "articles:latest"  # the page it follows

    def title(self, obj=None):
        return f"{obj.name} · {settings.SITE_NAME}" if obj else settings.SITE_NAME

    def link(self, obj=None):
        return absolute_url(reverse(self.page_name, args=[obj.slug] if obj else []))

    def feed_url(self, obj=None):
        return absolute_url(reverse(self.url_name, args=[obj.slug] if obj else []))

    def description(self, obj=None):
        return f"The latest press releases republished by {settings.SITE_NAME}."

    def get_articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        articles = self.get_articles(obj).select_related("source").prefetch_related("tags")
        return articles[:FEED_ITEMS]

    def item_link(self, item):
        return item.get_full_url()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Plain text going into an HTML element: escaped, so markup in it is shown, never run.
        return escape(item.summary or item.description)

    def item_guid(self, item):
        return f"tag:{urlsplit(settings.SITE_URL).hostname},{GUID_DATE}:article:{item.article_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.source.name if item.source else None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        enclosure = enclosure_for(item)
        return [enclosure] if enclosure else []

    def item_extra_kwargs(self, item):
        return {"content": feed_body(item)}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ContentAtomFeed
    url_name = "articles:feed-atom"
    subtitle = LatestArticlesFeed.description


class TagFeed(LatestArticlesFeed):
    url_name = "articles:tag-feed"
    page_name = "articles:tag"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def description(self, obj):
        return f"The latest articles tagged “{obj.name}”."

    def get_articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = ContentAtomFeed
    url_name = "articles:tag-feed-atom"
    subtitle = TagFeed.description


class SourceFeed(LatestArticlesFeed):
    url_name = "articles:source-feed"
    page_name = "articles:source"

    def get_object(self, request, slug):
        return get_object_or_404(Source, slug=slug)

    def description(self, obj):
        return obj.description or f"The latest releases from {obj.name}."

    def get_articles(self, obj):
        return Article.objects.published().filter(source=obj)


class SourceAtomFeed(SourceFeed):
    feed_type = ContentAtomFeed
    url_name = "articles:source-feed-atom"
    subtitle = SourceFeed.description
