"""Images in article bodies, by URL: which are our uploads, and the `<picture>` readers get.

Pure: the caller looks the renditions up (one query per page) and passes their manifests in.
"""

import re
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import escape

from articles.images import renditions

BODY_FOLDER = "body/"
IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTR_RE = re.compile(r'\s(src|alt)="([^"]*)"')
BODY_SIZES = "(min-width: 760px) 720px, 100vw"


def body_image_name(url):
    """The stored name of an uploaded body image at `url`, or "" for any other image.

    `MEDIA_URL` may be a path (served by the site: the URL may be relative or on `SITE_URL`) or
    a full URL (object storage).
    """
    media = settings.MEDIA_URL
    if "://" not in media:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(settings.SITE_URL).netloc:
            return ""
        media, url = "/" + media.strip("/") + "/", parts.path
    if not url.startswith(media + BODY_FOLDER):
        return ""
    return url[len(media) :]


def images(html):
    """`(stored name or "", alt text)` of each image in the sanitized `html`, alt None if absent."""
    found = []
    for tag in IMG_RE.findall(html):
        attrs = dict(ATTR_RE.findall(tag))
        alt = unescape(attrs["alt"]) if "alt" in attrs else None
        found.append((body_image_name(unescape(attrs.get("src", ""))), alt))
    return found


def image_names(html):
    """The stored names of the uploaded body images `html` shows."""
    return [name for name, _ in images(html) if name]


def with_renditions(html, manifests):
    """`html` with each uploaded image shown as a `<picture>` of its WebP and JPEG renditions.

    `manifests` maps a stored name to its renditions manifest; an image without one is left as
    it is.
    """

    def picture(match):
        attrs, made = _renditions_of(match[0], manifests)
        if made is None:
            return match[0]
        fallback = made.fallback
        return (
            f'<picture><source type="image/webp" srcset="{escape(made.srcset_webp)}" '
            f'sizes="{BODY_SIZES}"><img src="{escape(fallback.url)}" '
            f'srcset="{escape(made.srcset_jpeg)}" sizes="{BODY_SIZES}" width="{fallback.width}" '
            f'height="{fallback.height}" alt="{attrs.get("alt", "")}" loading="lazy"></picture>'
        )

    return IMG_RE.sub(picture, html)


def with_fallbacks(html, manifests):
    """`html` with each uploaded image's `src` pointing at its JPEG rendition (for feeds)."""

    def fallback(match):
        tag = match[0]
        attrs, made = _renditions_of(tag, manifests)
        if made is None:
            return tag
        return tag.replace(f'src="{attrs["src"]}"', f'src="{escape(made.fallback.url)}"', 1)

    return IMG_RE.sub(fallback, html)


def _renditions_of(tag, manifests):
    """The `<img>` tag's src and alt attributes, and its renditions (None if it has none)."""
    attrs = dict(ATTR_RE.findall(tag))
    manifest = manifests.get(body_image_name(unescape(attrs.get("src", ""))))
    return attrs, renditions.Renditions.from_manifest(manifest)
