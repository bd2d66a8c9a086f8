"""Images uploaded for article bodies, kept beside `articles.models` (which re-exports the model).

A module of its own so that `models.py` stays small; the model is registered with the app
because `articles.models` imports it.
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
