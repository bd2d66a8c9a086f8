import datetime as dt

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from articles import revisions
from articles.editorial import dashboard
from articles.models import ImportRun, Revision
from tests.factories import make_article, make_source

TODAY = dt.date(2026, 3, 31)


class ImportsChartTests(TestCase):
    def test_bars_stack_sources_per_day_scaled_to_the_busiest_day(self):
        counts = {
            (TODAY, "Wire A"): 6,
            (TODAY, "Wire B"): 2,
            (TODAY - dt.timedelta(days=1), "Wire A"): 4,
        }
        chart = dashboard.imports_chart(counts, days=30, today=TODAY)
        assert chart.peak == 8 and chart.total == 12
        assert [(name, total) for name, _, total in chart.legend] == [("Wire A", 10), ("Wire B", 2)]
        today_bars = [bar for bar in chart.bars if bar.title.startswith("31 Mar")]
        a, b = today_bars
        assert a.height + b.height == chart.plot_bottom - chart.plot_top  # the peak fills it
        assert a.height == 3 * b.height
        assert b.y + b.height == a.y  # stacked on top
        assert a.x == b.x > max(bar.x for bar in chart.bars if bar not in today_bars)
        assert [text for _, text in chart.labels] == [
            "3 Mar",
            "10 Mar",
            "17 Mar",
            "24 Mar",
            "31 Mar",
        ]

    def test_sources_past_the_palette_share_other(self):
        counts = {(TODAY, f"Wire {n}"): n + 1 for n in range(9)}
        chart = dashboard.imports_chart(counts, today=TODAY)
        names = [name for name, _, _ in chart.legend]
        assert names[0] == "Wire 8" and names[-1] == "Other"
        assert {n: t for n, _, t in chart.legend}["Other"] == 1 + 2 + 3

    def test_no_imports_no_bars(self):
        chart = dashboard.imports_chart({}, today=TODAY)
        assert (chart.bars, chart.legend, chart.peak) == ((), (), 0)

    def test_import_counts_new_imported_articles_and_import_and_feed_revisions(self):
        wire = make_source("Wire A")
        article = make_article(source=wire)
        loose = make_article()
        make_article(source=wire, imported_at=timezone.now())  # created by an import
        revisions.record_many(
            [(article, {"title": ["a", "b"]}), (loose, {"title": ["a", "b"]})],
            origin=Revision.Origin.IMPORT,
        )
        revisions.record(article, {"summary": ["a", "b"]}, origin=Revision.Origin.FEED)
        revisions.record(article, {"summary": ["b", "c"]}, origin=Revision.Origin.ADMIN)
        old = revisions.record(article, {"summary": ["c", "d"]}, origin=Revision.Origin.FEED)
        Revision.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
        today = timezone.now().date()
        assert dashboard.import_counts() == {(today, "Wire A"): 3, (today, "No source"): 1}


class DashboardPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        cache.clear()
        self.client.force_login(self.user)

    def test_index_shows_what_needs_attention_and_an_svg_chart(self):
        make_article(summary="")
        make_article(description="d" * 200)
        make_article(enclosure="https://example.com/a.jpg")
        make_article(enclosure="https://example.com/b.jpg", image_alt="B.")
        failed = make_article(image_alt="C.")
        failed.enclosure_error = "HTTP 404"
        failed.save()
        ImportRun.objects.create(kind="files", conflicts=3)
        revisions.record(
            make_article(source=make_source("Wire A")), {"title": ["a", "b"]}, origin="import"
        )

        response = self.client.get("/admin/")
        attention = {key: count for key, _, count in response.context["attention"]}
        assert attention == {
            "no_summary": 1,
            "long_description": 1,
            "missing_alt": 1,
            "enclosure_failed": 1,
            "renditions_failed": 0,  # counted in tests/editorial/test_upload_failures.py
        }
        self.assertContains(response, 'href="/admin/articles/article/?attention=missing_alt"')
        assert response.context["conflicts"] == {"runs": 1, "articles": 3}
        self.assertContains(response, "<svg viewBox=")
        self.assertContains(response, "</title></rect>", count=1)
        self.assertContains(response, "Wire A (1)")
        self.assertNotContains(response, "<script>")

    def test_the_dashboard_costs_a_fixed_number_of_queries(self):
        self.client.get("/admin/")
        for _ in range(20):
            revisions.record(make_article(), {"title": ["a", "b"]}, origin="feed")
        cache.clear()
        with self.assertNumQueries(7):
            self.client.get("/admin/")
        with self.assertNumQueries(4):  # the counts are cached for a minute
            self.client.get("/admin/")
