"""The public page cache: whole responses for anonymous readers, dropped when the content changes.

Every cached page is stamped with the current *generation*, a random token kept in the cache,
and with its group's token (see articles.serving.page_groups), and is served only while both are
current (one round trip fetches the two and the page). A saved article drops the tokens of the
groups it shows in (`invalidate_page_groups()`): its page, its lists, feeds and sitemaps, while
other articles' pages stay cached; an article page is also rendered again once it is
`PUBLIC_RELATED_REFRESH_SECONDS` old, so its related articles follow the archive. Anything else
that changes what a public page may show (a tag or source saved or deleted, a bulk write, an
admin write that recorded no change) calls `invalidate_public_pages()`, which drops the
generation: every page is rendered afresh, on every app server sharing the cache. A generation
also ends by itself when the next scheduled article is due, so that it appears on time without
anyone saving.

While one process renders a changed page anew, the others serve its previous version rather
than pile up rendering it too (a sitemap takes seconds, and crawlers come in numbers).

A page is keyed on its URL without the query string, but for the parameters its view reads
(`CACHE_KEY_PARAMS`, normalised as the view reads them): `?utm_source=...` or `?cb=1` serve the
cached page instead of rendering and storing a new one. Search results are rendered per query
and never stored, so what anonymous readers can put in the cache is bounded by the content.

The cache is a speed-up, never a dependency: when it is down, pages are served uncached and a
warning is logged.
"""

import contextvars
import hashlib
import logging
import time
import uuid
from collections import Counter
from contextlib import contextmanager, suppress
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag

from articles.models import Article
from articles.serving import frontcache
from articles.serving.page_groups import EVERYTHING, group_of, is_article_group

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
# Dropped with the generation, but with no timeout and whether or not pages are cached: what
# cached lists of links to articles (related articles) are checked against.
LINKS_KEY = "page-links"
# How long others serve a changed page's previous version while one process renders it.
RENDER_LOCK_SECONDS = 30
WARNING_INTERVAL = 60
_last_warning = 0.0
# What this process answered cacheable requests with: "hit", "stale" (the previous version of
# a page being rendered elsewhere) or "render"; bench/newsroom_day.py reads it.
outcomes = Counter()
# Set while the middleware handles a write: whether it dropped any pages.
_invalidated = contextvars.ContextVar("public_pages_invalidated", default=None)


