import datetime as dt
from unittest import mock

import lxml.html
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

import articles.serving.cache
from articles.models import Article, Status
from articles.serving.cache import GENERATION_KEY
from articles.serving.page_groups import (
    EVERYTHING,
    ArticleState,
    article_change,
    group_of,
    paths_of,
)
from tests.conftest import DATA
from tests.factories import make_article, make_source
from tests.test_admin import form_data

JULY = dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)
AUGUST = dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC)


class GroupOfTests(TestCase):
    def test_every_public_url_has_its_group(self):
        expected = {
            "/": "latest",
            "/?page=3": "latest",
            "/202507/104649-ev-firms": "article:104649",
            "/202507/104649-old-slug/": "article:104649",
            "/202507/104649": "article:104649",
            "/202507/": "month:202507",
            "/tags/energy/": "tag:energy",
            "/tags/energy/feed/atom/": "tag:energy",
            "/sources/ibn/": "source:ibn",
            "/sources/ibn/feed/": "source:ibn",
            "/feed/": "feed",
            "/feed/atom/": "feed",
            "/search/": "search",
            "/sitemap.xml": "sitemaps",
            "/sitemap-news.xml": "news-sitemap",
            "/sitemap-articles.xml": "sitemaps",
            "/robots.txt": "other",
            "/no/such/page": "other",
        }
        for url, group in expected.items():
            assert group_of(url.partition("?")[0]) == group, url

    def test_paths_of_groups_name_the_urls_for_a_front_cache(self):
        groups = {
            "article:104649",
            "tag:energy",
            "month:202507",
            "feed",
            "sitemaps",
            "news-sitemap",
        }
        assert paths_of(groups) == [
            "/*/104649-*",
            "/feed/",
            "/feed/atom/",
            "/202507/",
            "/sitemap-news.xml",
            "/sitemap.xml",
            "/sitemap-*.xml",
            "/tags/energy/",
            "/tags/energy/feed/",
            "/tags/energy/feed/atom/",
        ]
        assert paths_of({EVERYTHING}) == ["/*"]


