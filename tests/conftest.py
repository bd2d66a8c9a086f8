import os
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

DATA = Path(__file__).parent / "data"

# In CI every real part (database server, browser, validator, Hugo) must be there: a test that
# would skip for want of one fails instead, so a green run never hides an untested path.
REQUIRE_REAL_PARTS = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available, reason):
    """Skip the calling test with `reason` unless `available`; in CI, fail instead."""
    if available:
        return
    if REQUIRE_REAL_PARTS:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def seed_file():
    return DATA / "seed-article.txt"


@pytest.fixture
def local_server(settings):
    """A real HTTP server on 127.0.0.1 (see tests/httpserver.py); fetching from it is allowed."""
    from tests.httpserver import LocalServer

    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    with LocalServer() as server:
        yield server


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with no cached pages and no counted login failures (this run's keys only)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):  # maybe shared with other runs: clear() would empty theirs
        client = cache._cache.get_client(write=True)
        try:
            keys = list(client.scan_iter(match=cache.make_key("*"), count=1000))
        except redis.ConnectionError:  # a test that points the cache at nothing
            return
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture
def folder(tmp_path):
    """Write a file under a temporary folder: `folder("2025/a.md", text_or_bytes)`."""

    def write(name, text):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    write.path = tmp_path
    return write


@pytest.fixture(params=["local", "s3"])
def media_storage(request, settings):
    """Run the test with media on local disk, then in a bucket on a real S3 endpoint."""
    if request.param == "s3":
        from tests.s3 import s3_media_settings

        for name, value in s3_media_settings().items():
            setattr(settings, name, value)
    return request.param
