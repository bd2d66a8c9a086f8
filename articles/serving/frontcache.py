"""Purge the HTTP cache in front of the app (Varnish, a CDN) when public pages change.

Public pages carry `s-maxage`, so a shared cache in front may keep them; whatever drops pages
from the page cache (articles.serving.cache) purges them here too. The backend is chosen by
`FRONT_CACHE`: empty (the default) purges nothing; `varnish` sends PURGE (one URL) and BAN
(every page) to each of `FRONT_CACHE_ADDRESSES`, which the shipped VCL honours from its allowed
addresses only; a dotted path names a `FrontCache` subclass another CDN implements.

Purges go out after the transaction commits (a purge before it would let the old rows be cached
again), each bounded by `FRONT_CACHE_TIMEOUT`, and a failure is logged, never raised: an
editor's save never fails because a cache did not answer. Pages then age out by `s-maxage`.
"""

import http.client
import logging
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class FrontCache:
    """A cache in front of the app: purge some URLs, or every public page."""

    def __init__(self, addresses=(), timeout=2.0):
        self.addresses = list(addresses)
        self.timeout = timeout

    def purge(self, urls):
        """Drop the absolute `urls` from the cache."""
        raise NotImplementedError

    def purge_all(self):
        """Drop every public page (static files and media may stay: their names change)."""
        raise NotImplementedError


class Varnish(FrontCache):
    """PURGE and BAN over HTTP to each Varnish of `addresses` (`http://host:port`)."""

    def purge(self, urls):
        for url in urls:
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            self.send("PURGE", path or "/", parts.netloc)

    def purge_all(self):
        self.send("BAN", "/", urlsplit(settings.SITE_URL).netloc)

    def send(self, method, path, host):
        """Send one request to every address; raise `OSError` naming the ones that failed."""
        failed = []
        for address in self.addresses:
            parts = urlsplit(address)
            conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, self.timeout)
            try:
                conn.request(method, path, headers={"Host": host})
                status = conn.getresponse().status
                if status != 200:
                    failed.append(f"{address} answered {status}")
            except OSError as exc:
                failed.append(f"{address}: {exc}")
            finally:
                conn.close()
        if failed:
            raise OSError(f"{method} {path} failed: " + "; ".join(failed))


def backend_class():
    """The FrontCache class FRONT_CACHE names, or None; `ImportError` if it names nothing."""
    name = settings.FRONT_CACHE
    if not name:
        return None
    return Varnish if name == "varnish" else import_string(name)


def backend():
    """The configured front cache, or None when there is none (or it cannot be loaded)."""
    try:
        cls = backend_class()
    except ImportError:
        logger.error("FRONT_CACHE %r cannot be imported: nothing is purged", settings.FRONT_CACHE)
        return None
    if cls is None:
        return None
    return cls(addresses=settings.FRONT_CACHE_ADDRESSES, timeout=settings.FRONT_CACHE_TIMEOUT)


def purge(urls):
    """Purge `urls` (paths or absolute URLs) from the front cache once the transaction commits."""
    if backend() is not None:
        absolute = [urljoin(settings.SITE_URL + "/", url) for url in urls]
        transaction.on_commit(lambda: run("purge", absolute))


def purge_all():
    """Purge every public page from the front cache once the transaction commits, once per
    transaction however often asked.
    """
    if backend() is None:
        return
    pending = connection.run_on_commit if connection.in_atomic_block else []
    if not any(callback is _purge_all for _, callback, _ in pending):
        transaction.on_commit(_purge_all)


def _purge_all():
    run("purge_all")


def run(method, *args):
    """Call the backend's `method`; log a failure and how long it took, never raise."""
    started = time.monotonic()
    try:
        getattr(backend(), method)(*args)
    except Exception:
        logger.warning("Front cache %s failed", method, exc_info=True)
        return False
    logger.debug("Front cache %s took %.3f s", method, time.monotonic() - started)
    return True
