"""The records of what happened to articles: import runs, what they sanitized, revisions.

Models of `articles.models` (which re-exports them: import them from there), kept in a module
of their own so that `models.py` holds the content and stays readable. Read and written by
articles.revisions and articles.ingest.runs.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """One run of an importer: who, when, what, and every failure with its reason."""

    class Kind(models.TextChoices):
        FILES = "files", "Article files"
        FEED = "feed", "Feed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    started_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    paths = models.JSONField(default=list, help_text="Files, folders or feed URLs imported.")
    source = models.ForeignKey(
        "articles.Source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    dry_run = models.BooleanField(default=False)
    forced = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, help_text='[{"path": ..., "reason": ...}, ...]')
    error = models.TextField(blank=True, help_text="Why the run as a whole stopped, if it did.")

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.get_kind_display()} import at {self.started_at:%Y-%m-%d %H:%M}"


class Revision(models.Model):
    """One change to an article by an editor or an import: which fields, old and new values."""

    class Origin(models.TextChoices):
        ADMIN = "admin", "Editor"
        IMPORT = "import", "File import"
        FEED = "feed", "Feed"
        RESTORE = "restore", "Restore"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="revisions"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    origin = models.CharField(max_length=10, choices=Origin.choices)
    import_run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True)
    changes = models.JSONField(default=dict, help_text='{"field": [old, new], ...}')

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"], name="revision_article_idx")]

    def __str__(self):
        return f"{self.article_id}: {', '.join(self.changes)} ({self.get_origin_display()})"


class SanitizedMarkup(models.Model):
    """What the sanitizer removed from one imported body, in an import run."""

    run = models.ForeignKey("articles.ImportRun", models.CASCADE, related_name="sanitized")
    path = models.CharField(max_length=1000, help_text="The file, or the feed item's id.")
    removed = models.TextField(help_text="The elements, attributes and URLs removed.")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.path}: {self.removed}"
