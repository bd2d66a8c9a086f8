import datetime as dt
import json
from io import BytesIO
from unittest import mock

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone
from lxml import html
from PIL import Image
from taggit.models import Tag

from articles.models import Article, Status
from articles.public import frontpage
from articles.serving.cache import invalidate_public_pages
from tests.factories import make_article, make_source
from tests.image_files import image_bytes
from tests.pages import page_cache_on, release, warm_generation
from tests.public.test_views import add_articles

NOW = timezone.now()


def days_ago(n):
    return NOW - dt.timedelta(days=n)


def titles(tree, xpath):
    return [" ".join(t.split()) for t in tree.xpath(xpath)]


def home(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return html.fromstring(response.content)


LEAD = "//section[@class='front']//article[contains(@class, 'lead')]//h2//a/text()"
FEATURED = "//section[@class='front']//div[@class='featured']//h2//a/text()"
LATEST = "//div[@class='card-list']//h2//a/text()"


class FrontPageLeadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.newest = make_article(title="Newest story", date=days_ago(1))
        cls.newer = make_article(title="Newer story", date=days_ago(2))
        cls.old_featured = make_article(title="Old featured", date=days_ago(30), featured=True)
        cls.older_featured = make_article(title="Older featured", date=days_ago(40), featured=True)

    def test_an_old_featured_article_leads_above_newer_ones(self):
        tree = home(self.client)
        assert titles(tree, LEAD) == ["Old featured"]
        assert titles(tree, FEATURED) == ["Older featured"]
        assert titles(tree, LATEST) == ["Newest story", "Newer story"]
        order = [" ".join(t.split()) for t in tree.xpath("//main//h2//a/text()")]
        assert order.index("Old featured") < order.index("Newest story")

    def test_no_article_shows_twice(self):
        tree = home(self.client)
        shown = titles(tree, "//main//h2//a/text()")
        assert sorted(shown) == sorted(set(shown))
        assert len(shown) == 4

    def test_the_lead_shows_its_summary_and_the_page_keeps_one_h1(self):
        tree = home(self.client)
        lead = tree.xpath("//article[contains(@class, 'lead')]")[0]
        assert lead.xpath(".//p[@class='lead-summary']/text()") == [self.old_featured.summary]
        assert len(tree.xpath("//h1")) == 1

    def test_at_most_four_featured_articles_lead_the_newest_first(self):
        for n in range(3):
            make_article(title=f"Featured {n}", date=days_ago(10 + n), featured=True)
        tree = home(self.client)
        assert titles(tree, LEAD) == ["Featured 0"]
        assert titles(tree, FEATURED) == ["Featured 1", "Featured 2", "Old featured"]
        assert "Older featured" in titles(tree, LATEST)  # fifth: back among the latest

    def test_only_public_featured_articles_lead(self):
        make_article(title="Featured draft", status=Status.DRAFT, featured=True)
        make_article(title="Featured tomorrow", date=NOW + dt.timedelta(days=1), featured=True)
        response = self.client.get("/")
        assert titles(html.fromstring(response.content), LEAD) == ["Old featured"]
        self.assertNotContains(response, "Featured draft")
        self.assertNotContains(response, "Featured tomorrow")

    def test_later_pages_have_no_lead_and_still_leave_the_lead_out(self):
        with self.settings(ARTICLES_PER_PAGE=1):
            first = home(self.client)
            second = home(self.client, page=2)
        assert titles(first, LATEST) == ["Newest story"]
        assert titles(second, LEAD) == [] and titles(second, FEATURED) == []
        assert titles(second, LATEST) == ["Newer story"]
        self.assertNotContains(self.client.get("/", {"page": 3}), "Old featured", status_code=404)

    def test_without_featured_articles_the_home_page_is_the_latest(self):
        Article.objects.update(featured=False)
        response = self.client.get("/")
        self.assertContains(response, "<h1>Latest news</h1>", html=True)
        self.assertNotContains(response, 'class="front"')


class LocalImagesTests(TestCase):
    """Lists show the article's own renditions; the partner's image URL is never hot-linked."""

    PARTNER = "https://cdn.partner.example/header.jpg"

    def test_cards_and_the_lead_use_local_renditions_only(self):
        fetched = make_article(title="Fetched", enclosure=self.PARTNER, image_alt="A ship")
        # What fetch_enclosures does: the partner's image, stored as the article's own.
        fetched.image.save("fetched.png", ContentFile(image_bytes("PNG", size=(1200, 675))))
        lead = make_article(title="Lead", featured=True, image_alt="A port", date=days_ago(1))
        lead.image.save("lead.png", ContentFile(image_bytes("PNG", size=(1600, 900))))
        make_article(title="Not fetched yet", enclosure=self.PARTNER, image_alt="A crane")
        make_article(
            title="Featured, not fetched", featured=True, enclosure=self.PARTNER, date=days_ago(2)
        )

        response = self.client.get("/")
        self.assertNotContains(response, "cdn.partner.example")
        tree = html.fromstring(response.content)
        cards = {
            " ".join(card.xpath(".//h2//a/text()")[0].split()): card
            for card in tree.xpath("//article[contains(@class, 'card')]")
        }
        thumbnail = Article.objects.get(pk=fetched.pk).renditions.thumbnail
        [img] = cards["Fetched"].xpath(".//img")
        assert img.get("src") == thumbnail.url and img.get("src").startswith("/media/")
        assert (img.get("width"), img.get("height")) == ("160", "90")
        assert cards["Not fetched yet"].xpath(".//img") == []
        assert "has-image" not in cards["Not fetched yet"].get("class")
        assert cards["Featured, not fetched"].xpath(".//img") == []

        [lead_img] = tree.xpath("//article[contains(@class, 'lead')]//img")
        renditions = Article.objects.get(pk=lead.pk).renditions
        assert lead_img.get("src") == renditions.fallback.url
        assert lead_img.get("width") and lead_img.get("height")
        sources = tree.xpath("//article[contains(@class, 'lead')]//source/@srcset")
        assert all(entry.startswith("/media/") for entry in sources[0].split(", "))

    def test_a_lead_without_a_local_image_is_text(self):
        make_article(title="Lead", featured=True, enclosure=self.PARTNER, image_alt="A crane")
        tree = home(self.client)
        assert tree.xpath("//article[contains(@class, 'lead')]//img") == []


@page_cache_on
class FeaturingInvalidatesTests(TestCase):
    """Featuring or unfeaturing shows on the cached home page at once."""

    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        cls.old = make_article(title="Old story", date=days_ago(30))
        cls.new = make_article(title="New story", date=days_ago(1))

    def lead(self):
        return titles(home(self.client), LEAD)

    def test_the_bulk_actions_change_the_cached_home_page_at_once(self):
        assert self.lead() == []
        assert self.lead() == []  # now served from the cache
        editor = self.client_class()
        editor.force_login(self.user)
        changelist = "/admin/articles/article/"
        editor.post(changelist, {"action": "feature", "_selected_action": [self.old.pk]})
        assert self.lead() == ["Old story"]
        editor.post(changelist, {"action": "unfeature", "_selected_action": [self.old.pk]})
        assert self.lead() == []

    def test_saving_an_article_featured_changes_the_cached_home_page_at_once(self):
        assert self.lead() == []
        self.old.featured = True
        self.old.save()
        assert self.lead() == ["Old story"]

    def test_the_navigation_follows_a_new_source(self):
        home(self.client)
        make_article(title="Wire story", source=make_source("Harbour Wire"))
        self.assertContains(self.client.get("/"), "Harbour Wire")


class NavigationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wire = make_source("Zeta Wire")
        cls.other = make_source("Alpha Wire")
        cls.silent = make_source("Silent Wire")  # only a draft: not in the navigation
        make_article(source=cls.wire, tags=["energy", "ports"])
        make_article(source=cls.wire, tags=["energy"])
        make_article(source=cls.other, tags=["energy", "ports", "rail"])
        make_article(source=cls.silent, status=Status.DRAFT, tags=["secret"])

    def test_sources_with_public_articles_and_the_most_used_tags(self):
        nav = frontpage.navigation_now()
        assert [link.name for link in nav.sources] == ["Alpha Wire", "Zeta Wire"]
        assert [link.url for link in nav.sources] == ["/sources/alpha-wire/", "/sources/zeta-wire/"]
        assert [link.name for link in nav.tags] == ["energy", "ports", "rail"]
        assert nav.tags[0].url == "/tags/energy/"

    def test_tags_are_counted_among_the_newest_articles_only(self):
        make_article(tags=["fresh"], date=NOW - dt.timedelta(minutes=1))
        with mock.patch.object(frontpage, "TAG_WINDOW", 1):
            assert [link.name for link in frontpage.navigation_now().tags] == ["fresh"]

    def test_every_page_shows_the_sections_and_a_footer_with_feeds_sitemap_and_search(self):
        for url in ["/", "/tags/energy/", self.wire.get_absolute_url(), "/search/?q=x"]:
            tree = html.fromstring(self.client.get(url).content)
            sections = tree.xpath("//nav[@class='sections']//a/@href")
            assert "/sources/alpha-wire/" in sections and "/tags/energy/" in sections
            assert "/sources/silent-wire/" not in sections and "/tags/secret/" not in sections
            footer = tree.xpath("//footer[@class='site-footer']")[0]
            links = footer.xpath(".//a/@href")
            assert {"/feed/", "/feed/atom/", "/sitemap.xml", "/search/"} <= set(links)
            assert "Press releases from our partner wires" in footer.text_content()

    def test_the_section_of_the_page_is_marked_current(self):
        tree = html.fromstring(self.client.get("/tags/ports/").content)
        assert tree.xpath("//nav[@class='sections']//a[@aria-current='page']/@href") == [
            "/tags/ports/"
        ]

    def test_the_about_line_comes_from_settings(self):
        with self.settings(SITE_ABOUT="Local news from the harbour."):
            self.assertContains(self.client.get("/"), "Local news from the harbour.")


@page_cache_on
class FragmentCostTests(TestCase):
    """The lead and navigation cost a fixed number of queries once per generation, none after."""

    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("Energy Wire")
        cls.tag = Tag.objects.create(name="energy", slug="energy")
        add_articles(10, source=cls.source, tag=cls.tag)
        Article.objects.filter(article_id__in=[7_000_003, 7_000_007]).update(featured=True)

    def assert_costs(self):
        invalidate_public_pages()
        # The generation's start, the lead, the sources, the tags, then the page itself and the
        # sources of its cards, all made anew (articles.public.cards).
        with self.assertNumQueries(6):
            tree = home(self.client)
        assert titles(tree, LEAD) == ["Solar report 3"]
        with self.assertNumQueries(1):  # the same page again, uncached: its query, its cards kept
            home(self.client, page=1)
        with self.assertNumQueries(0):
            home(self.client)  # the page cache

    def test_the_cost_does_not_grow_with_the_archive(self):
        self.assert_costs()
        add_articles(990, source=self.source, tag=self.tag, start=10)
        self.assert_costs()

    def test_the_home_page_with_a_lead_costs_its_one_query_in_a_warm_generation(self):
        warm_generation()
        with self.assertNumQueries(2):  # the page, and the sources of its cards, made anew
            tree = home(self.client)
        assert titles(tree, FEATURED) == ["Solar report 7"]
        with self.settings(PUBLIC_PAGE_CACHE_SECONDS=0), self.assertNumQueries(1):
            tree = home(self.client)  # rendered again: its cards are kept
        assert titles(tree, FEATURED) == ["Solar report 7"]


class SiteIconTests(TestCase):
    def test_favicon_is_an_icon_with_the_usual_sizes(self):
        response = self.client.get("/favicon.ico")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/x-icon"
        icon = Image.open(BytesIO(response.content))
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])

    @page_cache_on
    def test_favicon_is_cacheable(self):
        first = self.client.get("/favicon.ico")
        assert "public" in first["Cache-Control"]
        again = self.client.get("/favicon.ico", headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304

    def test_manifest_names_the_site_and_icons_that_answer(self):
        response = self.client.get("/manifest.webmanifest")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/manifest+json"
        manifest = json.loads(response.content)
        assert manifest["name"] == "Newsroom" and manifest["start_url"] == "/"
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        assert {"192x192", "512x512", "any"} <= sizes
        assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
        for icon in manifest["icons"]:
            with self.subTest(icon=icon["src"]):
                served = self.client.get(icon["src"])
                body = release(served)
                assert served.status_code == 200
                if icon["type"] == "image/png":
                    size = tuple(int(n) for n in icon["sizes"].split("x"))
                    assert Image.open(BytesIO(body)).size == size
                else:
                    assert body.startswith(b"<svg")

    def test_pages_link_the_icon_and_the_manifest(self):
        tree = html.fromstring(self.client.get("/").content)
        assert "/favicon.ico" in tree.xpath("//link[@rel='icon']/@href")
        assert tree.xpath("//link[@rel='manifest']/@href") == ["/manifest.webmanifest"]
        assert tree.xpath("//link[@rel='apple-touch-icon']/@href")
