from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.public import frontpage


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_ABOUT": settings.SITE_ABOUT,
        # Computed only by a template that shows it (never by the admin's pages).
        "navigation": SimpleLazyObject(frontpage.navigation),
    }
