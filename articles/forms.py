from django import forms
from django.conf import settings
from django.db import models
from PIL import Image

from articles.models import Article

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image_upload(upload):
    """Refuse anything but a real, reasonably sized JPEG, PNG, WebP or GIF image."""
    if upload.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            f"The image is {upload.size / 1e6:.1f} MB; the limit is "
            f"{settings.IMAGE_UPLOAD_MAX_BYTES / 1e6:.0f} MB."
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise forms.ValidationError(
                    f"{image.format} images are not accepted: use JPEG, PNG, WebP or GIF."
                )
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise forms.ValidationError(
                    f"The image is {width}×{height} pixels, over the limit of "
                    f"{settings.IMAGE_MAX_PIXELS / 1e6:.0f} megapixels."
                )
            image.verify()
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(f"This file is not a readable image ({exc}).") from None
    finally:
        upload.seek(0)


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
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            validate_image_upload(image)
        return image

    def clean_body(self):
        from articles.sanitize import sanitize_html

        return sanitize_html(self.cleaned_data["body"])
