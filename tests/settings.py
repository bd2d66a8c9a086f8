"""Test overrides: fast hashing, plain static storage, media in a temporary folder."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")

from newsroom.settings import *  # noqa: E402, F403
from newsroom.settings import CACHES, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
# Serve static files straight from the finders: tests need no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Test runs may share one Redis: each run keeps to its own keys.
CACHES["default"]["KEY_PREFIX"] = f"newsroom-test-{os.getpid()}-{os.urandom(4).hex()}"
# The test client speaks plain HTTP; production's redirect to HTTPS is tested in its own process.
SECURE_SSL_REDIRECT = False
# Pages are rendered afresh so that view tests count their own queries; tests/test_cache.py
# turns the page cache on.
PUBLIC_PAGE_CACHE_SECONDS = 0
