import datetime as dt
import logging
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

import articles.serving.cache
from articles.editorial import workflow
from articles.models import Article, Status
from articles.serving.cache import (
    GENERATION_KEY,
    exclusive,
    generation_timeout,
    invalidate_public_pages,
    page_key,
)
from tests.conftest import DATA
from tests.factories import article_file, make_article, make_source
from tests.test_admin import form_data

FEEDS = DATA / "feeds"
JULY = dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
class PublicPageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("IBN")
        cls.article = make_article(
            article_id=104649,
            slug="ev-firms",
            title="EV Firms",
            date=JULY,
            source=cls.source,
            tags=["energy"],
        )
        cls.pages = [
            "/",
            cls.article.get_absolute_url(),
            "/202507/",
            "/tags/energy/",
            cls.source.get_absolute_url(),
            reverse("articles:feed"),
            reverse("articles:tag-feed", kwargs={"slug": "energy"}),
            reverse("articles:sitemap"),
            # Search results are never stored (a page per query would let anyone fill the
            # cache): tests/serving/test_cache_keys.py.
        ]

    def test_a_second_request_is_served_without_the_database(self):
        for url in self.pages:
            first = self.client.get(url)
            assert first.status_code == 200, url
            with self.assertNumQueries(0):
                second = self.client.get(url)
            assert second.content == first.content
            assert dict(second.items()) == dict(first.items())
            assert second["ETag"]

    def test_conditional_get_answers_304(self):
        for url in self.pages:
            etag = self.client.get(url)["ETag"]
            response = self.client.get(url, headers={"if-none-match": etag})
            assert response.status_code == 304, url
            assert response.content == b""
            assert self.client.get(url, headers={"if-none-match": '"other"'}).status_code == 200

    def test_saving_an_article_refreshes_every_page_showing_it(self):
        for url in self.pages:
            self.client.get(url)
        self.article.title = "EV Firms Rally"
        self.article.slug = "ev-firms-rally"
        self.article.save()
        for url in self.pages:
            if url == self.article.get_absolute_url().replace("-rally", ""):
                url = self.article.get_absolute_url()
            self.assertContains(self.client.get(url), "/202507/104649-ev-firms-rally")

    def test_unpublishing_removes_the_article_from_cached_pages(self):
        for url in self.pages:
            self.client.get(url)
        self.article.status = Status.DRAFT
        self.article.save()
        assert self.client.get(self.article.get_absolute_url()).status_code == 404
        self.assertNotContains(self.client.get("/"), "EV Firms")

    def test_renaming_a_source_or_tag_refreshes_pages(self):
        self.client.get(self.article.get_absolute_url())
        self.source.name = "Investor Brand Network"
        self.source.save()
        self.assertContains(self.client.get(self.article.get_absolute_url()), "Investor Brand")
        self.article.tags.add("markets")
        self.assertContains(self.client.get(self.article.get_absolute_url()), "markets")
        self.article.tags.clear()
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "markets")

    def test_while_a_changed_page_is_rendered_elsewhere_its_previous_version_is_served(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        self.article.title = "Renamed"
        self.article.save()
        with exclusive(f"render:{page_key(RequestFactory().get(url))}", 60):  # another process
            self.assertContains(self.client.get(url), "<h1>EV Firms</h1>")
        self.assertContains(self.client.get(url), "<h1>Renamed</h1>")

    def test_a_bulk_update_with_the_invalidation_call_shows(self):
        self.client.get("/")
        Article.objects.filter(pk=self.article.pk).update(title="Bulk Title")
        self.assertNotContains(self.client.get("/"), "Bulk Title")  # no signal: still cached
        invalidate_public_pages()
        self.assertContains(self.client.get("/"), "Bulk Title")

    def test_bulk_unpublish_and_tagging_show_on_the_next_get(self):
        Tag.objects.create(name="markets", slug="markets")  # so that tagging saves no Tag
        url = self.article.get_absolute_url()
        self.client.get(url)
        self.client.get("/")
        workflow.add_tag(Article.objects.filter(pk=self.article.pk), "markets")
        self.assertContains(self.client.get(url), "markets")
        workflow.set_status(Article.objects.filter(pk=self.article.pk), Status.DRAFT)
        self.assertNotContains(self.client.get("/"), "EV Firms")
        assert self.client.get(url).status_code == 404

    def test_an_admin_edit_shows_on_the_next_get(self):
        self.client.get(self.article.get_absolute_url())
        editor = self.client_class()
        editor.force_login(User.objects.create_superuser("ed", "ed@example.com", "pw"))
        url = f"/admin/articles/article/{self.article.pk}/change/"
        response = editor.post(url, form_data(self.article, title="Edited In Admin"))
        assert response.status_code == 302
        self.assertContains(self.client.get(self.article.get_absolute_url()), "Edited In Admin")

    def test_an_import_shows_on_the_next_get(self):
        self.client.get("/")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "update.txt"
            path.write_text(article_file(article_id=104649, title="Imported Update", source="IBN"))
            call_command("import_articles", str(path), "--force", verbosity=0)
        self.assertContains(self.client.get("/"), "Imported Update")

    def test_editors_with_a_session_always_get_a_fresh_page(self):
        editor = self.client_class()
        editor.force_login(User.objects.create_user("reader", password="pw"))
        editor.get("/")
        Article.objects.filter(pk=self.article.pk).update(title="Quiet Change")
        self.assertContains(editor.get("/"), "Quiet Change")

    def test_errors_and_redirects_are_not_cached(self):
        stale = f"/202507/{self.article.article_id}-old-slug"
        assert self.client.get(stale).status_code == 301
        assert self.client.get("/tags/nothing/").status_code == 404
        make_article(tags=["nothing"])
        assert self.client.get("/tags/nothing/").status_code == 200


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
class GenerationTests(TestCase):
    def test_a_generation_ends_when_the_next_scheduled_article_is_due(self):
        assert generation_timeout() == 600
        make_article(date=timezone.now() + dt.timedelta(seconds=90))
        assert 89 <= generation_timeout() <= 91

    def test_drafts_dated_in_the_future_do_not_shorten_it(self):
        make_article(date=timezone.now() + dt.timedelta(seconds=90), status=Status.DRAFT)
        assert generation_timeout() == 600

    def test_a_scheduled_article_appears_when_the_generation_ends(self):
        due = make_article(title="Due Soon", date=timezone.now() + dt.timedelta(seconds=90))
        self.assertNotContains(self.client.get("/"), "Due Soon")
        Article.objects.filter(pk=due.pk).update(date=timezone.now() - dt.timedelta(seconds=1))
        cache.delete(GENERATION_KEY)  # what the generation's 90-second expiry does
        self.assertContains(self.client.get("/"), "Due Soon")


@override_settings(
    PUBLIC_PAGE_CACHE_SECONDS=600,
    CACHES={
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            # Nothing listens on port 9 here: every cache call fails at once.
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    },
)
class CacheDownTests(TestCase):
    def test_pages_are_still_served_with_a_logged_warning(self):
        make_article(title="Still Here")
        with (
            mock.patch.object(
                articles.serving.cache, "_last_warning", 0.0
            ),  # warnings are once a minute
            self.assertLogs("articles.serving.cache", logging.WARNING) as logs,
        ):
            self.assertContains(self.client.get("/"), "Still Here")
        assert "Cache unavailable" in logs.output[0]
        self.assertContains(self.client.get("/"), "Still Here")

    def test_saving_still_works(self):
        article = make_article()
        article.title = "Saved Anyway"
        article.save()
        assert Article.objects.get(pk=article.pk).title == "Saved Anyway"


@pytest.mark.django_db
class PollLockTests:
    """Two servers running poll_feeds at once never poll the same source twice."""

    def test_a_source_being_polled_elsewhere_is_skipped(self, local_server):
        url = local_server.serve("/rss", (FEEDS / "rss2.xml").read_bytes())
        source = make_source("Example Wire", feed_url=url)
        out = StringIO()
        with exclusive(f"poll-feed:{source.pk}", 60) as won:  # the other server's poll
            assert won
            call_command("poll_feeds", stdout=out, verbosity=2)
        assert "Example Wire: polled elsewhere, skipped." in out.getvalue()
        assert "Polled 0 source(s)" in out.getvalue()
        assert local_server.requests == []
        call_command("poll_feeds", stdout=out)
        assert len(local_server.requests) == 1
        assert Article.objects.filter(source=source).count() == 3

    def test_a_lock_is_held_by_one_holder_at_a_time_and_released(self):
        with exclusive("job", 60) as first, exclusive("job", 60) as second:
            assert (first, second) == (True, False)
        with exclusive("job", 60) as again:
            assert again
