"""What keeps an editor's work: the version every write of an article counts up, and drafts.

Every write of an article counts `version` up in the database, never in a process's memory:
`Versioned.save()` here, and the bulk writers (bulk actions, importers) with `NEXT_VERSION` in
their `update()` or `bulk_update()`. The change form remembers the version it started from, and
articles.editorial.concurrency stops a save from an older one that would overwrite what others
saved since. `ArticleDraft` is an editor's unsaved form (articles.editorial.drafts).
"""

from django.conf import settings
from django.db import models
from django.db.models import F

NEXT_VERSION = F("version") + 1  # what every write of an article sets its version to


class Versioned(models.Model):
    """A model whose every update counts `version` up in the database."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        self.version = NEXT_VERSION
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
        del self.version  # deferred: read from the database if and when it is asked for


class ArticleDraft(models.Model):
    """An editor's unsaved form of an article: theirs alone, dropped when the article is saved."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    data = models.JSONField(default=dict, help_text='The form\'s fields: {"name": [values]}.')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="unique_article_draft"),
        ]

    def __str__(self):
        return f"{self.user}'s draft of article {self.article_id}"
