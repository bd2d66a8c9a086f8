import datetime as dt

from django.contrib.auth.models import User
from django.test import TestCase

from articles import revisions
from articles.models import Revision
from tests.factories import make_article, make_source


class DiffTests(TestCase):
    def test_lists_only_the_fields_that_changed_with_old_and_new(self):
        old = {"summary": "Old lede.", "title": "Same", "tags": ["b", "a"]}
        new = {"summary": "New lede.", "title": "Same", "tags": ["a", "b"]}
        assert revisions.diff(old, new) == {"summary": ["Old lede.", "New lede."]}

    def test_a_new_article_diffs_against_nothing(self):
        assert revisions.diff({}, {"summary": "Lede", "body": ""}) == {"summary": [None, "Lede"]}

    def test_snapshot_is_json_ready(self):
        article = make_article(
            source=make_source("Wire"),
            date=dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC),
            tags=["zeta", "alpha"],
        )
        values = revisions.snapshot(article)
        assert values["date"] == "2025-07-15T14:15:21+00:00"
        assert values["source"] == "Wire"
        assert values["tags"] == ["alpha", "zeta"]
        assert values["image"] == ""


class RecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("editor")
        cls.article = make_article(summary="First.")

    def test_keeps_who_when_and_what(self):
        revision = revisions.record(
            self.article, {"summary": ["First.", "Second."]}, user=self.user
        )
        revision.refresh_from_db()
        assert revision.user == self.user
        assert revision.origin == Revision.Origin.ADMIN
        assert revision.changes == {"summary": ["First.", "Second."]}
        assert revision.created_at is not None

    def test_no_changes_no_revision(self):
        assert revisions.record(self.article, {}) is None
        assert not Revision.objects.exists()

    def test_record_many_writes_one_query_and_skips_empty_changes(self):
        other = make_article()
        with self.assertNumQueries(1):
            kept = revisions.record_many(
                [
                    (self.article, {"title": ["a", "b"]}),
                    (other, {}),
                    (other, {"status": ["draft", "published"]}),
                ],
                origin=Revision.Origin.FEED,
            )
        assert len(kept) == 2
        assert set(Revision.objects.values_list("origin", flat=True)) == {"feed"}


class RestoreTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("editor")

    def setUp(self):
        self.article = make_article(summary="Machine lede.", body="<p>Machine body.</p>")
        self.article.summary = "Editor lede."
        self.article.save()
        self.revision = revisions.record(
            self.article, {"summary": ["Machine lede.", "Editor lede."]}, user=self.user
        )

    def test_restores_the_value_before_a_revision_and_keeps_that_as_a_revision(self):
        restored = revisions.restore(self.revision, "summary", side="old", user=self.user)
        self.article.refresh_from_db()
        assert self.article.summary == "Machine lede."
        assert restored.origin == Revision.Origin.RESTORE
        assert restored.changes == {"summary": ["Editor lede.", "Machine lede."]}
        assert restored.user == self.user

    def test_restoring_the_current_value_changes_nothing(self):
        assert revisions.restore(self.revision, "summary", side="new") is None
        assert self.article.revisions.count() == 1

    def test_a_restored_body_is_sanitized_again(self):
        revision = revisions.record(
            self.article, {"body": ["<p>x</p><script>alert(1)</script>", "<p>y</p>"]}
        )
        revisions.restore(revision, "body", side="old")
        self.article.refresh_from_db()
        assert self.article.body == "<p>x</p>"

    def test_only_summary_description_and_body_can_be_restored(self):
        revision = revisions.record(self.article, {"title": ["Old", "New"]})
        with self.assertRaisesMessage(revisions.RestoreError, "The title cannot be restored"):
            revisions.restore(revision, "title")
        with self.assertRaisesMessage(revisions.RestoreError, "did not change the body."):
            revisions.restore(self.revision, "body")
