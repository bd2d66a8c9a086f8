"""The site as a cluster (tests/cluster.py): runs in .ci/run's PostgreSQL pass.

Two gunicorn instances share the test database (PostgreSQL), Redis and a bucket on the S3
endpoint, with Varnish in front of both. The rows the test writes are committed
(TransactionTestCase), so the servers see them.
"""

import os

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection
from django.test import TransactionTestCase

from articles.models import Article, ImportRun, Source
from tests.cluster import (
    VISIBLE_WITHIN_SECONDS,
    AdminClient,
    Cluster,
    edit_through_b,
    image_src,
    poll_on_both,
    request,
    rss,
    upload_through_a,
)
from tests.conftest import require
from tests.factories import make_article
from tests.httpserver import LocalServer
from tests.image_files import image_bytes
from tests.services import ServiceUnavailable
from tests.test_admin import form_data

CACHE_URL = os.environ.get("CACHE_URL", "")
FEED_ITEMS = 20


def database_url():
    """The test database as a URL the servers can use."""
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{host}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )


class ClusterTests(TransactionTestCase):
    # Leave the database as the next serialized_rollback test expects it (tests/test_browser.py).
    serialized_rollback = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if connection.vendor != "postgresql" or not CACHE_URL.startswith("redis://"):
            pytest.skip("the cluster needs PostgreSQL and Redis: it runs in .ci/run's second pass")
        try:
            cls.cluster = Cluster(database_url(), CACHE_URL)
        except ServiceUnavailable as exc:
            require(False, f"cannot start the cluster: {exc}")
        cls.addClassCleanup(cls.cluster.stop)

    def setUp(self):
        # The servers run production's password hashers, not the tests' fast one.
        User.objects.create_superuser("editor", "editor@example.com", None)
        password = PBKDF2PasswordHasher().encode("editor-password", "salt", iterations=1000)
        User.objects.filter(username="editor").update(password=password)
        self.editor = AdminClient()
        self.editor.login(self.cluster.a.url, "editor", "editor-password")

    def test_an_upload_through_a_is_served_through_b_and_varnish(self):
        image = image_bytes("PNG", size=(1600, 900))
        article, url = upload_through_a(self.cluster, self.editor, make_article(), form_data, image)
        page = request(self.cluster.b.url, article.get_absolute_url())[2]
        assert image_src(page) == url
        stored = self.cluster.s3_object(url)
        for base in (self.cluster.b.url, self.cluster.site_url, self.cluster.a.url):
            status, headers, body = request(base, url)
            assert status == 200, base
            assert headers["content-type"] == "image/jpeg"
            assert body == stored
        assert request(self.cluster.site_url, url)[1]["x-cache"] == "hit"

    def test_an_edit_through_b_shows_through_varnish_and_a_within_the_bound(self):
        article = make_article(title="Before the edit")
        path = article.get_absolute_url()
        for _ in range(2):
            request(self.cluster.site_url, path)
            request(self.cluster.a.url, path)
        assert request(self.cluster.site_url, path)[1]["x-cache"] == "hit"
        through_varnish, through_a, _ = edit_through_b(
            self.cluster, self.editor, article, form_data, "After the edit"
        )
        assert through_varnish is not None and through_varnish < VISIBLE_WITHIN_SECONDS
        assert through_a is not None and through_a < VISIBLE_WITHIN_SECONDS

    def test_feed_polling_on_both_servers_at_once_imports_each_item_once(self):
        with LocalServer() as wire:
            # The feed answers slowly, so that the two pollers overlap.
            url = wire.serve(
                "/feed.xml",
                rss(FEED_ITEMS),
                headers={"Content-Type": "application/rss+xml"},
                delay=1.0,
            )
            source = Source.objects.create(name="Cluster Wire", slug="cluster-wire", feed_url=url)
            outputs, _ = poll_on_both(self.cluster)
        imported = Article.objects.filter(source=source)
        assert imported.count() == FEED_ITEMS, outputs
        assert imported.values("feed_item_id").distinct().count() == FEED_ITEMS
        assert ImportRun.objects.filter(source=source).count() == 1
        assert sorted("Polled 1 source(s)" in output for output in outputs) == [False, True]
        assert len(wire.requests) == 1
