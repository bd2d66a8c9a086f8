import datetime as dt
import json
from unittest import mock

import segno
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import TestCase
from lxml import html

from articles.models import Article, CanonicalPolicy, Status
from articles.public import related, seo
from tests.factories import make_article, make_source
from tests.image_files import image_bytes
from tests.s3 import OnS3

JULY = dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)


def head(response):
    return html.fromstring(response.content).find("head")


def meta(tree, key):
    """The content of the <meta> named `key` (name= or property=)."""
    found = tree.xpath(f"//meta[@name='{key}' or @property='{key}']/@content")
    return found[0] if found else None


class ArticleMetadataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("Energy Wire", url="https://energy.example.com/")
        cls.article = make_article(
            title="Solar </script><script>alert(1)</script> farm",
            date=JULY,
            summary="The lede.",
            description="What search engines show.",
            enclosure="https://cdn.example.com/header.jpg",
            image_alt="Panels in a field",
            source=cls.source,
            source_link="https://energy.example.com/release",
            tags=["solar", "energy"],
        )

    def setUp(self):
        cache.clear()

    def get(self, article=None):
        return self.client.get((article or self.article).get_absolute_url())

    def json_ld(self, response):
        [block] = html.fromstring(response.content).xpath(
            "//script[@type='application/ld+json']/text()"
        )
        return json.loads(block)

    def test_json_ld_is_a_news_article_with_the_required_keys(self):
        data = self.json_ld(self.get())
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == self.article.title
        assert data["datePublished"] == "2025-07-15T14:15:21+00:00"
        assert dt.datetime.fromisoformat(data["dateModified"]) >= JULY
        assert data["image"] == ["https://cdn.example.com/header.jpg"]
        assert data["author"] == {
            "@type": "Organization",
            "name": "Energy Wire",
            "url": "https://energy.example.com/",
        }
        assert data["publisher"]["name"] == settings.SITE_NAME
        assert data["mainEntityOfPage"] == {
            "@type": "WebPage",
            "@id": self.article.get_full_url(),
        }

    def test_json_ld_cannot_close_its_script_element(self):
        response = self.get()
        assert b"</script><script>alert(1)" not in response.content
        self.assertContains(response, "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)")

    def test_only_script_is_the_json_ld_data_block(self):
        tree = html.fromstring(self.get().content)
        assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]

    def test_canonical_description_open_graph_and_twitter(self):
        tree = head(self.get())
        assert tree.xpath("//link[@rel='canonical']/@href") == [self.article.get_full_url()]
        assert meta(tree, "description") == "What search engines show."
        assert meta(tree, "og:type") == "article"
        assert meta(tree, "og:title") == self.article.title
        assert meta(tree, "og:url") == self.article.get_full_url()
        assert meta(tree, "og:image") == "https://cdn.example.com/header.jpg"
        assert meta(tree, "og:image:alt") == "Panels in a field"
        assert meta(tree, "twitter:card") == "summary_large_image"
        assert meta(tree, "article:published_time") == "2025-07-15T14:15:21+00:00"

    def test_summary_stands_in_for_a_missing_description(self):
        article = make_article(summary="Only a summary.", description="")
        assert meta(head(self.get(article)), "description") == "Only a summary."

    def test_social_card_is_the_1200_by_630_rendition_of_an_uploaded_image(self):
        article = make_article(image_alt="A field")
        article.image.save("header.png", ContentFile(image_bytes("PNG", size=(1600, 900))))
        response = self.get(article)
        tree = head(response)
        social = article.renditions.social
        assert meta(tree, "og:image") == settings.SITE_URL + social.url
        assert (meta(tree, "og:image:width"), meta(tree, "og:image:height")) == ("1200", "630")
        assert meta(tree, "twitter:image") == settings.SITE_URL + social.url
        assert self.json_ld(response)["image"] == [settings.SITE_URL + social.url]

    def test_header_image_has_webp_and_jpeg_renditions_in_srcset(self):
        article = make_article(image_alt="A field")
        article.image.save("header.png", ContentFile(image_bytes("PNG", size=(1600, 900))))
        tree = html.fromstring(self.get(article).content)
        [picture] = tree.xpath("//figure[@class='header-image']/picture")
        [source] = picture.findall(".//source")
        img = picture.find(".//img")
        assert source.get("type") == "image/webp"
        assert [c.split()[1] for c in source.get("srcset").split(", ")] == [
            "400w",
            "800w",
            "1200w",
            "1600w",
        ]
        assert img.get("src").endswith(".jpg")
        assert ".jpg 1600w" in img.get("srcset")
        assert img.get("alt") == "A field"
        assert (img.get("width"), img.get("height")) == ("1200", "675")

    def test_cards_use_the_renditions_too(self):
        article = make_article(image_alt="A field")
        article.image.save("header.png", ContentFile(image_bytes("PNG", size=(800, 450))))
        tree = html.fromstring(self.client.get("/").content)
        [img] = tree.xpath("//article[contains(@class, 'card')]//img")
        thumbnail = Article.objects.get(pk=article.pk).renditions.thumbnail
        assert img.get("src") == thumbnail.url
        assert (img.get("width"), img.get("height")) == ("160", "90")
        assert img.get("loading") == "lazy"

    def test_canonical_points_at_the_original_when_the_source_says_so(self):
        partner = make_source("Partner", canonical_policy=CanonicalPolicy.ORIGINAL)
        article = make_article(source=partner, source_link="https://partner.example.com/r/1")
        response = self.get(article)
        tree = head(response)
        assert tree.xpath("//link[@rel='canonical']/@href") == ["https://partner.example.com/r/1"]
        assert (
            self.json_ld(response)["mainEntityOfPage"]["@id"] == "https://partner.example.com/r/1"
        )

    def test_original_policy_without_a_link_keeps_our_page_canonical(self):
        partner = make_source("Partner", canonical_policy=CanonicalPolicy.ORIGINAL)
        article = make_article(source=partner, source_link="")
        assert seo.canonical_url(article) == article.get_full_url()

    def test_qr_code_is_an_svg_of_the_articles_url_made_once(self):
        with mock.patch("articles.public.seo.segno.make", wraps=segno.make) as make:
            response = self.get()
            self.get()
        make.assert_called_once_with(self.article.get_full_url(), error="m", mask=seo.QR_MASK)
        svg = html.fromstring(response.content).xpath("//figure[@class='qr']/svg")
        assert len(svg) == 1
        assert svg[0].findtext("title") == f"QR code for {self.article.get_full_url()}"
        assert svg[0].find("path").get("d")

    def test_lists_have_a_description_and_canonical(self):
        for url in ["/", "/202507/", "/tags/solar/", self.source.get_absolute_url()]:
            with self.subTest(url=url):
                tree = head(self.client.get(url))
                assert meta(tree, "description")
                assert tree.xpath("//link[@rel='canonical']/@href") == [settings.SITE_URL + url]


class RelatedArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wire = make_source("Wire")
        cls.article = make_article(tags=["solar", "grid"], source=cls.wire, date=JULY)
        cls.both_tags = make_article(tags=["solar", "grid"], date=JULY - dt.timedelta(days=9))
        cls.one_tag = make_article(tags=["solar"], date=JULY - dt.timedelta(days=1))
        cls.same_source = make_article(source=cls.wire, date=JULY - dt.timedelta(days=2))
        cls.unrelated = make_article(tags=["sport"], date=JULY)
        cls.draft = make_article(tags=["solar", "grid"], status=Status.DRAFT)

    def test_ranks_shared_tags_then_same_source_newest_first(self):
        response = self.client.get(self.article.get_absolute_url())
        assert list(response.context["related_articles"]) == [
            self.both_tags,
            self.one_tag,
            self.same_source,
        ]
        self.assertContains(response, "Related articles")

    def test_looks_only_among_the_newest_articles(self):
        newest_three = related.newest_public_now()[:3]
        # The three newest public articles are the article itself, `unrelated` and `one_tag`:
        # `same_source` and `both_tags`, older, are outside the window.
        chosen = related.choose(self.article, 4, newest=newest_three).articles
        assert chosen == [self.one_tag]

    def test_takes_whole_archive_when_smaller_than_the_window(self):
        chosen = related.choose(self.article, 4).articles
        assert [a.shared_tags for a in chosen] == [2, 1, 0]
        assert chosen == [self.both_tags, self.one_tag, self.same_source]

    def test_article_with_a_source_only_relates_by_source(self):
        wired = make_article(source=self.wire, date=JULY - dt.timedelta(days=3))
        response = self.client.get(wired.get_absolute_url())
        assert list(response.context["related_articles"]) == [self.article, self.same_source]

    def test_article_without_tags_or_source_has_none(self):
        lonely = make_article()
        response = self.client.get(lonely.get_absolute_url())
        assert list(response.context["related_articles"]) == []
        self.assertNotContains(response, "Related articles")


class ArticleMetadataOnS3Tests(OnS3, ArticleMetadataTests):
    """ArticleMetadataTests, with media in a bucket on the S3 endpoint."""
