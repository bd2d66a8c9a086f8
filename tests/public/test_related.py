from unittest import mock

from django.test import TestCase, override_settings

import articles.serving.cache
from articles.models import Status
from articles.public.related import related_articles
from tests.factories import make_article, make_source


@override_settings(PUBLIC_RELATED_REFRESH_SECONDS=300)
class RelatedArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("IBN")
        cls.article = make_article(title="Main", source=cls.source, tags=["energy"])
        cls.other = make_article(title="Other Energy", tags=["energy"])

    def test_the_choice_is_kept_between_requests(self):
        assert [a.title for a in related_articles(self.article, 4).articles] == ["Other Energy"]
        with self.assertNumQueries(0):
            assert related_articles(self.article, 4).articles[0].title == "Other Energy"

    def test_a_new_article_is_among_them_within_the_bound(self):
        with mock.patch.object(articles.serving.cache, "clock", return_value=1000.0):
            related_articles(self.article, 4)
            make_article(title="Newer Energy", tags=["energy"])
        with mock.patch.object(articles.serving.cache, "clock", return_value=1149.0):
            titles = [a.title for a in related_articles(self.article, 4).articles]
            assert "Newer Energy" not in titles
        with mock.patch.object(articles.serving.cache, "clock", return_value=1150.0):
            titles = [a.title for a in related_articles(self.article, 4).articles]
            assert titles[0] == "Newer Energy"

    def test_an_unpublished_article_leaves_them_at_once(self):
        related_articles(self.article, 4)
        self.other.status = Status.DRAFT
        self.other.save()
        assert related_articles(self.article, 4).articles == []

    def test_the_articles_tags_changed_are_another_choice_at_once(self):
        assert related_articles(self.article, 4).articles == [self.other]
        self.article.tags.clear()
        assert related_articles(self.article, 4).articles == []  # same source: none other has it

    def test_the_tags_are_read_only_when_the_choice_is_made_anew(self):
        read = mock.Mock(return_value=[])
        related_articles(self.article, 4, tag_ids=read)
        related_articles(self.article, 4, tag_ids=read)
        read.assert_called_once_with()


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: every call fails at once
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    },
)
class CacheDownTests(TestCase):
    def test_the_article_page_is_served_with_its_related_articles_and_qr_code(self):
        article = make_article(title="Main", tags=["energy"])
        make_article(title="Other Energy", tags=["energy"])
        with mock.patch.object(articles.serving.cache, "_last_warning", 0.0):
            response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Other Energy")
        self.assertContains(response, '<svg width="')
