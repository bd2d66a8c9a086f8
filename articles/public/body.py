"""The article body as readers get it: uploaded images as renditions, URLs absolute in feeds.

Bodies are stored as the sanitizer left them, with an uploaded image's own URL; here that URL
becomes a `<picture>` of its WebP and JPEG renditions (one query for the page's images, none
for a body without them), so a reader is never sent the multi-megabyte upload.
"""

from django.utils.safestring import mark_safe

from articles.images import body
from articles.models import BodyImage
from articles.sanitize import sanitize_html


def manifests_for(html):
    """`{stored name: renditions manifest}` of the uploaded images `html` shows."""
    names = body.image_names(html)
    if not names:
        return {}
    return dict(BodyImage.objects.filter(image__in=names).values_list("image", "renditions"))


def page_body(html):
    """The body for the article page: uploaded images as `<picture>` of their renditions."""
    return mark_safe(body.with_renditions(html, manifests_for(html)))


def feed_body(article):
    """The body for feeds: every link and image absolute, images as their JPEG rendition."""
    html = body.with_fallbacks(article.body, manifests_for(article.body))
    return sanitize_html(html, base_url=article.get_full_url())
