import os
from pathlib import Path

import pytest

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
