"""Uploaded media served by the application, for sites whose media store does not serve itself.

Files are read through Django's storage API, never from a local path, so the same view serves
a folder on local disk (or a volume every app server mounts) and a private S3 bucket alike.
"""

import mimetypes

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.static import was_modified_since

# Uploads are images cleaned by Pillow; anything else found in media storage is offered as a
# download, never rendered by the browser (an SVG or HTML file there would run script).
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
MEDIA_MAX_AGE = 24 * 3600


def serve_media(request, path):
    """Serve the stored file `path` with a safe content type (nosniff comes from settings)."""
    if not path or path.endswith("/"):
        raise Http404("Not a file.")
    try:
        stored = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        raise Http404("No such file.") from None
    modified = modified_time(path)
    if modified is not None and not was_modified_since(
        request.META.get("HTTP_IF_MODIFIED_SINCE"), modified
    ):
        stored.close()
        return HttpResponseNotModified()
    content_type, _ = mimetypes.guess_type(path)
    response = FileResponse(stored, content_type=content_type or "application/octet-stream")
    if content_type in INLINE_TYPES:
        del response["Content-Disposition"]
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    return response


def modified_time(path):
    """When the stored file last changed, as a Unix time; None when the storage cannot say."""
    try:
        return int(default_storage.get_modified_time(path).timestamp())
    except (NotImplementedError, OSError):
        return None
