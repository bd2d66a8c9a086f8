"""The page cache keys on what a view reads: junk query strings add nothing to it."""

import datetime as dt

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import TestCase, override_settings

from articles.serving.cache import GENERATION_KEY
from tests.factories import make_article, make_source

JULY = dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)


def stored_pages():
    """How many public pages the cache holds (this test run's keys only)."""
    cache = caches["default"]  # the backend itself, not django.core.cache.cache's proxy
    pattern, generation = cache.make_key("public-pages:*"), cache.make_key(GENERATION_KEY)
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        keys = [key.decode() for key in client.scan_iter(match=pattern, count=1000)]
    else:
        keys = [key for key in cache._cache if key.startswith(pattern[:-1])]
    return sum(1 for key in keys if key != generation)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
class CacheKeyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        source = make_source("IBN")
        for n in range(25):  # two pages of the home list
            make_article(
                title=f"Release {n}", date=JULY - dt.timedelta(hours=n), source=source, tags=["x"]
            )

    def test_junk_query_strings_add_no_cache_entries(self):
        for page in ["/", "/sitemap.xml", "/feed/", "/tags/x/", "/202507/"]:
            first = self.client.get(page)
            assert first.status_code == 200
            stored = stored_pages()
            for junk in ["?utm_source=news", "?cb=1", "?cb=2&utm_medium=x", "?cb=3&p=9"]:
                with self.subTest(url=page + junk), self.assertNumQueries(0):
                    response = self.client.get(page + junk)
                assert response.content == first.content
            assert stored_pages() == stored, page

    def test_a_page_number_is_keyed_as_the_view_reads_it(self):
        second = self.client.get("/?page=2")
        assert second.status_code == 200
        stored = stored_pages()
        for spelling in ["/?page=02", "/?page=+2", "/?page=2&page=2", "/?utm=1&page=2"]:
            with self.subTest(url=spelling), self.assertNumQueries(0):
                assert self.client.get(spelling).content == second.content
        assert stored_pages() == stored
        # A parameter the view reads still makes its own page.
        assert self.client.get("/?page=1").content != second.content

    def test_search_results_are_rendered_per_query_and_never_stored(self):
        stored = stored_pages()
        for n in range(3):
            response = self.client.get(f"/search/?q=release+{n}")
            assert response.status_code == 200
            assert "Release" in response.content.decode()
        assert stored_pages() == stored
        with self.assertNumQueries(2):  # rendered again: count and results
            self.client.get("/search/?q=release+0")

    def test_pages_of_a_404_are_never_stored(self):
        stored = stored_pages()
        for n in range(3):
            assert self.client.get(f"/?page=x{n}").status_code == 404
            assert self.client.get(f"/?page={100 + n}").status_code == 404
        assert stored_pages() == stored

    def test_empty_month_archives_are_never_stored(self):
        stored = stored_pages()
        for month in ["/202001/", "/300012/", "/999812/"]:
            response = self.client.get(month)
            assert response.status_code == 200
            assert "no-store" in response["Cache-Control"]
        assert stored_pages() == stored
        assert self.client.get("/202507/").status_code == 200
        assert stored_pages() == stored + 1
