"""Parts of public pages worth computing once per page-cache generation: the lead, the navigation.

A fragment is kept stamped with the generation token of the page cache (articles.serving.cache)
and served only while that token is current, so whatever drops the cached pages (any change to
an article, source or tag, an import, a scheduled article coming due) drops the fragments with
them, on every server sharing the cache. A page rendered with warm fragments costs the queries
of its own content only. With the page cache off (`PUBLIC_PAGE_CACHE_SECONDS = 0`) or the cache
down, fragments are computed on every request, as the pages are.
"""

from django.conf import settings
from django.core.cache import cache

from articles.serving.cache import lookup_in_generation, warn_cache_down


def per_generation(name, compute):
    """The value `compute()` returned in this generation, computing it now if none is kept."""
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return compute()
    key = f"public-fragments:{name}"
    generation, kept = lookup_in_generation(key)
    if generation is not None and kept is not None and kept[0] == generation:
        return kept[1]
    value = compute()
    if generation is not None:
        try:
            cache.set(key, (generation, value), settings.PUBLIC_PAGE_CACHE_SECONDS)
        except Exception as exc:
            warn_cache_down(exc)
    return value
