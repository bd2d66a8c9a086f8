"""Failure behaviour against real broken parts, each in its own process."""

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client, TestCase, override_settings

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


# Migrates a SQLite file, logs an editor in, then waits for the test to hold the write lock and
# makes two requests that must write: a login (a new session, last_login) and an admin save. Then
# the same again once the lock is released.
LOCKED_WRITES = """
import json, sys, time, django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

call_command("migrate", verbosity=0)
editor = Client(SERVER_NAME="localhost", raise_request_exception=False)
credentials = {"username": "editor", "password": "long-pass-123"}
editor.force_login(User.objects.create_superuser(email="editor@example.com", **credentials))
# Wait a tenth of a second for the lock, not production's 20 s busy timeout.
connection.close()
connection.settings_dict["OPTIONS"]["timeout"] = 0.1
source = {
    "name": "Locked Wire", "slug": "locked-wire", "poll_interval": "00:30:00",
    "default_status": "draft", "canonical_policy": "ours", "is_active": "on",
}

def timed(request, *args):
    start = time.monotonic()
    response = request(*args)
    return {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
        "seconds": time.monotonic() - start,
    }

def writes():
    login = Client(SERVER_NAME="localhost", raise_request_exception=False)
    return [
        timed(login.post, reverse("admin:login"), credentials),
        timed(editor.post, reverse("admin:articles_source_add"), source),
    ]

print("ready", flush=True)
sys.stdin.readline()
print(json.dumps(writes()), flush=True)
sys.stdin.readline()
print(json.dumps(writes()), flush=True)
"""


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's database-wide write lock: PostgreSQL has none to hold "
    "(its writers queue on row locks), so this runs in the SQLite pass only",
)
def test_a_write_lock_held_past_the_busy_timeout_gives_a_503_page_not_a_traceback(tmp_path):
    database = tmp_path / "locked.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    with subprocess.Popen(
        [sys.executable, "-c", LOCKED_WRITES],
        cwd=settings.BASE_DIR,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as site:
        try:
            assert site.stdout.readline() == "ready\n", site.stderr.read()
            # Another process (an import, say) holds the write lock from its own connection.
            with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as lock:
                lock.execute("BEGIN IMMEDIATE")
                site.stdin.write("go\n")
                site.stdin.flush()
                locked = json.loads(site.stdout.readline() or "null")
            out, log = site.communicate("go\n", timeout=60)
        finally:
            site.kill()
    assert locked, log
    for response in locked:
        assert response["status"] == 503
        assert response["retry_after"] == "30"
        assert "Temporarily unavailable" in response["body"]
        assert "Traceback" not in response["body"] and "Error" not in response["body"]
        assert 0.1 <= response["seconds"] < 5  # waited out the short busy timeout, no longer
    assert log.count("Database unavailable") == log.count("database is locked") == 2
    assert "Traceback" not in log
    # The same writes succeed once the lock is gone: it was the lock that answered 503.
    assert [response["status"] for response in json.loads(out)] == [302, 302]


class DatabaseErrorOutsideViewsTests(TestCase):
    """A database error raised after the view, by a middleware, is the 503 page too."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_superuser("editor", "editor@example.com", "pw-123456")

    def setUp(self):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.editor)

    @override_settings(SESSION_SAVE_EVERY_REQUEST=True)
    def test_session_saved_while_the_database_is_locked_gives_the_503_page(self):
        locked = OperationalError("database is locked")
        with (
            mock.patch.object(SessionStore, "save", side_effect=locked),
            self.assertLogs("articles.serving.middleware", "ERROR") as logs,
        ):
            response = self.client.get("/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        self.assertContains(response, "Temporarily unavailable", status_code=503)
        assert "database is locked" in logs.output[0]

    def test_other_errors_keep_the_500_page(self):
        with mock.patch(
            "articles.public.views.ArticleListView.get_queryset", side_effect=ValueError
        ):
            response = self.client.get("/")
        assert response.status_code == 500
        self.assertNotContains(response, "Temporarily unavailable", status_code=500)
