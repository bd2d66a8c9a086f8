import datetime as dt
from unittest import mock

from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editorial.changelist import EstimatedCountPaginator, table_estimate
from articles.models import Article, Revision, Status, TaggedArticle
from tests.factories import make_article, make_source, renditions_manifest

CHANGELIST = "/admin/articles/article/"


def bulk_articles(count, source, start=1_000_000):
    """`count` articles with a tag and an uploaded image's renditions, written in bulk."""
    from taggit.models import Tag

    now = timezone.now()
    manifest = renditions_manifest("images/x.png")
    articles = Article.objects.bulk_create(
        Article(
            article_id=start + n,
            title=f"Bulk {n}",
            slug=f"bulk-{n}",
            date=now - dt.timedelta(minutes=n),
            source=source,
            image="images/x.png",
            image_alt="Alt",
            image_renditions=manifest,
        )
        for n in range(count)
    )
    tag, _ = Tag.objects.get_or_create(name="bulk", slug="bulk")
    TaggedArticle.objects.bulk_create(TaggedArticle(content_object=a, tag=tag) for a in articles)


class ChangelistTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        cls.source = make_source()

    def setUp(self):
        self.client.force_login(self.user)

    def test_lists_thumbnails_tags_and_scheduled_articles(self):
        bulk_articles(1, self.source)
        make_article(title="Tomorrow's news", date=timezone.now() + dt.timedelta(days=1))
        make_article(title="A draft", status=Status.DRAFT)
        response = self.client.get(CHANGELIST)
        self.assertContains(response, '<img src="/media/renditions/images/x/thumbnail.webp"')
        self.assertContains(response, "bulk")
        self.assertContains(response, '<td class="field-publication">Scheduled</td>')
        self.assertContains(response, '<td class="field-publication">Draft</td>')
        self.assertContains(response, '<td class="field-publication">Published</td>')

    def test_publication_filter_tells_scheduled_from_live(self):
        make_article(title="Tomorrow's news", date=timezone.now() + dt.timedelta(days=1))
        make_article(title="Yesterday's news")
        response = self.client.get(CHANGELIST + "?publication=scheduled")
        self.assertContains(response, "Tomorrow")
        self.assertNotContains(response, "Yesterday")
        response = self.client.get(CHANGELIST + "?publication=live")
        self.assertContains(response, "Yesterday")
        self.assertNotContains(response, "Tomorrow")

    def test_attention_filter_finds_images_without_alt_text(self):
        make_article(title="Undescribed", enclosure="https://example.com/a.jpg")
        make_article(title="Described", enclosure="https://example.com/b.jpg", image_alt="A b.")
        response = self.client.get(CHANGELIST + "?attention=missing_alt")
        self.assertContains(response, "Undescribed")
        self.assertNotContains(response, "Described<")

    def test_query_count_is_the_same_for_10_and_1000_articles(self):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(CHANGELIST)
            assert response.status_code == 200
            return len(captured)

        bulk_articles(10, self.source)
        with_10 = queries()
        bulk_articles(990, self.source, start=2_000_000)
        with_1000 = queries()
        assert with_10 == with_1000
        self.assertContains(self.client.get(CHANGELIST + "?p=5"), "Bulk")

    def test_no_full_result_count_and_bodies_stay_out_of_the_list(self):
        make_article()
        with CaptureQueriesContext(connection) as captured:
            self.client.get(CHANGELIST + "?status__exact=published")
        sql = [q["sql"] for q in captured]
        counts = [s for s in sql if "COUNT(" in s.upper() and "articles_article" in s]
        assert len(counts) == 1  # the filtered count, never a second one of the whole table
        listing = [s for s in sql if s.startswith("SELECT") and '"articles_article"."title"' in s]
        assert listing and all('"articles_article"."body"' not in s for s in listing)


class EstimatedCountPaginatorTests(TestCase):
    def test_trusts_the_estimate_for_a_large_unfiltered_table(self):
        make_article()
        with mock.patch("articles.editorial.changelist.table_estimate", return_value=123_456):
            assert EstimatedCountPaginator(Article.objects.all(), 50).count == 123_456
            filtered = Article.objects.filter(status=Status.DRAFT)
            assert EstimatedCountPaginator(filtered, 50).count == 0

    def test_counts_exactly_when_the_table_is_small_or_has_no_estimate(self):
        make_article()
        with mock.patch("articles.editorial.changelist.table_estimate", return_value=5):
            assert EstimatedCountPaginator(Article.objects.all(), 50).count == 1
        assert EstimatedCountPaginator(Article.objects.all(), 50).count == 1


