from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from articles.serving import frontcache


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """The page cache is dropped on every change: every app process must share one cache."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PUBLIC_PAGE_CACHE_SECONDS and backend.endswith("LocMemCache"):
        return [
            Warning(
                "The page cache is in each process's own memory: a change made through "
                "one gunicorn worker would not reach pages cached by the others.",
                hint="Set CACHE_URL to a shared cache (redis://) or PUBLIC_PAGE_CACHE_SECONDS=0.",
                id="newsroom.W001",
            )
        ]
    return []


@register(Tags.caches)
def check_front_cache(app_configs, **kwargs):
    """A configured front cache must load, and Varnish needs addresses to purge."""
    try:
        backend = frontcache.backend_class()
    except ImportError as exc:
        return [
            Error(
                f"FRONT_CACHE names nothing that can be imported: {exc}",
                hint='Use "", "varnish" or the dotted path of a FrontCache subclass.',
                id="newsroom.E101",
            )
        ]
    if backend is frontcache.Varnish and not settings.FRONT_CACHE_ADDRESSES:
        return [
            Warning(
                "FRONT_CACHE is varnish but FRONT_CACHE_ADDRESSES is empty: nothing is purged, "
                "and Varnish would serve changed pages until their s-maxage ends.",
                hint="Set FRONT_CACHE_ADDRESSES=http://varnish-host:6081[,...].",
                id="newsroom.W101",
            )
        ]
    return []
