"""Site-wide response policy: security headers, a 503 when the database fails, login throttling."""

import base64
import hashlib
import logging
import re
import sys

from django.conf import settings
from django.db import DatabaseError
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.urls import reverse
from django.views import defaults

from articles.serving import throttle

logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER = 30
# The inline import map django-js-asset writes for the admin's body editor (its only inline script).
IMPORTMAP_RE = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.DOTALL)


class SecurityHeadersMiddleware:
    """Send the Content-Security-Policy and X-Frame-Options with every response, static too.

    SecurityMiddleware sends nosniff and the Referrer-Policy. The policy allows scripts and
    styles from this site only, so a template with an inline script or style attribute breaks
    visibly instead of silently. Outermost, so whitenoise's files get the headers as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy_for(request, response))
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), geolocation=(), microphone=(), interest-cohort=()"
        )
        return response


def policy_for(request, response):
    """The site's policy; an admin page's import maps are allowed by the hash of their content.

    A hash, not 'unsafe-inline' or a nonce: only that exact map runs, and a page whose map
    changes (a new package version) still gets the right one, computed from what is sent.
    """
    policy = settings.CONTENT_SECURITY_POLICY
    if (
        not request.path.startswith("/" + settings.ADMIN_URL)
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return policy
    hashes = sorted({sha256_source(body) for body in IMPORTMAP_RE.findall(response.content)})
    if not hashes:
        return policy
    return re.sub(r"script-src ([^;]*)", rf"script-src \1 {' '.join(hashes)}", policy, count=1)


def sha256_source(content):
    """A CSP source expression allowing the inline element whose content is `content`."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode() + "'"


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page, not a traceback, when the database is down or locked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError) or settings.DEBUG:
            return None
        return database_unavailable(request, exception)


def database_unavailable(request, exception):
    """The 503 page, which needs no database, asking the client to come back later."""
    logger.error("Database unavailable for %s: %s", request.path, exception)
    response = SimpleTemplateResponse("503.html", status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response.render()


def server_error(request):
    """The site's 500 handler: the 503 page when the error was the database's.

    `DatabaseUnavailableMiddleware` answers for what views raise; this covers the rest, such as
    the session saved by its middleware on the way out while the database is locked.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DatabaseError):
        return database_unavailable(request, exception)
    return defaults.server_error(request)


class LoginThrottleMiddleware:
    """Answer 429 to admin login attempts during a cool-down (failures come from the signal)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            username = request.POST.get("username", "")
            if throttle.is_locked(username, throttle.client_address(request)):
                logger.warning("Admin login throttled for %r", username)
                response = TemplateResponse(request, "429.html", status=429)
                response["Retry-After"] = str(settings.LOGIN_COOLDOWN_SECONDS)
                return response.render()
        return self.get_response(request)
