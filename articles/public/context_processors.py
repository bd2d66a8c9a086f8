from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.public import frontpage


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_ABOUT": settings.SITE_ABOUT,
        # Looked up only by a template that shows them (never by the admin's pages), once a page.
        "site_parts": (parts := SimpleLazyObject(frontpage.site_parts)),
        "navigation": SimpleLazyObject(lambda: parts["navigation"]),
    }