class TableEstimateTests(TestCase):
    def test_postgresql_estimates_from_statistics_sqlite_has_none(self):
        for _ in range(3):
            make_article()
        expected = -1
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE articles_article")
            expected = 3
        assert table_estimate(connection.alias, Article._meta.db_table) == expected


class BulkActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.user)

    def act(self, action, articles, **extra):
        return self.client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [a.pk for a in articles], **extra},
            follow=True,
        )

    def test_publish_counts_blank_alt_text_as_missing_like_the_form(self):
        blank = make_article(
            title="Blank", status=Status.DRAFT, enclosure="https://e.com/a.jpg", image_alt=" \t"
        )
        assert blank.lacks_alt_text
        response = self.act("publish", [blank])
        self.assertContains(
            response, "Not published, their header image needs alt text first: “Blank”."
        )
        blank.refresh_from_db()
        assert blank.status == Status.DRAFT
        assert list(Article.objects.missing_alt_text()) == [blank]

    def test_publish_refuses_articles_whose_image_lacks_alt_text(self):
        ready = make_article(
            title="Ready",
            status=Status.DRAFT,
            enclosure="https://e.com/a.jpg",
            image_alt="A chart.",
        )
        blind = make_article(title="Blind", status=Status.DRAFT, enclosure="https://e.com/b.jpg")
        plain = make_article(title="Plain", status=Status.DRAFT)
        response = self.act("publish", [ready, blind, plain])
        self.assertContains(
            response, "Not published, their header image needs alt text first: “Blind”."
        )
        self.assertContains(response, "Published 2 article(s).")
        statuses = dict(Article.objects.values_list("title", "status"))
        assert statuses == {"Ready": "published", "Blind": "draft", "Plain": "published"}
        revision = Revision.objects.get(article=ready)
        assert (revision.user, revision.changes) == (self.user, {"status": ["draft", "published"]})
        assert not Revision.objects.filter(article=blind).exists()

    def test_publishing_a_future_article_schedules_it(self):
        later = make_article(status=Status.DRAFT, date=timezone.now() + dt.timedelta(hours=2))
        response = self.act("publish", [later])
        self.assertContains(response, "Published 1 article(s), 1 of them scheduled for later.")
        later.refresh_from_db()
        assert later.is_scheduled
        assert (
            self.client.get(CHANGELIST + "?publication=scheduled").context["cl"].result_count == 1
        )

    def test_unpublish(self):
        article = make_article()
        self.act("unpublish", [article])
        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert Revision.objects.get(article=article).changes == {"status": ["published", "draft"]}

    def test_add_tag(self):
        tagged = make_article(tags=["Energy"])
        untagged = make_article(tags=["markets"])
        response = self.act("add_tag", [tagged, untagged], tag="energy")
        self.assertContains(response, "Tagged 1 article(s) “Energy”.")
        assert sorted(untagged.tags.names()) == ["Energy", "markets"]
        assert Revision.objects.get(article=untagged).changes == {
            "tags": [["markets"], ["Energy", "markets"]]
        }
        response = self.act("add_tag", [tagged], tag="  ")
        self.assertContains(response, "Type the tag to add next to the action.")


class ScheduledArticleTests(TestCase):
    def test_a_scheduled_article_is_invisible_until_its_time(self):
        publish_at = timezone.now() + dt.timedelta(hours=1)
        article = make_article(date=publish_at)
        url = article.get_absolute_url()
        assert self.client.get(url).status_code == 404
        assert article not in Article.objects.published()
        with mock.patch("django.utils.timezone.now", return_value=publish_at):
            assert self.client.get(url).status_code == 200
            assert article in Article.objects.published()


class MonthFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("months", "months@example.com", "pw")
        cls.june = make_article(
            title="June release", date=dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)
        )
        cls.august = make_article(
            title="August release", date=dt.datetime(2025, 8, 1, 0, 15, tzinfo=dt.UTC)
        )

    def setUp(self):
        self.client.force_login(self.user)

    def test_lists_every_month_the_archive_spans_newest_first(self):
        response = self.client.get("/admin/articles/article/")
        choices = [
            choice["display"]
            for spec in response.context["cl"].filter_specs
            if getattr(spec, "parameter_name", None) == "month"
            for choice in spec.choices(response.context["cl"])
        ]
        assert choices == ["All", "August 2025", "July 2025", "June 2025"]

    def test_filters_by_utc_month(self):
        response = self.client.get("/admin/articles/article/?month=202506")
        assert [a.title for a in response.context["cl"].result_list] == ["June release"]

    def test_ignores_a_malformed_month(self):
        response = self.client.get("/admin/articles/article/?month=202513")
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == 2
