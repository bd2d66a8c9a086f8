"""Whose article is it: a file import never takes over another article that holds its article_id.

A feed gives each new item the next free article_id, so a file carrying that number later may
describe a different press release. It updates the row only when it really is the same article.
Nor does a file give a second article_id the source and feed item another article holds.
"""

import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from articles.ingest import feeds
from articles.ingest.feeds import import_feed
from articles.models import Article, ImportRun, Revision, Status
from tests.conftest import DATA
from tests.factories import article_file, make_article, make_source
from tests.importing import database_state, run_import

RSS2 = DATA / "feeds" / "rss2.xml"


class TemporaryFolderMixin:
    def setUp(self):
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def write(self, name, text):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


class FileOverFeedArticleTests(TemporaryFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        import_feed(str(RSS2), source_name="Example Wire")
        cls.feed_article = Article.objects.get(feed_item_id="wire-1001")

    def other_release(self, **fields):
        """A file for a different press release that happens to carry the feed article's id."""
        fields.setdefault("source", "Other Wire")
        fields.setdefault("feed_item_id", 17009)
        return self.write(
            "other.md",
            article_file(
                article_id=self.feed_article.article_id,
                title="A different press release",
                summary="Nothing to do with solar.",
                **fields,
            ),
        )

    def expected_reason(self, names):
        return (
            f"article_id {self.feed_article.article_id} is already another article: "
            f"it came from {RSS2} as source 'Example Wire', feed item 'wire-1001', "
            f"and this file names {names}; the existing article was left as it is"
        )

    def test_a_file_with_a_feed_articles_id_fails_and_leaves_the_article_alone(self):
        path = self.other_release()
        before = database_state()

        out, err, error = run_import(path)

        assert isinstance(error, CommandError)
        reason = self.expected_reason("source 'Other Wire', feed item '17009'")
        assert f"{path}: {reason}" in err
        assert "0 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert database_state() == before
        assert Article.objects.get(pk=self.feed_article.pk).title == "Solar Maker Opens Plant"

    def test_the_import_run_records_the_failure_with_its_reason(self):
        path = self.other_release()
        run_import(path)
        run = ImportRun.objects.get(kind=ImportRun.Kind.FILES)
        assert (run.created, run.updated, run.failed) == (0, 0, 1)
        assert run.failures[0]["path"] == str(path)
        assert run.failures[0]["reason"].startswith(
            self.expected_reason("source 'Other Wire', feed item '17009'")
        )

    def test_force_does_not_make_it_the_same_article(self):
        path = self.other_release()
        before = database_state()

        out, err, error = run_import(path, force=True)

        assert isinstance(error, CommandError)
        reason = self.expected_reason("source 'Other Wire', feed item '17009'")
        assert f"{path}: {reason}" in err
        assert "--force does not change this" in err
        assert "0 updated" in out
        assert "overwritten" not in out
        assert database_state() == before

    def test_dry_run_reports_the_same_failure_and_writes_nothing(self):
        path = self.other_release()
        before = database_state()

        out, err, error = run_import(path, dry_run=True)

        assert isinstance(error, CommandError)
        reason = self.expected_reason("source 'Other Wire', feed item '17009'")
        assert f"{path}: {reason}" in err
        assert "Dry run: 0 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert database_state() == before
        assert ImportRun.objects.get(kind=ImportRun.Kind.FILES).dry_run

    def test_the_same_source_with_another_feed_item_is_another_article(self):
        path = self.other_release(source="Example Wire", feed_item_id="wire-9999")
        _, err, error = run_import(path)
        assert error is not None
        assert self.expected_reason("source 'Example Wire', feed item 'wire-9999'") in err
        assert Article.objects.get(pk=self.feed_article.pk).title == "Solar Maker Opens Plant"

    def test_a_file_naming_no_source_or_feed_item_is_another_article(self):
        path = self.other_release(source=None, feed_item_id=None)
        _, err, error = run_import(path)
        assert error is not None
        assert self.expected_reason("no source, no feed item") in err

    def test_the_other_files_of_the_run_still_import(self):
        self.other_release()
        self.write("fresh.md", article_file(article_id=90_000, title="A fresh release"))
        out, _, error = run_import(self.folder)
        assert error is not None
        assert "1 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert Article.objects.get(article_id=90_000).title == "A fresh release"

    def test_an_exported_feed_article_reimported_is_the_same_article(self):
        call_command("export_articles", str(self.folder), "--include-drafts", stdout=StringIO())
        assert len(list(self.folder.rglob("*.md"))) == 3
        before = database_state()

        out, err, error = run_import(self.folder)

        assert error is None, err
        assert "0 created, 0 updated, 3 unchanged, 0 in conflict, 0 failed." in out
        assert database_state() == before

    def test_an_edited_export_of_a_feed_article_updates_it(self):
        call_command("export_articles", str(self.folder), "--include-drafts", stdout=StringIO())
        [path] = (
            path
            for path in self.folder.rglob("*.md")
            if path.stem == str(self.feed_article.article_id)
        )
        path.write_text(path.read_text().replace("draft = true", "draft = false"))

        out, err, error = run_import(self.folder)

        assert error is None, err
        assert "0 created, 1 updated, 2 unchanged" in out
        article = Article.objects.get(pk=self.feed_article.pk)
        assert (article.status, article.feed_item_id) == (Status.PUBLISHED, "wire-1001")
        assert Revision.objects.get().changes == {"status": ["draft", "published"]}


class IdentityQueryCostTests(TemporaryFolderMixin, TestCase):
    def queries_to_import(self, count, start):
        source = make_source("Example Wire")
        for article_id in range(start, start + count):
            make_article(article_id=article_id, source=source, feed_item_id=f"wire-{article_id}")
            self.write(f"{start}/{article_id}.md", article_file(article_id=article_id))
        with CaptureQueriesContext(connection) as queries:
            out, _, _ = run_import(self.folder / str(start))
        assert f"{count} failed." in out
        return len(queries)

    def test_refused_files_cost_no_query_each(self):
        assert self.queries_to_import(2, start=1000) == self.queries_to_import(30, start=2000)


class FeedItemOfAnotherArticleTests(TemporaryFolderMixin, TestCase):
    """A file whose source and feed item belong to an article with another article_id."""

    @classmethod
    def setUpTestData(cls):
        import_feed(str(RSS2), source_name="Example Wire")
        cls.feed_article = Article.objects.get(feed_item_id="wire-1001")

    def renumbered_export(self, article_id=90_001, name="renumbered.md"):
        """The feed article's export with its number changed by hand."""
        return self.write(
            name,
            article_file(
                article_id=article_id,
                title="Solar Maker Opens Plant, renumbered",
                source="Example Wire",
                feed_item_id="wire-1001",
            ),
        )

    def expected_reason(self, article_id=90_001):
        return (
            f"source 'Example Wire', feed item 'wire-1001' is already article_id "
            f"{self.feed_article.article_id} (it came from {RSS2}), and this file names "
            f"article_id {article_id}; the existing article was left as it is "
            "(--force does not change this)"
        )

    def test_fails_with_a_reason_naming_the_article_that_holds_the_feed_item(self):
        path = self.renumbered_export()
        before = database_state()

        out, err, error = run_import(path)

        assert isinstance(error, CommandError)
        assert f"{path}: {self.expected_reason()}" in err
        assert "database refused" not in err
        assert "0 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert database_state() == before
        assert not Article.objects.filter(article_id=90_001).exists()
        assert Article.objects.get(pk=self.feed_article.pk).title == "Solar Maker Opens Plant"

    def test_the_other_files_of_the_batch_still_import(self):
        self.renumbered_export()
        self.write("fresh.md", article_file(article_id=90_002, title="A fresh release"))
        self.write("tagged.md", article_file(article_id=90_003, tags=["solar"], feed_item_id=5))

        out, _, error = run_import(self.folder)

        assert error is not None
        assert "2 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert Article.objects.get(article_id=90_002).title == "A fresh release"
        assert list(Article.objects.get(article_id=90_003).tags.names()) == ["solar"]
        assert not Article.objects.filter(article_id=90_001).exists()

    def test_the_import_run_records_the_failure_with_its_reason(self):
        path = self.renumbered_export()
        run_import(path)
        run = ImportRun.objects.get(kind=ImportRun.Kind.FILES)
        assert (run.created, run.updated, run.failed) == (0, 0, 1)
        assert run.failures == [{"path": str(path), "reason": self.expected_reason()}]

    def test_force_does_not_override_it(self):
        path = self.renumbered_export()
        before = database_state()

        out, err, error = run_import(path, force=True)

        assert isinstance(error, CommandError)
        assert f"{path}: {self.expected_reason()}" in err
        assert "0 created, 0 updated" in out
        assert database_state() == before

    def test_dry_run_reports_it_and_writes_nothing(self):
        path = self.renumbered_export()
        before = database_state()

        out, err, error = run_import(path, dry_run=True)

        assert isinstance(error, CommandError)
        assert f"{path}: {self.expected_reason()}" in err
        assert "Dry run: 0 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert database_state() == before

    def test_an_existing_article_may_not_take_the_feed_item_either(self):
        make_article(article_id=90_001, title="A file article")
        path = self.renumbered_export()
        before = database_state()

        _, err, error = run_import(path)

        assert error is not None
        assert f"{path}: {self.expected_reason()}" in err
        assert database_state() == before

    def test_the_same_feed_item_under_another_source_is_another_article(self):
        path = self.write(
            "other-wire.md",
            article_file(article_id=90_001, source="Other Wire", feed_item_id="wire-1001"),
        )
        _, err, error = run_import(path)
        assert error is None, err
        assert Article.objects.get(article_id=90_001).source.name == "Other Wire"


class FeedItemTwiceInOneRunTests(TemporaryFolderMixin, TestCase):
    def wire_item(self, name, article_id, source="Partner Wire"):
        return self.write(
            name,
            article_file(
                article_id=article_id, title=f"From {name}", source=source, feed_item_id=314
            ),
        )

    def test_the_second_file_with_the_feed_item_fails_and_the_first_imports(self):
        first = self.wire_item("a.md", 90_001)
        second = self.wire_item("b.md", 90_002)

        out, err, error = run_import(self.folder)

        assert isinstance(error, CommandError)
        reason = f"duplicate feed item (source 'Partner Wire', feed item '314'): also in {first}"
        assert f"{second}: {reason} as article_id 90001" in err
        assert "database refused" not in err
        assert "1 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        article = Article.objects.get(feed_item_id="314")
        assert (article.article_id, article.title) == (90_001, "From a.md")

    def test_dry_run_reports_it(self):
        self.wire_item("a.md", 90_001)
        second = self.wire_item("b.md", 90_002)

        out, err, error = run_import(self.folder, dry_run=True)

        assert error is not None
        assert f"{second}: duplicate feed item" in err
        assert "Dry run: 1 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert not Article.objects.exists()

    def test_files_naming_the_item_under_different_sources_both_import(self):
        self.wire_item("a.md", 90_001)
        self.wire_item("b.md", 90_002, source="Another Wire")
        _, err, error = run_import(self.folder)
        assert error is None, err
        assert Article.objects.filter(feed_item_id="314").count() == 2


class FeedItemQueryCostTests(TemporaryFolderMixin, TestCase):
    def queries_to_import(self, count, start):
        source = make_source("Example Wire")
        for article_id in range(start, start + count):
            make_article(article_id=article_id, source=source, feed_item_id=f"wire-{article_id}")
            self.write(
                f"{start}/{article_id}.md",
                article_file(
                    article_id=article_id + 50_000,
                    source="Example Wire",
                    feed_item_id=f"wire-{article_id}",
                ),
            )
        fresh = article_file(article_id=start + 90_000, source="Example Wire")
        self.write(f"{start}/fresh.md", fresh)
        with CaptureQueriesContext(connection) as queries:
            out, err, _ = run_import(self.folder / str(start))
        assert f"1 created, 0 updated, 0 unchanged, 0 in conflict, {count} failed." in out
        assert "database refused" not in err
        return len(queries)

    def test_files_with_feed_items_of_other_articles_cost_no_query_each(self):
        assert self.queries_to_import(2, start=1000) == self.queries_to_import(30, start=2000)


class FeedOverFileArticleTests(TemporaryFolderMixin, TestCase):
    def setUp(self):
        super().setUp()
        _, err, error = run_import(self.write("file.md", article_file(article_id=50)))
        assert error is None, err

    def test_a_feed_item_takes_the_number_after_the_file_article(self):
        result = import_feed(str(RSS2), source_name="Example Wire")
        assert result.counts["created"] == 3
        ids = Article.objects.filter(source__name="Example Wire").values_list("article_id")
        assert sorted(article_id for (article_id,) in ids) == [51, 52, 53]
        assert Article.objects.get(article_id=50).title == "Test headline"

    def test_a_feed_item_colliding_with_the_file_article_takes_another_number(self):
        real = feeds.next_article_id
        collisions = iter([50])  # a file import committed number 50 after the feed looked

        with mock.patch.object(feeds, "next_article_id", lambda: next(collisions, None) or real()):
            result = import_feed(str(RSS2), source_name="Example Wire")

        assert (result.counts["created"], result.failures) == (3, [])
        article = Article.objects.get(article_id=50)
        assert (article.title, article.source.name) == ("Test headline", "Test Wire")
        assert Article.objects.get(feed_item_id="wire-1001").article_id == 51

    def test_a_feed_item_that_keeps_colliding_fails_and_the_file_article_stays(self):
        before = database_state()

        with mock.patch.object(feeds, "next_article_id", return_value=50):
            result = import_feed(str(RSS2), source_name="Example Wire")

        assert result.counts["failed"] == 3
        assert "kept colliding" in result.failures[0][1]
        after = database_state()
        assert after[0] == before[0]  # the articles, file article included, byte for byte
        assert after[1] == before[1]
