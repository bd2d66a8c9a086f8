import datetime as dt
from unittest import mock

from django.conf import settings
from django.test import TestCase
from django.utils import timezone
from lxml import etree

from articles.models import CanonicalPolicy, Status
from articles.public import sitemaps
from tests.factories import make_article, make_source

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
NOW = timezone.now()


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wire = make_source("Energy Wire")
        cls.hidden = make_source("Hidden Wire", include_in_sitemaps=False)
        cls.elsewhere = make_source("Elsewhere Wire", canonical_policy=CanonicalPolicy.ORIGINAL)
        cls.recent = make_article(
            title="Fresh & new", date=NOW - dt.timedelta(hours=2), source=cls.wire, tags=["solar"]
        )
        cls.old = make_article(title="Old story", date=NOW - dt.timedelta(days=30))
        cls.hidden_article = make_article(date=NOW - dt.timedelta(hours=1), source=cls.hidden)
        cls.elsewhere_article = make_article(
            date=NOW - dt.timedelta(hours=1),
            source=cls.elsewhere,
            source_link="https://partner.example.com/release",
        )
        cls.draft = make_article(status=Status.DRAFT)
        cls.future = make_article(date=NOW + dt.timedelta(hours=3))

    def xml(self, url):
        response = self.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        return etree.fromstring(response.content)

    def locs(self, root):
        return [loc.text for loc in root.iterfind(".//sm:loc", NS)]

    def test_sitemap_lists_every_public_canonical_page_with_lastmod(self):
        root = self.xml("/sitemap.xml")
        assert root.tag == f"{{{NS['sm']}}}urlset"
        urls = root.findall("sm:url", NS)
        for url in urls:
            assert url.findtext("sm:loc", namespaces=NS).startswith(settings.SITE_URL + "/")
            dt.date.fromisoformat(url.findtext("sm:lastmod", namespaces=NS))
        assert set(self.locs(root)) == {
            settings.SITE_URL + path
            for path in [
                "/",
                self.recent.get_absolute_url(),
                self.old.get_absolute_url(),
                self.wire.get_absolute_url(),
                "/tags/solar/",
            ]
        }

    def test_sitemap_becomes_an_index_past_the_per_file_limit(self):
        for i in range(4):
            make_article(date=NOW - dt.timedelta(days=i + 2))
        with mock.patch.object(sitemaps.ArticleSitemap, "limit", 2):
            root = self.xml("/sitemap.xml")
            assert root.tag == f"{{{NS['sm']}}}sitemapindex"
            parts = self.locs(root)
            assert len(parts) == 6  # home, sources, tags, and 6 articles in 3 files
            article_urls = []
            for part in parts:
                assert root.find(f"sm:sitemap[sm:loc='{part}']/sm:lastmod", NS) is not None
                page = self.xml(part.removeprefix("http://testserver"))
                assert page.tag == f"{{{NS['sm']}}}urlset"
                if "sitemap-articles" in part:
                    urls = self.locs(page)
                    assert len(urls) <= 2
                    article_urls += urls
        assert len(article_urls) == 6

    def test_index_dates_the_articles_section_by_its_newest_change(self):
        for i in range(4):
            make_article(date=NOW - dt.timedelta(days=i + 2))
        newest = max(
            max(article.date, article.updated_at) for article in sitemaps.sitemap_articles()
        )
        with mock.patch.object(sitemaps.ArticleSitemap, "limit", 2):
            root = self.xml("/sitemap.xml")
        [lastmod, *_] = {
            entry.findtext("sm:lastmod", namespaces=NS)
            for entry in root.findall("sm:sitemap", NS)
            if "sitemap-articles" in entry.findtext("sm:loc", namespaces=NS)
        }
        assert dt.datetime.fromisoformat(lastmod) == newest

    def test_index_does_not_visit_every_article_for_its_dates(self):
        for i in range(4):
            make_article(date=NOW - dt.timedelta(days=i + 2))
        with (
            mock.patch.object(sitemaps.ArticleSitemap, "limit", 2),
            mock.patch.object(
                sitemaps.ArticleSitemap, "lastmod", autospec=True, side_effect=lambda s, a: a.date
            ) as lastmod,
        ):
            root = self.xml("/sitemap.xml")
        assert root.tag == f"{{{NS['sm']}}}sitemapindex"
        assert lastmod.call_count == 0

    def test_unknown_section_is_404(self):
        assert self.client.get("/sitemap-nope.xml").status_code == 404

    def test_news_sitemap_has_the_last_48_hours_with_google_news_elements(self):
        root = self.xml("/sitemap-news.xml")
        [url] = root.findall("sm:url", NS)
        assert url.findtext("sm:loc", namespaces=NS) == self.recent.get_full_url()
        news = url.find("news:news", NS)
        publication = news.find("news:publication", NS)
        assert publication.findtext("news:name", namespaces=NS) == settings.SITE_NAME
        assert publication.findtext("news:language", namespaces=NS) == "en"
        published = dt.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
        assert published == self.recent.date.replace(microsecond=0)
        assert news.findtext("news:title", namespaces=NS) == "Fresh & new"

    def test_news_sitemap_holds_at_most_the_limit_newest_first(self):
        fresh = [make_article(date=NOW - dt.timedelta(minutes=i + 1)) for i in range(5)]
        with mock.patch.object(sitemaps, "NEWS_LIMIT", 3):
            root = self.xml("/sitemap-news.xml")
        assert self.locs(root) == [a.get_full_url() for a in fresh[:3]]

    def test_robots_txt_names_the_sitemaps(self):
        response = self.client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert "User-agent: *" in lines
        assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines
        assert f"Sitemap: {settings.SITE_URL}/sitemap-news.xml" in lines
        assert "Disallow: /search/?" in lines  # results; the search page itself may be read
        assert "Disallow: /search/" not in lines
        assert not any("admin" in line for line in lines)  # ADMIN_URL may be private

    def test_sitemaps_cost_a_fixed_number_of_queries(self):
        for i in range(10):
            make_article(source=make_source(f"Wire {i}"), tags=[f"t{i}"])
        # a count per section to choose between urlset and index, then a count and a page per
        # section (the home page's "page" is its lastmod)
        with self.assertNumQueries(10):
            self.client.get("/sitemap.xml")
        with self.assertNumQueries(2):
            self.client.get("/sitemap-news.xml")
