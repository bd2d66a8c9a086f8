"""`/healthz` for load balancers: is this server able to answer pages?

200 when the database answers (the cache is reported, but a server without it still serves
pages, uncached); 503 with a one-line reason when the database does not, so the balancer takes
the server out. Never cached, no login, nothing in it an outsider could use: no versions, hosts
or error texts (those go to the log).
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

RETRY_AFTER = 30
PROBE_KEY = "healthz:probe"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", exc)
        return False


def cache_answers():
    try:
        cache.set(PROBE_KEY, 1, 10)
        return cache.get(PROBE_KEY) == 1
    except Exception as exc:  # any cache backend's failure
        logger.warning("Health check: cache unavailable: %s", exc)
        return False


@never_cache
@require_safe
def healthz(request):
    """200 "ok" while the database answers; 503 "database unavailable" when it does not."""
    if not database_answers():
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    status = "ok\n" if cache_answers() else "ok, cache unavailable (serving uncached)\n"
    return HttpResponse(status, content_type="text/plain; charset=utf-8")
