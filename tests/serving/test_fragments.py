"""Parts of public pages kept apart from the pages (articles.serving.fragments).

The page cache is off here (tests/settings.py), as for a page rendered again after its cached
copy expired or was dropped: what these tests show is what the page is then made of. Each test
starts with an empty cache (tests/conftest.py).
"""

import datetime as dt
from unittest import mock

from django.contrib.auth.models import User
from django.test import Client, TestCase
from django.utils import timezone
from lxml import html
from taggit.models import Tag

from articles.models import Article, Status
from tests.factories import make_article, make_source

ARTICLE_PARTS = {"articles/_article.html", "articles/_article_meta.html"}


def rendered(response):
    """The names of the templates rendering `response` rendered."""
    return {template.name for template in response.templates}


class ArticlePartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wire = make_source("Energy Wire")
        cls.article = make_article(title="Grid deal", source=cls.wire, tags=["energy"])

    def get(self):
        response = self.client.get(self.article.get_absolute_url())
        assert response.status_code == 200
        return response

    def test_the_articles_own_part_is_rendered_once(self):
        assert rendered(self.get()) >= ARTICLE_PARTS
        with self.assertNumQueries(0):  # its row kept with its part, its related articles too
            again = self.get()
        assert not ARTICLE_PARTS & rendered(again)
        self.assertContains(again, "<h1>Grid deal</h1>", html=True)
        self.assertContains(again, '<svg width="')

    def test_a_saved_article_shows_at_once(self):
        self.get()
        self.article.title = "Grid deal signed"
        self.article.save()
        self.assertContains(self.get(), "<h1>Grid deal signed</h1>", html=True)

    def test_a_tag_added_or_renamed_shows_at_once(self):
        self.get()
        self.article.tags.add("storage")
        self.assertContains(self.get(), ">storage</a>")
        tag = Tag.objects.get(name="storage")
        tag.name = "batteries"
        tag.save()
        response = self.get()
        self.assertContains(response, ">batteries</a>")
        self.assertNotContains(response, ">storage</a>")

    def test_its_source_renamed_shows_at_once(self):
        self.get()
        self.wire.name = "Power Wire"
        self.wire.save()
        self.assertContains(self.get(), ">Power Wire</a>")

    def test_an_article_unpublished_leaves_at_once_and_staff_see_the_banner(self):
        self.get()
        self.article.status = Status.DRAFT
        self.article.save()
        assert self.client.get(self.article.get_absolute_url()).status_code == 404
        self.client.force_login(User.objects.create_user("editor", is_staff=True))
        response = self.get()
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertContains(response, "Not published.")

    def test_a_scheduled_article_kept_by_a_staff_visit_goes_public_when_it_is_due(self):
        due = timezone.now() + dt.timedelta(hours=1)
        scheduled = make_article(title="Embargoed", date=due)
        staff = Client()
        staff.force_login(User.objects.create_user("editor", is_staff=True))
        self.assertContains(staff.get(scheduled.get_absolute_url()), "Not published.")
        assert self.client.get(scheduled.get_absolute_url()).status_code == 404
        later = due + dt.timedelta(minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = self.client.get(scheduled.get_absolute_url())
        assert response.status_code == 200
        assert not ARTICLE_PARTS & rendered(response)  # the part the staff visit kept
        self.assertNotContains(response, "Not published.")

    def test_a_deleted_article_answers_404_at_once(self):
        self.get()
        url = self.article.get_absolute_url()
        self.article.delete()
        assert self.client.get(url).status_code == 404


class CardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.articles = [make_article(title=f"Story {n}", summary=f"Summary {n}") for n in range(3)]

    def test_a_lists_cards_are_rendered_once_for_the_same_articles(self):
        assert "articles/_card.html" in rendered(self.client.get("/"))
        again = self.client.get("/")
        assert "articles/_card.html" not in rendered(again)
        self.assertContains(again, "Summary 2")
        self.assertContains(again, '<h2 class="card-title">', count=3)

    def test_a_new_article_on_top_renders_its_own_card_alone(self):
        self.client.get("/")
        make_article(title="Newest", summary="Summary new")
        response = self.client.get("/")
        assert [t.name for t in response.templates].count("articles/_card.html") == 1
        tree = html.fromstring(response.content)
        assert tree.xpath("//h2[@class='card-title']/a/text()")[:2] == ["Newest", "Story 2"]

    def test_a_card_follows_its_article_even_without_a_signal(self):
        self.client.get("/")
        # A write that sends no signal and drops nothing: the cards are keyed by what they show.
        Article.objects.filter(pk=self.articles[0].pk).update(summary="Summary changed")
        response = self.client.get("/")
        self.assertContains(response, "Summary changed")
        self.assertNotContains(response, "Summary 0")


class SitePartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wire = make_source("Energy Wire")
        make_article(title="Grid deal", source=cls.wire, tags=["energy"])

    def test_the_parts_around_the_content_are_rendered_once_a_generation(self):
        parts = {"_head.html", "_masthead.html", "_footer.html"}
        assert parts <= rendered(self.client.get("/"))
        again = self.client.get("/202001/")
        assert not parts & rendered(again)
        tree = html.fromstring(again.content)
        assert tree.xpath("//nav[@class='sections']//a/text()") == ["Energy Wire", "energy"]
        assert tree.xpath("//footer[@class='site-footer']//h2/text()")[0] == "Newsroom"

    def test_the_current_section_is_marked_on_its_own_page(self):
        self.client.get("/")
        for url in (self.wire.get_absolute_url(), "/tags/energy/"):
            with self.subTest(url=url):
                tree = html.fromstring(self.client.get(url).content)
                current = tree.xpath("//nav[@class='sections']//a[@aria-current='page']/@href")
                assert current == [url]
        tree = html.fromstring(self.client.get("/").content)
        assert tree.xpath("//nav[@class='sections']//a[@aria-current]") == []

    def test_the_search_box_keeps_the_query_on_the_search_page(self):
        self.client.get("/")
        tree = html.fromstring(self.client.get("/search/", {"q": "grid"}).content)
        assert tree.xpath("//input[@id='site-search']/@value") == ["grid"]
        tree = html.fromstring(self.client.get("/").content)
        assert tree.xpath("//input[@id='site-search']/@value") == [""]

    def test_a_new_source_shows_in_the_navigation_at_once(self):
        self.client.get("/")
        make_article(title="Wind", source=make_source("Wind Wire"))
        tree = html.fromstring(self.client.get("/").content)
        assert "Wind Wire" in tree.xpath("//nav[@class='sections']//a/text()")
