"""Models kept beside `articles.models` (at its size limit): body images, sanitizer reports.

`ArticlesConfig.import_models()` imports this module with the app's models, so Django registers
them as the `articles` app's like any other; nothing in `models.py` needs to know them.
"""

from django.conf import settings
from django.db import models


class BodyImage(models.Model):
    """An image uploaded for article bodies: pages show its renditions, never the upload."""

    image = models.ImageField(upload_to="body/%Y/%m/", width_field="width", height_field="height")
    width, height = models.PositiveIntegerField(default=0), models.PositiveIntegerField(default=0)
    alt = models.CharField("alt text", max_length=300, help_text="What the image shows.")
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.alt


class SanitizedMarkup(models.Model):
    """What the sanitizer removed from one imported body, in an import run."""

    run = models.ForeignKey("articles.ImportRun", models.CASCADE, related_name="sanitized")
    path = models.CharField(max_length=1000, help_text="The file, or the feed item's id.")
    removed = models.TextField(help_text="The elements, attributes and URLs removed.")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.path}: {self.removed}"
