"""Numbers past what a page, a month or an article ID can be: 404, never a fake outage."""

import datetime as dt

from django.contrib.auth.models import User
from django.test import TestCase

from articles.public.pagination import PAGE_MAX
from tests.factories import make_article

HUGE = "99999999999999999999"


class OutOfRangeUrlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(
            slug="release", date=dt.datetime(2025, 7, 15, tzinfo=dt.UTC), tags=["energy"]
        )

    def test_out_of_range_urls_answer_404_with_nothing_logged_at_error(self):
        urls = [
            f"/?page={HUGE}",
            f"/?page={PAGE_MAX + 1}",
            f"/202507/?page={HUGE}",
            f"/tags/energy/?page={HUGE}",
            f"/search/?q=release&page={HUGE}",
            "/999912/",
            "/999901/",
            f"/202507/{HUGE}-release",
            f"/202507/{HUGE}",
            f"/sitemap-articles.xml?p={HUGE}",
        ]
        for url in urls:
            with self.subTest(url=url), self.assertNoLogs(level="ERROR"):
                assert self.client.get(url).status_code == 404

    def test_the_highest_page_and_month_still_answer(self):
        assert self.client.get(f"/?page={PAGE_MAX}").status_code == 404  # empty, not an error
        assert self.client.get("/999812/").status_code == 200
        assert self.client.get("/?page=1").status_code == 200

    def test_the_admin_month_filter_past_the_last_month_is_an_empty_list(self):
        self.client.force_login(User.objects.create_superuser("boss", "b@example.com", "pw"))
        with self.assertNoLogs(level="ERROR"):
            response = self.client.get("/admin/articles/article/?month=999912")
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == []
