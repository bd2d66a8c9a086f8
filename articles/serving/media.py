"""Uploaded media served by the application, for sites without a separate media server."""

import mimetypes

from django.conf import settings
from django.views.static import serve

# Uploads are images cleaned by Pillow; anything else found in MEDIA_ROOT is offered as a
# download, never rendered by the browser (an SVG or HTML file there would run script).
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
MEDIA_MAX_AGE = 24 * 3600


def serve_media(request, path):
    """Serve a file under MEDIA_ROOT with a safe content type (nosniff comes from settings)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type, _ = mimetypes.guess_type(path)
    if response.status_code == 200 and content_type not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    return response