def warn_cache_down(exc) -> None:
    """Log that the cache failed, at most once a minute per process."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL:
        _last_warning = now
        logger.warning("Cache unavailable, serving uncached: %s", exc)


def invalidate_public_pages() -> None:
    """Drop every cached public page, now and again when the current transaction commits.

    Bulk writes (bulk_create, bulk_update, QuerySet.update) send no signals: their callers call
    this. The second drop, after commit, covers a reader who rendered the old rows meanwhile.
    The front cache, if any, is purged after commit too.
    """
    _note_invalidation()
    _drop_generation()
    transaction.on_commit(_drop_generation)
    frontcache.purge_all()


def invalidate_page_groups(groups):
    """Drop the cached pages of `groups` (see page_groups), now and when the transaction commits."""
    if EVERYTHING in groups:
        invalidate_public_pages()
        return
    _note_invalidation()
    keys = [group_key(group) for group in groups]

    def drop():
        try:
            cache.delete_many(keys)
        except Exception as exc:
            warn_cache_down(exc)

    drop()
    transaction.on_commit(drop)
    # The front cache is purged whole: page_groups.paths_of() names the groups' paths with
    # wildcards, which a PURGE of single URLs cannot take.
    frontcache.purge_all()


def group_key(group):
    return f"page-groups:{group}"


def _note_invalidation():
    noted = _invalidated.get()
    if noted is not None:
        noted.append(True)


def _drop_generation():
    try:
        cache.delete_many([GENERATION_KEY, LINKS_KEY])
    except Exception as exc:
        warn_cache_down(exc)


def start_generation():
    """Start a new generation (unless another process just did) and return its token."""
    return _start(GENERATION_KEY, generation_timeout())


def start_links():
    """Start a new links token (unless another process just did) and return it."""
    return _start(LINKS_KEY, None)


def start_group(key):
    """Give the group under `key` a token (unless another process just did) and return it."""
    return _start(key, token_seconds())


def _start(key, timeout):
    token = uuid.uuid4().hex
    return token if cache.add(key, token, timeout) else cache.get(key)


def token_seconds():
    """Seconds a generation or a group's token lasts at most.

    As long as the pages they stamp are kept; with the page cache off, the fragments they stamp
    (articles.serving.fragments) are still kept, as long as related articles are.
    """
    return settings.PUBLIC_PAGE_CACHE_SECONDS or settings.PUBLIC_RELATED_REFRESH_SECONDS


def generation_timeout():
    """Seconds a new generation may last: until the next scheduled article is due, at most."""
    limit = token_seconds()
    now = timezone.now()
    try:
        next_due = (
            Article.objects.scheduled().order_by("date").values_list("date", flat=True).first()
        )
    except DatabaseError:
        return limit
    if next_due is None:
        return limit
    return max(1, min(limit, int((next_due - now).total_seconds()) + 1))


# The query parameters each view reads (by URL name); other views read none. Views listed with
# None render a page per query string and are never cached.
CACHE_KEY_PARAMS = {
    "articles:latest": ("page",),
    "articles:month": ("page",),
    "articles:tag": ("page",),
    "articles:source": ("page",),
    "articles:sitemap-section": ("p",),  # Django's sitemap pages
    "articles:search": None,
}


def cache_key_params(request):
    """The query string the page depends on, normalised; None when the page is not cached.

    A page number is keyed as the view reads it (`int()`): `?page=01` is `?page=1`.
    """
    if not request.META.get("QUERY_STRING"):
        return ""  # most requests: no URL to resolve
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return ""
    wanted = CACHE_KEY_PARAMS.get(view_name, ())
    if wanted is None:
        return None
    params = []
    for name in wanted:
        if name in request.GET:
            value = request.GET[name]
            with suppress(ValueError):  # not a number: the view answers 404, never stored
                value = str(int(value))
            params.append((name, value))
    return urlencode(params)


def page_key(request):
    """The cache key of the page `request` asks for, or None when it is never cached."""
    params = cache_key_params(request)
    if params is None:
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{params}"
    return f"public-pages:{hashlib.sha256(url.encode()).hexdigest()}"


def is_cacheable_request(request):
    """Anonymous reads of public pages; a session (an editor) always gets a fresh page."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.lstrip("/").startswith(settings.ADMIN_URL)
    )


def is_cacheable_response(response):
    # Vary: Cookie is harmless here: requests carrying a session never reach the cache.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and {v.lower() for v in cc_delim_re.split(response.get("Vary", "")) if v} <= {"cookie"}
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


RENDERED_AT = "X-Page-Rendered-At"


def freeze(response):
    # Cookies are not headers here, and a response with any is never stored.
    headers = [*response.items(), (RENDERED_AT, str(int(time.time())))]
    return (response.status_code, headers, response.content)


