"""The import run record in the admin: visible to staff, changed by no one."""

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from articles.importers.runs import ImportResult, finish_run, start_run
from articles.models import ImportRun


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
