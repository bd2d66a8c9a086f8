"""The HTTP cache in front: s-maxage on public pages, purges after commit, Varnish with our VCL."""

import contextlib
import datetime as dt
import http.client
import logging
import socket
import time
from unittest import mock
from urllib.parse import urlsplit

from django.db import transaction
from django.test import LiveServerTestCase, TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.serving import frontcache
from tests.conftest import require
from tests.factories import make_article
from tests.services import ServiceUnavailable, Varnish


class Recording(frontcache.FrontCache):
    """A front cache that notes what it was asked (the dotted-path hook other CDNs implement)."""

    calls = []
    fail = False

    def purge(self, urls):
        self.calls.append(("purge", list(urls)))

    def purge_all(self):
        self.calls.append(("purge_all",))
        if self.fail:
            raise OSError("the CDN said no")


RECORDING = "tests.serving.test_frontcache.Recording"


@override_settings(FRONT_CACHE=RECORDING)
class PurgeAfterCommitTests(TestCase):
    def setUp(self):
        Recording.calls = []
        Recording.fail = False

    def test_a_save_purges_every_page_once_after_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            article = make_article(tags=["energy"])
            article.title = "Changed"
            article.save()
            assert Recording.calls == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert Recording.calls == [("purge_all",)]

    def test_a_rolled_back_change_purges_nothing(self):
        with (
            self.captureOnCommitCallbacks(execute=True),
            contextlib.suppress(RuntimeError),
            transaction.atomic(),
        ):
            make_article()
            raise RuntimeError("rolled back")
        assert Recording.calls == []

    def test_a_failing_purge_is_logged_and_the_save_stands(self):
        Recording.fail = True
        with (
            self.assertLogs("articles.serving.frontcache", logging.WARNING) as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            article = make_article(title="Saved anyway")
        assert "Front cache purge_all failed" in logs.output[0]
        assert Article.objects.get(pk=article.pk).title == "Saved anyway"

    def test_urls_are_purged_as_absolute_urls_of_the_site(self):
        with (
            self.settings(SITE_URL="https://news.example.com"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            frontcache.purge(["/", "/tags/energy/"])
        assert Recording.calls == [
            ("purge", ["https://news.example.com/", "https://news.example.com/tags/energy/"])
        ]

    @override_settings(FRONT_CACHE="")
    def test_off_by_default_nothing_is_sent(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            make_article()
        assert Recording.calls == []
        assert frontcache.backend() is None
        assert callbacks  # the page cache's own drop still runs after commit


class SilentServer:
    """A TCP server that accepts connections and never answers: a hung cache."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        return self

    def __exit__(self, *exc):
        self.socket.close()


class VarnishBackendTests(TestCase):
    def test_a_hung_cache_costs_the_timeout_then_a_logged_failure(self):
        with SilentServer() as hung:
            cache = frontcache.Varnish(addresses=[hung.url, hung.url], timeout=0.3)
            started = time.monotonic()
            with (
                self.settings(
                    FRONT_CACHE="varnish", FRONT_CACHE_ADDRESSES=[hung.url], FRONT_CACHE_TIMEOUT=0.3
                ),
                self.assertLogs("articles.serving.frontcache", logging.WARNING),
            ):
                assert frontcache.run("purge_all") is False
            with self.assertRaisesRegex(OSError, "timed out"):
                cache.purge(["http://127.0.0.1/"])
        assert time.monotonic() - started < 1.5  # 3 requests of 0.3 s, and some slack

    def test_a_closed_port_fails_fast_and_names_the_address(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{s.getsockname()[1]}"
        cache = frontcache.Varnish(addresses=[closed], timeout=1)
        with self.assertRaisesRegex(OSError, closed):
            cache.purge_all()


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600, PUBLIC_PAGE_SHARED_MAX_AGE=300)
class SharedMaxAgeTests(TestCase):
    def test_public_pages_let_shared_caches_keep_them_and_browsers_revalidate(self):
        response = self.client.get("/")
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=0", "s-maxage=300"}

    def test_a_scheduled_article_shortens_it_to_its_time(self):
        make_article(date=timezone.now() + dt.timedelta(seconds=90))
        response = self.client.get("/")
        s_maxage = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 1 <= s_maxage <= 91

    def test_a_page_from_the_page_cache_says_its_age(self):
        first = self.client.get("/")
        assert "Age" not in first
        with mock.patch("articles.serving.cache.time.time", return_value=time.time() + 42):
            again = self.client.get("/")
        assert again.content == first.content
        assert 42 <= int(again["Age"]) <= 44
        assert "X-Page-Rendered-At" not in again

    @override_settings(PUBLIC_PAGE_SHARED_MAX_AGE=0)
    def test_without_a_front_cache_pages_say_no_age(self):
        self.client.get("/")
        assert "Age" not in self.client.get("/")


def start_varnish(backend_url, **options):
    parts = urlsplit(backend_url)
    try:
        return Varnish([(parts.hostname, parts.port)], **options)
    except ServiceUnavailable as exc:
        require(False, f"no Varnish: {exc}")


def get(base, path, method="GET", **headers):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_until(check, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600, PUBLIC_PAGE_SHARED_MAX_AGE=600)
class VarnishTests(LiveServerTestCase):
    """Varnish with the repository's VCL in front of a live server; the app purges it."""

    # Leave the database as the next serialized_rollback test expects it (tests/test_browser.py).
    serialized_rollback = True

    def setUp(self):
        self.varnish = start_varnish(self.live_server_url)
        self.addCleanup(self.varnish.stop)
        # Varnish routes to the app once its probe has seen it healthy.
        assert wait_until(lambda: get(self.varnish.url, "/robots.txt")[0] == 200)
        self.article = make_article(title="First headline")
        self.path = self.article.get_absolute_url()

    def test_pages_are_kept_until_an_edit_purges_them(self):
        settings = {"FRONT_CACHE": "varnish", "FRONT_CACHE_ADDRESSES": [self.varnish.url]}
        with self.settings(**settings):
            get(self.varnish.url, self.path)
            status, headers, body = get(self.varnish.url, self.path)
            assert status == 200 and headers["X-Cache"] == "hit"
            assert b"First headline" in body
            self.article.title = "Second headline"
            self.article.save()  # autocommit: the purge goes out now
            status, headers, body = get(self.varnish.url, self.path)
        assert headers["X-Cache"] == "miss"
        assert b"Second headline" in body

    def test_an_editor_with_a_session_always_reaches_the_app(self):
        get(self.varnish.url, self.path)
        _, headers, _ = get(self.varnish.url, self.path, Cookie="sessionid=abc")
        assert headers["X-Cache"] == "miss"
        _, headers, _ = get(self.varnish.url, "/admin/login/")
        _, headers, _ = get(self.varnish.url, "/admin/login/")
        assert headers["X-Cache"] == "miss"

    def test_a_purge_drops_one_url_and_a_ban_every_page(self):
        host = urlsplit(self.varnish.url).netloc
        for _ in range(2):
            get(self.varnish.url, self.path, Host=host)
            get(self.varnish.url, "/", Host=host)
        assert get(self.varnish.url, self.path, "PURGE", Host=host)[0] == 200
        assert get(self.varnish.url, self.path, Host=host)[1]["X-Cache"] == "miss"
        assert get(self.varnish.url, "/", Host=host)[1]["X-Cache"] == "hit"
        assert get(self.varnish.url, "/", "BAN")[0] == 200
        assert get(self.varnish.url, "/", Host=host)[1]["X-Cache"] == "miss"


class VarnishAclTests(LiveServerTestCase):
    serialized_rollback = True

    def test_purges_from_other_addresses_are_refused(self):
        varnish = start_varnish(self.live_server_url, purgers=("192.0.2.1",))
        self.addCleanup(varnish.stop)
        for method in ("PURGE", "BAN"):
            status, _, body = get(varnish.url, "/", method)
            assert status == 405, method
            assert body == b"Not allowed"