def thaw(frozen):
    status, headers, content = frozen
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    # A shared cache in front keeps the page for s-maxage less its age: no longer than valid.
    if rendered_at := response.get(RENDERED_AT):
        del response[RENDERED_AT]
        if settings.PUBLIC_PAGE_SHARED_MAX_AGE > 0:
            response["Age"] = str(max(0, int(time.time()) - int(rendered_at)))
    return response


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; drop the cache after any write.

    With the page cache off (`PUBLIC_PAGE_CACHE_SECONDS = 0`) pages are always rendered, but
    writes still drop what the fragments and related articles are checked against.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            noted = []
            token = _invalidated.set(noted)
            try:
                response = self.get_response(request)
            finally:
                _invalidated.reset(token)
            if (
                request.method not in ("GET", "HEAD", "OPTIONS")
                and response.status_code < 400
                # An editor's draft or preview writes nothing a reader sees.
                and not getattr(response, "public_pages_unchanged", False)
                # A write that dropped the pages it touched (a saved article) is done.
                and not noted
            ):
                # Admin actions may write with QuerySet.update(), which sends no signal: a
                # write that dropped no pages itself drops them all.
                invalidate_public_pages()
            return response

        key = page_key(request) if settings.PUBLIC_PAGE_CACHE_SECONDS > 0 else None
        if key is None:
            return self.get_response(request)
        group = group_of(request.path_info)
        generation, page = lookup(key, group)
        if page is not None and page[0] == generation and is_fresh(page, group):
            outcomes["hit"] += 1
            return thaw(page[1])
        if page is None or generation is None:
            return self.render(request, key, generation)
        # The page changed: one process renders it anew while the others keep serving the
        # previous version for that long (a sitemap takes seconds; crawlers come in numbers).
        with exclusive(f"render:{key}", RENDER_LOCK_SECONDS) as won:
            if won:
                return self.render(request, key, generation)
            outcomes["stale"] += 1
            return thaw(page[1])

    def render(self, request, key, generation):
        outcomes["render"] += 1
        response = self.get_response(request)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if request.method == "GET" and is_cacheable_response(response):
            set_response_etag(response)
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_PAGE_MAX_AGE,
                s_maxage=shared_max_age(),
            )
            if generation is not None:
                try:
                    cache.set(
                        key,
                        (generation, freeze(response), clock()),
                        settings.PUBLIC_PAGE_CACHE_SECONDS,
                    )
                except Exception as exc:
                    warn_cache_down(exc)
        return response


def shared_max_age():
    """Seconds a shared cache in front may keep a page: not past the next scheduled article."""
    limit = settings.PUBLIC_PAGE_SHARED_MAX_AGE
    return min(limit, generation_timeout()) if limit > 0 else 0


def lookup(key, group):
    """The current stamp (generation and `group`'s token) and the page under `key`.

    One round trip to the cache, unless the generation or the group must start anew.
    """
    try:
        gkey = group_key(group)
        found = cache.get_many([GENERATION_KEY, gkey, key])
        return stamp(found, gkey), found.get(key)
    except Exception as exc:
        warn_cache_down(exc)
        return None, None


def stamp(found, gkey):
    """(generation, the group's token) as `found` by a `cache.get_many()`, started if missing.

    What a cached page, and a fragment kept for the whole site, is stamped with and checked
    against. May raise what the cache raises.
    """
    return (found.get(GENERATION_KEY) or start_generation(), found.get(gkey) or start_group(gkey))


def cached_many(keys):
    """`cache.get_many(keys)`, or nothing (and a warning) when the cache is down."""
    try:
        return cache.get_many(keys)
    except Exception as exc:
        warn_cache_down(exc)
        return {}


def clock():
    return time.time()


def related_max_age():
    """Seconds an article page, and apart from it its related articles, are kept at most.

    Half the bound each, so that related articles are never more than
    PUBLIC_RELATED_REFRESH_SECONDS old on a page.
    """
    return settings.PUBLIC_RELATED_REFRESH_SECONDS / 2


def is_fresh(page, group):
    """Whether a current `page` of `group` may be served: article pages only for a while."""
    # Its related articles are chosen among the newest: newer ones appear within that bound.
    if not is_article_group(group):
        return True
    return clock() - page[2] < related_max_age()


@contextmanager
def exclusive(name, timeout):
    """Hold the lock `name` across every server sharing the cache; yield whether it was won.

    The lock lapses after `timeout` seconds should its holder die. With the cache down nobody
    can be told apart, so the lock is granted (and a warning logged).
    """
    key, token = f"lock:{name}", uuid.uuid4().hex
    try:
        won = cache.add(key, token, timeout)
    except Exception as exc:
        warn_cache_down(exc)
        yield True
        return
    try:
        yield won
    finally:
        try:
            if won and cache.get(key) == token:
                cache.delete(key)
        except Exception as exc:
            warn_cache_down(exc)