class ArticleChangeTests(TestCase):
    def state(self, **fields):
        values = {"article_id": 7, "slug": "seven", "date": JULY, "status": Status.PUBLISHED}
        values.update(fields)
        source_slug = values.pop("source_slug", "ibn")
        return ArticleState.of(Article(**values), source_slug)

    def test_an_edit_touches_the_article_its_lists_feeds_and_sitemaps(self):
        groups = article_change(self.state(), self.state(), ["energy"])
        assert groups == {
            "article:7",
            "latest",
            "month:202507",
            "source:ibn",
            "tag:energy",
            "feed",
            "search",
            "news-sitemap",
            "other",
        }

    def test_a_move_touches_the_lists_it_leaves_and_joins(self):
        before = self.state(status=Status.DRAFT)
        after = self.state(date=AUGUST, source_slug="gnw")
        groups = article_change(before, after, [])
        assert {"month:202507", "month:202508", "source:ibn", "source:gnw"} <= groups

    def test_leaving_the_site_or_changing_address_touches_everything(self):
        public = self.state()
        assert article_change(public, self.state(status=Status.DRAFT)) == {EVERYTHING}
        assert article_change(public, self.state(slug="renamed")) == {EVERYTHING}
        assert article_change(public, self.state(date=AUGUST)) == {EVERYTHING}
        assert article_change(public, None) == {EVERYTHING}

    def test_scheduling_touches_everything(self):
        later = self.state(date=timezone.now() + dt.timedelta(hours=1))
        assert article_change(None, later) == {EVERYTHING}

    def test_a_new_article_touches_the_news_sitemap_not_the_archives(self):
        groups = article_change(None, self.state())
        assert {"article:7", "news-sitemap"} <= groups
        assert "sitemaps" not in groups


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600, PUBLIC_RELATED_REFRESH_SECONDS=300)
class TargetedInvalidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("IBN")
        cls.article = make_article(
            article_id=104649, title="EV Firms", date=JULY, source=cls.source, tags=["energy"]
        )
        # Same source, same tag, same month: on every list the article is on.
        cls.neighbour = make_article(
            article_id=104650, title="Neighbour", date=JULY, source=cls.source, tags=["energy"]
        )
        cls.article_pages = [
            "/",
            "/202507/",
            "/tags/energy/",
            cls.source.get_absolute_url(),
            reverse("articles:feed"),
            reverse("articles:feed-atom"),
            reverse("articles:tag-feed", kwargs={"slug": "energy"}),
            reverse("articles:source-feed", kwargs={"slug": cls.source.slug}),
            reverse("articles:search") + "?q=firms",
            cls.article.get_absolute_url(),
        ]

    def assertCached(self, url):
        with self.assertNumQueries(0):
            response = self.client.get(url)
        assert response.status_code == 200
        return response

    def test_a_saved_article_shows_at_once_on_its_page_lists_feeds_and_sitemaps(self):
        for url in self.article_pages:
            self.client.get(url)
        self.article.title = "EV Firms Rally"
        self.article.save()
        for url in self.article_pages:
            self.assertContains(self.client.get(url), "Rally", msg_prefix=url)

    def test_the_news_sitemap_shows_at_once_the_sitemap_when_the_generation_ends(self):
        recent = make_article(title="Recent News", source=self.source)
        news, sitemap = reverse("articles:news-sitemap"), reverse("articles:sitemap")
        self.assertContains(self.client.get(news), "Recent News")
        self.client.get(sitemap)
        recent.title = "Recent News Edited"
        recent.save()
        self.assertContains(self.client.get(news), "Recent News Edited")
        fresh = make_article(title="Brand New")
        self.assertContains(self.client.get(news), "Brand New")
        # The whole archive's sitemap takes seconds to render: it waits for the generation.
        self.assertCached(sitemap)
        cache.delete(GENERATION_KEY)  # what the generation's expiry does
        self.assertContains(self.client.get(sitemap), fresh.get_absolute_url())

    def test_a_featured_articles_edit_shows_at_once_in_the_home_pages_lead(self):
        def lead():
            tree = lxml.html.fromstring(self.client.get("/").content)
            return tree.xpath("//h2[@class='lead-title']/a/text()")

        neighbour = self.neighbour.get_absolute_url()
        self.client.get(neighbour)
        self.article.featured = True
        self.article.save()
        assert lead() == ["EV Firms"]
        # The lead is kept with the site's parts, which any article change drops: featuring an
        # article refreshes the home page and leaves other articles' pages cached.
        self.assertCached(neighbour)
        self.article.title = "EV Firms Lead"
        self.article.save()
        assert lead() == ["EV Firms Lead"]
        self.article.featured = False
        self.article.save()
        assert lead() == []

    def test_another_articles_cached_page_is_not_rendered_again(self):
        neighbour = self.neighbour.get_absolute_url()
        self.assertContains(self.client.get(neighbour), "EV Firms")  # a related article
        self.article.summary = "A new summary."
        self.article.save()
        self.article.tags.add("markets")
        self.assertCached(neighbour)

    def test_a_tag_given_shows_on_the_tags_pages(self):
        self.client.get("/tags/markets/")  # 404: not cached
        self.client.get(self.article.get_absolute_url())
        self.article.tags.add("markets")
        self.assertContains(self.client.get("/tags/markets/"), "EV Firms")
        self.assertContains(self.client.get(self.article.get_absolute_url()), "/tags/markets/")
        self.article.tags.remove("energy")
        self.assertNotContains(self.client.get("/tags/energy/"), "EV Firms")

    def test_a_new_articles_link_appears_on_related_pages_within_the_bound(self):
        url = self.neighbour.get_absolute_url()
        now = 1_000_000.0
        with mock.patch.object(articles.serving.cache, "clock", return_value=now):
            self.client.get(url)
            make_article(title="Fresh Energy News", source=self.source, tags=["energy"])
            self.assertContains(self.client.get("/"), "Fresh Energy News")  # lists at once
            self.assertNotContains(self.assertCached(url), "Fresh Energy News")
        # Half the bound for the page, half for its related articles kept apart from it.
        with mock.patch.object(articles.serving.cache, "clock", return_value=now + 149):
            self.assertCached(url)
        with mock.patch.object(articles.serving.cache, "clock", return_value=now + 150):
            self.assertContains(self.client.get(url), "Fresh Energy News")

    def test_lists_refresh_on_their_own_schedule_only_when_they_change(self):
        self.client.get("/")
        with mock.patch.object(articles.serving.cache, "clock", return_value=10**10):
            self.assertCached("/")

    def test_an_admin_edit_refreshes_the_article_and_keeps_the_others(self):
        self.client.get(self.article.get_absolute_url())
        self.client.get(self.neighbour.get_absolute_url())
        editor = self.client_class()
        editor.force_login(User.objects.create_superuser("ed", "ed@example.com", "pw"))
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        response = editor.post(url, form_data(self.article, summary="Edited In Admin"))
        assert response.status_code == 302
        self.assertContains(self.client.get(self.article.get_absolute_url()), "Edited In Admin")
        self.assertCached(self.neighbour.get_absolute_url())

    def test_an_admin_write_that_drops_nothing_itself_drops_everything(self):
        self.client.get(self.neighbour.get_absolute_url())
        Article.objects.filter(pk=self.neighbour.pk).update(title="Quietly Renamed")
        self.assertCached(self.neighbour.get_absolute_url())  # no signal, nothing dropped yet
        editor = self.client_class()
        editor.force_login(User.objects.create_superuser("ed", "ed@example.com", "pw"))
        response = editor.post(reverse("admin:password_change"), {})  # a write with no signal
        assert response.status_code == 200
        self.assertContains(self.client.get(self.neighbour.get_absolute_url()), "Quietly Renamed")

    def test_a_feed_import_refreshes_lists_and_keeps_article_pages(self):
        self.source.default_status = Status.PUBLISHED
        self.source.save()
        self.client.get("/")
        self.client.get(self.neighbour.get_absolute_url())
        call_command(
            "import_feed", str(DATA / "feeds" / "rss2.xml"), "--source", "IBN", verbosity=0
        )
        imported = Article.objects.exclude(pk__in=[self.article.pk, self.neighbour.pk])
        assert imported.count() == 3
        home = self.client.get("/")
        for article in imported.published():
            self.assertContains(home, article.get_absolute_url())
        self.assertCached(self.neighbour.get_absolute_url())

    def test_unpublishing_drops_every_page_linking_to_it(self):
        self.assertContains(self.client.get(self.neighbour.get_absolute_url()), "EV Firms")
        self.article.status = Status.DRAFT
        self.article.save()
        self.assertNotContains(self.client.get(self.neighbour.get_absolute_url()), "EV Firms")
