"""The site icon at /favicon.ico (the contract URL) and the web app manifest.

Both are answered by views rather than whitenoise so that /favicon.ico keeps a fixed address
outside `STATIC_URL`; the icon's bytes are read once per process. They pass through the page
cache like every public URL (an ETag, 304 on revalidation); the manifest names the icons by
their static URLs, hashed in production, so a new icon reaches home screens.
"""

import functools
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

FAVICON = "icons/favicon.ico"
ICON_MAX_AGE = 24 * 3600
THEME_COLOR = "#0b5cad"
BACKGROUND_COLOR = "#ffffff"


@functools.cache
def favicon_bytes():
    path = finders.find(FAVICON)
    if path is None:
        raise Http404("The site icon is missing from the static files.")
    with open(path, "rb") as icon:
        return icon.read()


@require_safe
def favicon(request):
    response = HttpResponse(favicon_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    return response


def manifest_data():
    """The web app manifest: the site's name, colours and icons."""
    icons = [
        {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    return {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": settings.SITE_ABOUT,
        "start_url": reverse("articles:latest"),
        "scope": "/",
        "display": "browser",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }


@require_safe
def manifest(request):
    response = HttpResponse(
        json.dumps(manifest_data(), indent=1), content_type="application/manifest+json"
    )
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    return response
