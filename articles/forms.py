from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.admin.helpers import ActionForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from articles import images
from articles.models import Article
from articles.sanitize import sanitize_html

# Recommended lengths, shown by the live counters; going over is a warning, never a block.
SUMMARY_MAX = 250
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 160
EXTENSIONS = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}, "WEBP": {".webp"}, "GIF": {".gif"}}


class HeaderImageField(forms.FileField):
    """An uploaded header image, verified by Pillow and replaced by its clean re-encoding."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        extension = PurePath(upload.name).suffix.lower()
        if extension not in set().union(*EXTENSIONS.values()):
            raise forms.ValidationError(
                f"“{upload.name}” is not a JPEG, PNG, WebP or GIF file name.", code="extension"
            )
        if upload.size > settings.IMAGE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The image is {upload.size / 1e6:.1f} MB; the limit is "
                f"{settings.IMAGE_UPLOAD_MAX_BYTES / 1e6:.0f} MB.",
                code="size",
            )
        try:
            clean = images.clean_image(upload.read())
        except images.ImageError as exc:
            raise forms.ValidationError(f"This file can’t be used: {exc}.", code="image") from None
        if extension not in EXTENSIONS[clean.format]:
            raise forms.ValidationError(
                f"“{upload.name}” is named {extension} but is a {clean.format} image: "
                f"rename it with .{clean.extension}.",
                code="extension",
            )
        name = f"{PurePath(upload.name).stem}.{clean.extension}"
        return SimpleUploadedFile(name, clean.data, clean.content_type)


def counted(rows, maximum, minimum=None):
    """A textarea the admin's counter script annotates with its length and the recommendation."""
    attrs = {"rows": rows, "data-counter-max": maximum}
    if minimum:
        attrs["data-counter-min"] = minimum
    return forms.Textarea(attrs=attrs)


def https_urls(db_field, **kwargs):
    """Form fields for the model, with URL fields assuming https for bare domains."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_urls
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "body",
            "enclosure",
            "image",
            "image_alt",
            "image_caption",
            "status",
            "date",
            "tags",
            "source",
            "source_link",
            "article_id",
            "feed_item_id",
            "qrcode",
        ]
        field_classes = {"image": HeaderImageField}
        widgets = {
            "summary": counted(3, SUMMARY_MAX),
            "description": counted(2, DESCRIPTION_MAX, DESCRIPTION_MIN),
            "body": forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField html-source"}),
        }

    class Media:
        js = ["js/admin-counters.js"]

    def clean_body(self):
        return sanitize_html(self.cleaned_data["body"])

    def length_warnings(self):
        """What the editor should know about the saved lengths; nothing here blocks a save."""
        summary = self.cleaned_data.get("summary", "")
        description = self.cleaned_data.get("description", "")
        warnings = []
        if len(summary) > SUMMARY_MAX:
            warnings.append(
                f"The summary is {len(summary)} characters: a lede reads best under {SUMMARY_MAX}."
            )
        if description and not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
            warnings.append(
                f"The meta description is {len(description)} characters: search engines show "
                f"{DESCRIPTION_MIN}–{DESCRIPTION_MAX}."
            )
        return warnings


class ArticleActionForm(ActionForm):
    """The changelist's action bar, with the tag the "add tag" action applies."""

    tag = forms.CharField(
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "tag for “Add tag”", "size": 18}),
    )
