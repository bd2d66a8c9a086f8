"""/healthz for load balancers: the database and the cache, answered without a login."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, TestCase, override_settings

from tests.serving.test_failure import get_in_a_process


class HealthzTests(TestCase):
    def test_ok_when_the_database_and_cache_answer(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok\n"
        assert response["Content-Type"].startswith("text/plain")
        assert "no-store" in response["Cache-Control"]

    def test_answers_without_a_login_and_refuses_writes(self):
        assert self.client.post("/healthz").status_code == 405
        assert self.client.head("/healthz").status_code == 200

    def test_503_with_a_short_reason_when_the_database_is_gone(self):
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
            side_effect=OperationalError("could not connect to server: secret-host:5432"),
        ):
            response = self.client.get("/healthz")
        assert response.status_code == 503
        assert response.content == b"database unavailable\n"
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]

    def test_ok_but_says_so_when_the_cache_is_down(self):
        with mock.patch.object(cache, "set", side_effect=ConnectionError("redis down")):
            response = self.client.get("/healthz")
        assert response.status_code == 200
        assert b"cache unavailable" in response.content

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_load_balancers_may_ask_over_plain_http(self):
        client = Client()  # its middleware reads the overridden setting
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 301

    @override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
    def test_never_served_from_the_page_cache(self):
        assert self.client.get("/healthz").status_code == 200
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
            side_effect=OperationalError("gone"),
        ):
            assert self.client.get("/healthz").status_code == 503


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:9/newsroom", "sqlite:////nonexistent-folder/newsroom.sqlite3"],
)
def test_healthz_of_a_server_whose_database_is_unreachable(database_url):
    (response,), _ = get_in_a_process(["/healthz"], DATABASE_URL=database_url)
    assert response["status"] == 503
    assert response["body"] == "database unavailable\n"
    assert "127.0.0.1" not in response["body"] and "nonexistent" not in response["body"]
