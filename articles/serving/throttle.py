"""Admin login throttling: a few failures for one username or from one address, then a pause.

Failures are counted in the cache, so every app server sharing it sees the same counts. Each
counter lives LOGIN_COOLDOWN_SECONDS from its first failure. Counting per username stops guessing
one editor's password from many addresses; counting per address stops one address from trying
many usernames. A username is counted as Django authenticates it (NFKC: fullwidth or
mathematical look-alike letters are the same user) and without case. When the cache is down the
login is not throttled (a warning is logged): editors keep their admin, and the passwords still
have to be right.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.core.cache import cache

from articles.serving.cache import warn_cache_down


def client_address(request):
    """The client's address, read through PROXY_COUNT trusted reverse proxies."""
    hops = settings.PROXY_COUNT
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops and forwarded[-hops]:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def username_key(username):
    """The username as the login counts it: Django's NFKC normalisation, then case-folded."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keys(username, address):
    user = hashlib.sha256(username_key(username).encode("utf-8", "replace")).hexdigest()
    return [f"login-failures:user:{user}", f"login-failures:addr:{address}"]


def is_locked(username, address):
    """Whether a login by `username` from `address` must wait for the cool-down."""
    try:
        counts = cache.get_many(_keys(username, address))
    except Exception as exc:
        warn_cache_down(exc)
        return False
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(username, address):
    for key in _keys(username, address):
        try:
            if cache.add(key, 1, settings.LOGIN_COOLDOWN_SECONDS):
                continue
            cache.incr(key)
        except ValueError:
            # The counter expired between add() and incr(): start it again.
            cache.add(key, 1, settings.LOGIN_COOLDOWN_SECONDS)
        except Exception as exc:
            warn_cache_down(exc)


def clear_failures(username):
    """A successful login forgives that username's failures (not its address's)."""
    try:
        cache.delete(_keys(username, "")[0])
    except Exception as exc:
        warn_cache_down(exc)
