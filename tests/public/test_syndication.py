import datetime as dt

import feedparser
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone

from articles.models import Status
from tests.factories import make_article, make_source
from tests.image_files import image_bytes
from tests.s3 import OnS3

NOW = timezone.now().replace(microsecond=0)
FEEDS = ["/feed/", "/feed/atom/"]


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("Energy Wire", description="Releases about energy.")
        cls.uploaded = make_article(
            title="Solar & storage <news>",
            date=NOW - dt.timedelta(hours=1),
            summary="The summary.",
            body='<p>Full <strong>body</strong> with <a href="https://e.com/">a link</a>.</p>',
            source=cls.source,
            tags=["energy", "solar"],
        )
        cls.png = image_bytes("PNG", size=(120, 60))
        cls.uploaded.image.save("header.png", ContentFile(cls.png))
        cls.imported = make_article(
            title="Imported image",
            date=NOW - dt.timedelta(hours=2),
            enclosure="https://cdn.example.com/images/wind.jpg",
            tags=["energy"],
        )
        cls.plain = make_article(title="No image", date=NOW - dt.timedelta(hours=3))
        make_article(title="Secret draft", status=Status.DRAFT)
        make_article(title="Tomorrow", date=NOW + dt.timedelta(days=1))

    def parse(self, url):
        response = self.client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, feed.get("bozo_exception")
        return feed

    def entry(self, feed, title):
        return next(e for e in feed.entries if e.title == title)

    def test_site_feeds_parse_cleanly_and_list_published_articles_newest_first(self):
        for url in FEEDS:
            with self.subTest(url=url):
                feed = self.parse(url)
                titles = [e.title for e in feed.entries]
                assert titles == ["Solar & storage <news>", "Imported image", "No image"]

    def test_rss_is_rss_2_and_atom_is_atom(self):
        assert self.parse("/feed/").version == "rss20"
        assert self.parse("/feed/atom/").version == "atom10"

    def test_items_carry_link_summary_content_and_categories(self):
        for url in FEEDS:
            with self.subTest(url=url):
                entry = self.entry(self.parse(url), "Solar & storage <news>")
                assert entry.link == settings.SITE_URL + self.uploaded.get_absolute_url()
                assert entry.summary == "The summary."
                assert "<strong>body</strong>" in entry.content[0].value
                assert {t.term for t in entry.tags} == {"energy", "solar"}

    def test_uploaded_image_is_an_enclosure_of_its_rendition_with_length_and_type(self):
        fallback = self.uploaded.renditions.fallback
        for url in FEEDS:
            with self.subTest(url=url):
                entry = self.entry(self.parse(url), "Solar & storage <news>")
                [enclosure] = entry.enclosures
                assert enclosure.href == settings.SITE_URL + fallback.url
                assert enclosure.length == str(default_storage.size(fallback.name))
                assert enclosure.type == "image/jpeg"

    def test_enclosure_follows_the_editors_crop(self):
        before = self.uploaded.renditions.fallback.name
        self.uploaded.image_crop = {"left": 0.5, "top": 0, "right": 1, "bottom": 1}
        self.uploaded.save()
        after = self.uploaded.renditions.fallback
        assert after.name != before
        [enclosure] = self.entry(self.parse("/feed/"), "Solar & storage <news>").enclosures
        assert enclosure.href == settings.SITE_URL + after.url

    def test_upload_without_renditions_is_sent_as_it_is(self):
        type(self.uploaded).objects.filter(pk=self.uploaded.pk).update(image_renditions={})
        [enclosure] = self.entry(self.parse("/feed/"), "Solar & storage <news>").enclosures
        assert enclosure.href.endswith(".png")
        assert enclosure.length == str(len(self.png))
        assert enclosure.type == "image/png"

    def test_imported_image_url_is_an_enclosure_of_unknown_length(self):
        for url in FEEDS:
            with self.subTest(url=url):
                entry = self.entry(self.parse(url), "Imported image")
                [enclosure] = entry.enclosures
                assert enclosure.href == "https://cdn.example.com/images/wind.jpg"
                assert enclosure.length == "0"
                assert enclosure.type == "image/jpeg"

    def test_article_without_image_has_no_enclosure(self):
        entry = self.entry(self.parse("/feed/"), "No image")
        assert entry.enclosures == []

    def test_rss_content_is_content_encoded(self):
        response = self.client.get("/feed/")
        self.assertContains(response, 'xmlns:content="http://purl.org/rss/1.0/modules/content/"')
        self.assertContains(response, "<content:encoded>&lt;p&gt;Full &lt;strong&gt;body")

    def test_tag_and_source_feeds(self):
        tag = self.parse("/tags/solar/feed/")
        assert [e.title for e in tag.entries] == ["Solar & storage <news>"]
        assert tag.feed.title == f"solar · {settings.SITE_NAME}"
        assert tag.feed.link == settings.SITE_URL + "/tags/solar/"
        source = self.parse("/sources/energy-wire/feed/atom/")
        assert [e.title for e in source.entries] == ["Solar & storage <news>"]
        assert source.feed.subtitle == "Releases about energy."
        assert source.feed.link == settings.SITE_URL + "/sources/energy-wire/"
        site = self.parse("/feed/atom/")
        assert site.feed.title == settings.SITE_NAME
        assert site.feed.link == settings.SITE_URL + "/"
        assert self.client.get("/tags/nope/feed/").status_code == 404
        assert self.client.get("/sources/nope/feed/atom/").status_code == 404

    def test_pages_advertise_their_feeds(self):
        self.assertContains(self.client.get("/"), 'type="application/rss+xml"')
        self.assertContains(self.client.get("/tags/solar/"), 'href="/tags/solar/feed/"')
        self.assertContains(
            self.client.get("/sources/energy-wire/"), 'href="/sources/energy-wire/feed/atom/"'
        )

    def test_feed_costs_a_fixed_number_of_queries(self):
        for i in range(10):
            make_article(source=make_source(f"Wire {i}"), tags=[f"t{i}"])
        with self.assertNumQueries(2):
            self.client.get("/feed/")
        with self.assertNumQueries(3):
            self.client.get("/tags/energy/feed/atom/")


class FeedOnS3Tests(OnS3, FeedTests):
    """FeedTests, with media in a bucket on the S3 endpoint."""
