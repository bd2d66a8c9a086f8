"""Failure behaviour against real broken parts, each in its own process."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PAGES = ["/", "/202507/104649-some-article", "/202507/", "/tags/energy/"]

REQUEST = """
import json, sys, django
django.setup()
from django.test import Client
client = Client(SERVER_NAME="localhost")
responses = [client.get(path) for path in sys.argv[1:]]
print(json.dumps([{
    "status": response.status_code,
    "retry_after": response.get("Retry-After"),
    "csp": response.get("Content-Security-Policy"),
    "body": response.content.decode(),
} for response in responses]))
"""


def get_in_a_process(paths, **env):
    """GET `paths` with the test client in a fresh process started with `env`."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", REQUEST, *paths],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


@pytest.mark.parametrize(
    "database_url",
    [
        # Nothing listens on port 9: the connection is refused at once.
        "postgres://postgres@127.0.0.1:9/newsroom",
        "sqlite:////nonexistent-folder/newsroom.sqlite3",
    ],
)
def test_an_unreachable_database_gives_a_503_page_not_a_traceback(database_url):
    responses, log = get_in_a_process(PAGES, DATABASE_URL=database_url)
    for path, response in zip(PAGES, responses, strict=True):
        assert response["status"] == 503, path
        assert response["retry_after"] == "30"
        assert "Temporarily unavailable" in response["body"]
        assert "Traceback" not in response["body"] and "Error" not in response["body"]
        assert response["csp"]
    assert log.count("Database unavailable") == len(PAGES)
