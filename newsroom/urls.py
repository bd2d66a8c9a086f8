import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles.serving.health import healthz
from articles.serving.media import serve_media

# A database error outside a view (say, the session saved on the way out) is a 503 page too.
handler500 = "articles.serving.middleware.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.+)$", serve_media, name="media")]
