from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.admin import ArticleAdmin
from articles.models import Article, Status
from tests.editorial.test_changelist import bulk_articles
from tests.factories import make_article, make_source

CHANGELIST = "/admin/articles/article/"


def titles(response):
    return [article.title for article in response.context["cl"].result_list]


class AdminSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        cls.wire = make_source("Harbour Wire")
        make_article(
            title="Port goes local",
            body="<p>The port now runs on a microgrid of its own.</p>",
            status=Status.DRAFT,  # editors find drafts too
        )
        make_article(title="Microgrid plans", summary="Microgrids everywhere.")
        make_article(title="Tagged only", tags=["Clean energy"])
        make_article(title="From the wire", source=cls.wire)
        make_article(title="Unrelated", body="<p>Nothing here.</p>")

    def setUp(self):
        self.client.force_login(self.user)

    def search(self, text, **params):
        response = self.client.get(CHANGELIST, {"q": text, **params})
        assert response.status_code == 200
        return titles(response)

    def test_finds_a_body_word_in_drafts_too(self):
        assert self.search("runs") == ["Port goes local"]

    def test_stems_a_plural_and_ranks_the_title_first(self):
        assert self.search("Microgrids") == ["Microgrid plans", "Port goes local"]

    def test_finds_a_tag_and_a_source_by_name(self):
        assert self.search("clean energy") == ["Tagged only"]
        assert self.search("harbour wire") == ["From the wire"]

    def test_finds_an_article_by_its_id(self):
        article = Article.objects.get(title="Unrelated")
        assert self.search(str(article.article_id)) == ["Unrelated"]

    def test_a_column_header_still_orders_a_search(self):
        title = str(ArticleAdmin.list_display.index("title") + 1)  # after the action checkbox
        assert self.search("microgrid", o=title) == ["Microgrid plans", "Port goes local"]
        assert self.search("microgrid", o="-" + title) == ["Port goes local", "Microgrid plans"]

    def test_hostile_input_finds_nothing_rather_than_failing(self):
        assert self.search('"unclosed OR title:* NEAR(') == []

    def test_search_costs_the_same_queries_at_10_and_1000_articles(self):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                found = self.search("bulk")
            assert found
            return len(captured)

        bulk_articles(10, self.wire)
        with_10 = queries()
        bulk_articles(990, self.wire, start=2_000_000)
        with_1000 = queries()
        assert with_10 == with_1000


class TagFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        make_article(title="Wind", tags=["Clean energy", "wind"])
        make_article(title="Coal", tags=["coal"])
        for n in range(30):
            Tag.objects.create(name=f"Unused tag {n}")

    def setUp(self):
        self.client.force_login(self.user)

    def test_filters_by_a_typed_tag_in_any_case(self):
        response = self.client.get(CHANGELIST, {"tag": "clean ENERGY"})
        assert titles(response) == ["Wind"]
        self.assertContains(response, 'name="tag" value="clean ENERGY"')

    def test_the_filter_is_a_text_box_not_a_list_of_every_tag(self):
        response = self.client.get(CHANGELIST)
        self.assertContains(response, 'data-tag-suggestions="/admin/articles/article/tags/"')
        self.assertNotContains(response, "Unused tag 7")

    def test_keeps_the_other_filters(self):
        response = self.client.get(CHANGELIST, {"publication": "draft", "tag": "wind"})
        self.assertContains(response, '<input type="hidden" name="publication" value="draft">')
        assert titles(response) == []

    def test_suggests_existing_tags_by_prefix_in_any_case(self):
        response = self.client.get("/admin/articles/article/tags/", {"q": "CLE"})
        assert response.json() == {"tags": ["Clean energy"]}
        response = self.client.get("/admin/articles/article/tags/", {"q": "unused"})
        assert len(response.json()["tags"]) == 10
        assert self.client.get("/admin/articles/article/tags/").json() == {"tags": []}

    def test_the_article_form_offers_suggestions_and_one_tag_per_spelling(self):
        article = make_article(title="Solar")
        response = self.client.get(f"/admin/articles/article/{article.pk}/change/")
        self.assertContains(response, 'data-tag-suggestions="/admin/articles/article/tags/"')
        self.assertContains(response, "js/admin-tags.js")
        article.tags.add("CLEAN ENERGY")
        assert list(article.tags.names()) == ["Clean energy"]
        assert Tag.objects.filter(name__iexact="clean energy").count() == 1

    def test_the_tag_filter_reads_no_list_of_tags_and_costs_no_extra_query(self):
        def queries(**params):
            with CaptureQueriesContext(connection) as captured:
                self.client.get(CHANGELIST, params)
            return [q["sql"] for q in captured]

        plain, filtered = queries(), queries(tag="wind")
        assert len(filtered) <= len(plain)  # PostgreSQL estimates the unfiltered count instead
        reading_tags = [sql for sql in plain + filtered if 'FROM "taggit_tag"' in sql]
        assert all("WHERE" in sql for sql in reading_tags)
