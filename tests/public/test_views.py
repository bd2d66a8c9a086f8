import datetime as dt

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Status, TaggedArticle
from articles.serving.cache import LINKS_KEY, invalidate_page_groups
from articles.serving.page_groups import group_of
from tests.factories import make_article, make_source
from tests.pages import page_cache_on, warm_generation

JULY = dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)


class ArticleDetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("IBN")
        cls.article = make_article(
            article_id=104649,
            slug="chinese-ev-firms",
            title="Chinese EV Firms",
            date=JULY,
            source=cls.source,
            source_link="https://example.com/original",
            enclosure="https://cdn.example.com/header.png",
            body="<p>The body text.</p>",
            tags=["energy"],
        )

    def test_canonical_url_is_month_id_and_slug(self):
        assert self.article.get_absolute_url() == "/202507/104649-chinese-ev-firms"

    def test_month_is_taken_in_utc(self):
        late = make_article(date=dt.datetime(2025, 7, 31, 23, 30, tzinfo=dt.UTC), slug="late")
        assert late.get_absolute_url().startswith("/202507/")

    def test_shows_the_article(self):
        response = self.client.get("/202507/104649-chinese-ev-firms")
        self.assertContains(response, "<h1>Chinese EV Firms</h1>", html=True)
        self.assertContains(response, "<p>The body text.</p>", html=True)
        self.assertContains(response, 'href="https://example.com/original"')
        self.assertContains(response, 'src="https://cdn.example.com/header.png"')
        self.assertContains(response, "IBN")
        self.assertContains(response, 'datetime="2025-07-15T14:15:21+00:00"')

    def test_redirects_stale_slug_to_canonical_url(self):
        response = self.client.get("/202507/104649-old-slug")
        self.assertRedirects(response, "/202507/104649-chinese-ev-firms", status_code=301)

    def test_redirects_wrong_month_to_canonical_url(self):
        response = self.client.get("/202401/104649-chinese-ev-firms")
        self.assertRedirects(response, "/202507/104649-chinese-ev-firms", status_code=301)

    def test_redirects_trailing_slash_to_canonical_url(self):
        response = self.client.get("/202507/104649-chinese-ev-firms/")
        self.assertRedirects(response, "/202507/104649-chinese-ev-firms", status_code=301)

    def test_redirects_bare_id_to_canonical_url(self):
        response = self.client.get("/202507/104649")
        self.assertRedirects(response, "/202507/104649-chinese-ev-firms", status_code=301)

    def test_redirect_keeps_the_query_string(self):
        response = self.client.get("/202507/104649-old?utm_source=x")
        assert response["Location"] == "/202507/104649-chinese-ev-firms?utm_source=x"

    def test_unknown_id_is_404(self):
        response = self.client.get("/202507/1-chinese-ev-firms")
        self.assertContains(response, "Page not found", status_code=404)

    def test_unicode_slug_round_trips(self):
        article = make_article(slug="电动汽车", date=JULY)
        response = self.client.get(article.get_absolute_url())
        assert response.status_code == 200

    def test_draft_is_404_to_the_public(self):
        draft = make_article(status=Status.DRAFT)
        assert self.client.get(draft.get_absolute_url()).status_code == 404

    def test_future_article_is_404_to_the_public(self):
        future = make_article(date=timezone.now() + dt.timedelta(hours=1))
        assert self.client.get(future.get_absolute_url()).status_code == 404

    def test_staff_see_a_draft_with_a_banner_and_noindex(self):
        draft = make_article(status=Status.DRAFT)
        staff = User.objects.create_user("editor", password="pw", is_staff=True)
        self.client.force_login(staff)
        response = self.client.get(draft.get_absolute_url())
        self.assertContains(response, "Not published.")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')

    def test_public_article_has_no_banner(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertNotContains(response, "Not published.")
        self.assertNotContains(response, "noindex")


class ListPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.july = [make_article(date=JULY - dt.timedelta(hours=i), tags=["t"]) for i in range(3)]
        cls.june = make_article(date=dt.datetime(2025, 6, 1, tzinfo=dt.UTC), title="June story")
        cls.draft = make_article(status=Status.DRAFT, title="Secret draft")
        cls.future = make_article(
            date=timezone.now() + dt.timedelta(days=1), title="Tomorrow's story"
        )

    def test_home_lists_published_newest_first(self):
        response = self.client.get("/")
        titles = [a.title for a in response.context["article_list"]]
        assert titles == [a.title for a in self.july] + ["June story"]
        self.assertNotContains(response, "Secret draft")
        self.assertNotContains(response, "Tomorrow&#x27;s story")

    def test_home_is_paginated(self):
        with self.settings(ARTICLES_PER_PAGE=2):
            first = self.client.get("/")
            second = self.client.get("/?page=2")
            beyond = self.client.get("/?page=3")
        assert len(first.context["article_list"]) == 2
        assert [a.title for a in second.context["article_list"]] == [
            self.july[2].title,
            "June story",
        ]
        self.assertContains(first, 'rel="next" href="?page=2"')
        assert beyond.status_code == 404

    def test_month_archive_lists_that_month_only(self):
        response = self.client.get("/202507/")
        assert {a.pk for a in response.context["article_list"]} == {a.pk for a in self.july}
        self.assertContains(response, "July 2025")

    def test_invalid_month_is_404(self):
        assert self.client.get("/202513/").status_code == 404

    def test_list_does_not_load_bodies(self):
        response = self.client.get("/")
        article = response.context["article_list"][0]
        assert "body" in article.get_deferred_fields()

    @page_cache_on
    def test_home_costs_a_fixed_number_of_queries(self):
        for i in range(10):
            make_article(source=make_source(f"Wire {i}"), tags=[f"tag{i}", "shared"])
        warm_generation()  # the lead and navigation, once per generation
        # The page, one row more, no count; the sources of its ten cards, made anew, in one query.
        with self.assertNumQueries(2):
            self.client.get("/")
        with self.settings(PUBLIC_PAGE_CACHE_SECONDS=0), self.assertNumQueries(1):
            self.client.get("/")  # rendered again: its cards are kept

    def test_older_link_only_when_an_older_article_exists(self):
        # Four public articles: two full pages of two, and nothing after them.
        with self.settings(ARTICLES_PER_PAGE=2):
            first = self.client.get("/")
            last = self.client.get("/?page=2")
        self.assertContains(first, 'rel="next" href="?page=2"')
        self.assertContains(first, "Page 1")
        self.assertNotContains(last, 'rel="next"')
        self.assertContains(last, 'rel="prev" href="?page=1"')

    def test_list_pages_that_are_not_pages_are_404(self):
        for page in ["0", "-1", "abc", "1.5", "last", "99"]:
            with self.subTest(page=page):
                assert self.client.get(f"/?page={page}").status_code == 404

    def test_empty_list_is_a_page_not_a_404(self):
        response = self.client.get("/202001/")
        assert response.status_code == 200
        self.assertContains(response, "No articles here yet.")
        self.assertNotContains(response, 'rel="next"')

    def test_tag_and_source_pages(self):
        source = make_source("Civic Notices")
        make_article(source=source, title="Library hours")
        self.assertContains(self.client.get("/tags/t/"), self.july[0].title)
        self.assertContains(self.client.get(source.get_absolute_url()), "Library hours")
        assert self.client.get("/tags/nope/").status_code == 404


def add_articles(count, *, source, tag, start=0):
    """`count` articles of the last hours in `source`, tagged `tag`, made with bulk_create."""
    newest = timezone.now() - dt.timedelta(hours=1)
    articles = Article.objects.bulk_create(
        Article(
            article_id=7_000_000 + start + i,
            title=f"Solar report {start + i}",
            slug=f"solar-report-{start + i}",
            date=newest - dt.timedelta(seconds=start + i),
            status=Status.PUBLISHED,
            summary="A summary.",
            body="<p>The solar report body.</p>",
            source=source,
        )
        for i in range(count)
    )
    TaggedArticle.objects.bulk_create(TaggedArticle(content_object=a, tag=tag) for a in articles)


@page_cache_on
class QueryCountTests(TestCase):
    """Every public page costs the same number of queries at 10 and at 1,000 articles.

    Counted as each page renders in a warm generation (see tests/pages.py); what the lead and
    navigation cost once per generation is counted by tests/public/test_frontpage.py.
    """

    PAGES = {
        "/": 2,  # the page (and one row more; lists are not counted), its cards' sources
        # The other lists show the same articles, whose cards are kept: their own query.
        "month": 1,
        "/tags/energy/": 2,  # + the tag
        "/sources/energy-wire/": 2,  # + the source
        "/search/?q=solar": 2,  # count, page
        # The article with its source, its tags; related articles: the tags among the newest
        # (kept for the site), the articles chosen.
        "article": 4,
        "/feed/": 2,  # items with their sources, their tags
        "/tags/energy/feed/atom/": 3,
        "/sitemap-news.xml": 2,  # count, page
        "/sitemap.xml": 10,  # see SitemapTests
        "/robots.txt": 0,
    }

    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("Energy Wire")
        cls.tag = Tag.objects.create(name="energy", slug="energy")
        add_articles(10, source=cls.source, tag=cls.tag)

    def assert_query_counts(self):
        article = Article.objects.get(article_id=7_000_000)
        named = {"article": article.get_absolute_url(), "month": f"/{article.date:%Y%m}/"}
        warm_generation()
        cache.delete(LINKS_KEY)  # related articles chosen afresh, as after a change
        for page, expected in self.PAGES.items():
            url = named.get(page, page)
            with self.subTest(url=url), self.assertNumQueries(expected):
                assert self.client.get(url).status_code == 200
        # Rendered again with nothing of it changed (its cached page expired, or a list it shows
        # in changed): its own part, with the fields of its row around it, and its related
        # articles are kept: no query.
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0), self.assertNumQueries(0):
            assert self.client.get(named["article"]).status_code == 200
        # The article changed (its page group dropped): its own part and related articles anew.
        invalidate_page_groups({group_of(named["article"])})
        with self.assertNumQueries(4):
            assert self.client.get(named["article"]).status_code == 200

    def test_page_queries_do_not_grow_with_the_archive(self):
        self.assert_query_counts()
        add_articles(990, source=self.source, tag=self.tag, start=10)
        assert Article.objects.published().count() == 1000
        self.assert_query_counts()
