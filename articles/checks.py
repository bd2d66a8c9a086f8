from django.conf import settings
from django.core.checks import Tags, Warning, register


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
