"""The import run record: visible to staff in the admin, changed by no one, kept for a while."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.ingest.feeds import import_feed
from articles.ingest.runs import ImportResult, finish_run, prune_runs, start_run
from articles.models import Article, ImportRun, Revision
from tests.conftest import DATA
from tests.factories import article_file, make_article
from tests.importing import run_import


class ImportRunAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        cls.import_run = start_run(ImportRun.Kind.FILES, ["/archive/2025"], started_by="jo")
        result = ImportResult()
        result.add("created")
        result.fail("/archive/2025/bad.md", "'date' is required")
        finish_run(cls.import_run, result)

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_list_shows_who_what_and_the_counts(self):
        response = self.client.get(reverse("admin:articles_importrun_changelist"))
        self.assertContains(response, "jo")
        self.assertContains(response, "/archive/2025")
        self.assertContains(response, "finished")

    def test_a_run_shows_every_failure_and_cannot_be_saved(self):
        response = self.client.get(
            reverse("admin:articles_importrun_change", args=[self.import_run.pk])
        )
        self.assertContains(
            response, "<code>/archive/2025/bad.md</code>: &#x27;date&#x27; is required", html=False
        )
        self.assertNotContains(response, 'name="_save"')

    def test_runs_cannot_be_added_changed_or_deleted(self):
        add = self.client.get(reverse("admin:articles_importrun_add"))
        change = self.client.post(
            reverse("admin:articles_importrun_change", args=[self.import_run.pk]),
            {"started_by": "x"},
        )
        delete = self.client.post(
            reverse("admin:articles_importrun_delete", args=[self.import_run.pk]), {"post": "yes"}
        )
        assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
        assert ImportRun.objects.get().started_by == "jo"

    def test_an_interrupted_run_says_so(self):
        start_run(ImportRun.Kind.FILES, ["/archive/2026"])
        response = self.client.get(reverse("admin:articles_importrun_changelist"))
        self.assertContains(response, "running or interrupted")


def finished_run(days_ago, **fields):
    """A run that finished `days_ago` days ago (after running for a minute)."""
    finished_at = timezone.now() - dt.timedelta(days=days_ago)
    return ImportRun.objects.create(
        kind=ImportRun.Kind.FEED,
        started_at=finished_at - dt.timedelta(minutes=1),
        finished_at=finished_at,
        **fields,
    )


def command(*args, **options):
    out = StringIO()
    call_command("prune_import_runs", *args, stdout=out, **options)
    return out.getvalue()


class PruneRunsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old = finished_run(100)
        cls.just_past = finished_run(90.01)
        cls.recent = finished_run(89.99)
        # Started long ago and never finished: still running, or interrupted for staff to see.
        cls.running = ImportRun.objects.create(
            kind=ImportRun.Kind.FILES, started_at=timezone.now() - dt.timedelta(days=400)
        )
        cls.cited = finished_run(200)
        cls.article = make_article(summary="New summary.")
        cls.revision = revisions.record(
            cls.article,
            {"summary": ["Old summary.", "New summary."]},
            origin=Revision.Origin.FEED,
            import_run=cls.cited,
        )

    def test_deletes_runs_finished_before_the_cutoff(self):
        assert prune_runs(90) == 2
        assert not ImportRun.objects.filter(pk__in=[self.old.pk, self.just_past.pk]).exists()

    def test_keeps_recent_and_unfinished_runs(self):
        prune_runs(90)
        assert set(ImportRun.objects.values_list("pk", flat=True)) == {
            self.recent.pk,
            self.running.pk,
            self.cited.pk,
        }

    def test_keeps_a_run_a_revision_points_at_and_the_revision_keeps_its_link(self):
        prune_runs(1)
        self.revision.refresh_from_db()
        assert self.revision.import_run == self.cited
        assert self.article.revisions.get() == self.revision

    def test_dry_run_counts_what_would_go_and_deletes_nothing(self):
        assert prune_runs(90, dry_run=True) == 2
        assert ImportRun.objects.count() == 5

    def test_deletes_in_batches_until_none_is_left(self):
        with mock.patch("articles.ingest.runs.PRUNE_BATCH", 1):
            assert prune_runs(90) == 2
        assert ImportRun.objects.count() == 3

    def test_a_later_now_moves_the_cutoff(self):
        assert prune_runs(90, now=timezone.now() + dt.timedelta(days=1)) == 3

    def test_refuses_to_keep_less_than_a_day(self):
        with self.assertRaisesMessage(ValueError, "at least one day"):
            prune_runs(0)
        assert ImportRun.objects.count() == 5

    def test_costs_one_query_when_nothing_has_expired(self):
        with self.assertNumQueries(1):
            assert prune_runs(365) == 0


@override_settings(IMPORT_RUN_RETENTION_DAYS=90)
class PruneImportRunsCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old = finished_run(100)
        cls.older = finished_run(300)
        cls.recent = finished_run(30)

    def test_deletes_runs_older_than_the_setting_and_says_how_many(self):
        out = command()
        assert "Deleted 2 import run(s)." in out
        assert list(ImportRun.objects.all()) == [self.recent]

    def test_days_overrides_the_setting(self):
        out = command(days=200)
        assert "Deleted 1 import run(s)." in out
        assert not ImportRun.objects.filter(pk=self.older.pk).exists()
        assert ImportRun.objects.count() == 2

    def test_dry_run_says_how_many_would_go_and_deletes_nothing(self):
        out = command("--dry-run", "--days", "20")
        assert "Dry run: 3 import run(s) would be deleted." in out
        assert "Deleted" not in out
        assert ImportRun.objects.count() == 3

    def test_verbosity_0_prints_nothing_and_2_says_what_it_looks_for(self):
        assert command(verbosity=0) == ""
        assert "finished over 90 day(s) ago and that no revision points at" in command(verbosity=2)

    @override_settings(IMPORT_RUN_RETENTION_DAYS=0)
    def test_retention_0_keeps_runs_forever_unless_days_is_given(self):
        assert "kept forever" in command()
        assert ImportRun.objects.count() == 3
        command(days=1)
        assert not ImportRun.objects.exists()

    def test_days_below_one_is_a_usage_error(self):
        with self.assertRaisesMessage(CommandError, "--days must be at least 1"):
            command(days=0)
        assert ImportRun.objects.count() == 3


@override_settings(IMPORT_RUN_RETENTION_DAYS=90)
class PollFeedsPruningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old = finished_run(100)
        cls.recent = finished_run(30)

    def poll(self, *args):
        out = StringIO()
        call_command("poll_feeds", *args, stdout=out)
        return out.getvalue()

    def test_a_poll_deletes_expired_runs_after_its_pass(self):
        out = self.poll()
        assert "Polled 0 source(s)" in out
        assert "Deleted 1 import run(s) older than 90 day(s)." in out
        assert list(ImportRun.objects.all()) == [self.recent]

    def test_a_poll_with_nothing_expired_says_nothing_about_runs(self):
        self.poll()
        assert "import run" not in self.poll()

    def test_a_dry_run_poll_deletes_nothing(self):
        self.poll("--dry-run")
        assert ImportRun.objects.count() == 2

    @override_settings(IMPORT_RUN_RETENTION_DAYS=0)
    def test_a_poll_keeps_every_run_when_retention_is_off(self):
        self.poll()
        assert ImportRun.objects.count() == 2


@pytest.mark.django_db
class SanitizedReportTests:
    def test_a_file_import_records_what_the_sanitizer_removed(self, folder):
        body = '<h1>Big</h1><p style="color:red">Text</p><a href="javascript:x()">a</a>'
        dirty = folder("dirty.md", article_file(article_id=1, body=body))
        folder("clean.md", article_file(article_id=2, body="<p>Clean.</p>"))
        _, err, error = run_import(folder.path)
        assert error is None, err
        run = ImportRun.objects.get()
        assert list(run.sanitized.values_list("path", "removed")) == [
            (str(dirty), "elements <h1>; attributes style; URLs javascript:x()")
        ]
        assert Article.objects.get(article_id=1).body == "Big<p>Text</p><a>a</a>"

    def test_a_feed_import_records_it_per_item(self):
        import_feed(str(DATA / "feeds" / "rss2.xml"), source_name="Example Wire")
        run = ImportRun.objects.get()
        assert run.sanitized.values_list("path", "removed")[0] == (
            "wire-1001",
            "elements <script>; attributes onclick; URLs javascript:alert(2)",
        )

    def test_the_admin_shows_it(self):
        run = finished_run(0)
        run.sanitized.create(path="a.md", removed="elements <h1>")
        user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        client = Client()
        client.force_login(user)
        response = client.get(f"/admin/articles/importrun/{run.pk}/change/")
        assert "elements &lt;h1&gt;" in response.content.decode()
