import logging
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.admin.helpers import ActionForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.widgets import Script
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles.editorial import datetimes, new_article, staging
from articles.editorial.body_editor import BodyEditorWidget, images_without_alt
from articles.editorial.concurrency import VersionCheckedForm
from articles.images import crops, verify
from articles.models import Article
from articles.sanitize import Removed, clean_tags, clean_text, sanitize_html_report

logger = logging.getLogger(__name__)

# Recommended lengths, shown by the live counters; going over is a warning, never a block.
SUMMARY_MAX = 250
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 160
RENDITIONS_FAILED_WARNING = (
    "The header image's smaller versions could not be made, so the site shows the full-size "
    "upload for now. Saving again retries them (as does `manage.py retry_renditions`)."
)
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
            clean = verify.clean_image(upload.read())
        except verify.ImageError as exc:
            raise forms.ValidationError(f"This file can’t be used: {exc}.", code="image") from None
        if extension not in EXTENSIONS[clean.format]:
            raise forms.ValidationError(
                f"“{upload.name}” is named {extension} but is a {clean.format} image: "
                f"rename it with .{clean.extension}.",
                code="extension",
            )
        name = f"{PurePath(upload.name).stem}.{clean.extension}"
        return SimpleUploadedFile(name, clean.data, clean.content_type)


class CropWidget(forms.MultiWidget):
    """The crop's four edges as labelled number inputs, over the whole image when there is one.

    The admin's crop script (static/js/admin-crop.js) lets the editor drag a rectangle on the
    image to fill the numbers in; without it, or from the keyboard, they are typed. The picture
    shown is the image's small uncropped preview when it has one; the stage carries the
    original's size, which the script measures a crop's pixels against.
    """

    LABELS = {"left": "Left", "top": "Top", "right": "Right", "bottom": "Bottom"}

    def __init__(self, attrs=None):
        self.image = None  # (url, width, height) of the picture shown, set by the form
        self.original_size = None  # (width, height) of the original upload, set by the form
        edges = [
            forms.NumberInput(
                # Arrow keys step by a hundredth; dragged values finer than that still submit
                # (the admin's form does not validate in the browser).
                attrs={"step": "0.01", "min": "0", "max": "1", "data-edge": edge, "size": 7}
            )
            for edge in crops.EDGES
        ]
        super().__init__(edges, attrs)

    def decompress(self, value):
        crop = value or crops.WHOLE
        return [crop.get(edge) for edge in crops.EDGES]

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, list | tuple):
            value = self.decompress(value)
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", None) or f"id_{name}"
        inputs = []
        for i, (edge, widget) in enumerate(zip(crops.EDGES, self.widgets, strict=True)):
            input_id = f"{base_id}_{i}"
            html = widget.render(f"{name}_{i}", value[i], {**attrs, "id": input_id}, renderer)
            inputs.append((input_id, self.LABELS[edge], html))
        edges = format_html_join(
            "", '<span class="crop-edge"><label for="{}">{}</label> {}</span>', inputs
        )
        stage = ""
        if self.image:
            url, width, height = self.image
            original_width, original_height = self.original_size or (width, height)
            stage = format_html(
                '<div class="crop-stage" data-width="{}" data-height="{}">'
                '<img src="{}" width="{}" height="{}" class="crop-source" draggable="false" '
                'alt="The whole header image: drag across it to choose the part to show.">'
                "</div>",
                original_width,
                original_height,
                url,
                width,
                height,
            )
        return format_html(
            '<div class="crop-editor" id="{}" role="group" aria-label="Crop, as fractions of '
            'the whole image from 0 to 1" data-min-width="{}" data-min-height="{}">{}'
            '<div class="crop-edges">{}</div></div>',
            base_id,
            crops.MIN_WIDTH,
            crops.MIN_HEIGHT,
            stage,
            edges,
        )


class CropField(forms.MultiValueField):
    """The crop's four edges as fractions 0–1; all empty is the whole image."""

    widget = CropWidget

    def __init__(self, **kwargs):
        edges = [forms.FloatField(min_value=0, max_value=1, required=False) for _ in crops.EDGES]
        super().__init__(edges, required=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(value is None for value in data_list):
            return None
        if any(value is None for value in data_list):
            raise forms.ValidationError(
                "Give all four edges of the crop, or none for the whole image.", code="incomplete"
            )
        return crops.normalized(dict(zip(crops.EDGES, data_list, strict=True)))


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


class CleanTextForm(forms.ModelForm):
    """A model form that drops unprintable characters from every text it cleans.

    Typed or pasted, a vertical tab or an escape would be stored and break the feeds.
    """

    def clean(self):
        cleaned_data = super().clean()
        for name, value in cleaned_data.items():
            if isinstance(value, str):
                cleaned_data[name] = clean_text(value)
        return cleaned_data


class ArticleAdminForm(VersionCheckedForm, CleanTextForm):
    image_crop = CropField(
        label="Crop",
        help_text="Which part of the header image the site shows, as fractions of its width and "
        "height (0 is the left or top, 1 the right or bottom). The original is kept whole; "
        "a new image starts uncropped.",
    )
    reset_crop = forms.BooleanField(
        label="Reset crop",
        required=False,
        help_text="Show the whole image again.",
    )

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
            "image_crop",
            "image_alt",
            "image_caption",
            "status",
            "date",
            "featured",
            "tags",
            "source",
            "source_link",
            "article_id",
            "feed_item_id",
            "qrcode",
        ]
        field_classes = {"image": HeaderImageField}
        widgets = {
            "image": staging.StagedFileInput,
            "summary": counted(3, SUMMARY_MAX),
            "description": counted(2, DESCRIPTION_MAX, DESCRIPTION_MIN),
            "body": BodyEditorWidget(attrs={"rows": 16, "class": "vLargeTextField html-source"}),
        }

    class Media:
        js = [
            "js/admin-counters.js",
            "js/admin-crop.js",
            Script("js/admin-errors.js", defer=True),
            Script("js/admin-shortcuts.js", defer=True),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_removed = Removed()  # what the sanitizer took out of the body, once cleaned
        if "slug" in self.fields:
            self.fields["slug"].required = False  # made from the title when left empty
            self.fields["slug"].help_text += " Filled from the title when left empty."
        if "tags" in self.fields:
            self.fields["tags"].widget.attrs["data-tag-suggestions"] = reverse(
                "admin:articles_article_tags"
            )
        size = self.instance.image_size() if self.instance.image else None
        if size and "image_crop" in self.fields:
            widget = self.fields["image_crop"].widget
            # The small preview, not a multi-megabyte original; older renditions lack one.
            made = self.instance.renditions
            preview = made.preview if made else None
            widget.image = (
                (preview.url, preview.width, preview.height)
                if preview
                else (self.instance.image.url, *size)
            )
            widget.original_size = size
        if isinstance(self.fields.get("date"), forms.SplitDateTimeField):
            datetimes.explain(self.fields["date"])

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors and "image" in self.fields:
            staging.keep(self, "image")  # refused for another field: the upload is kept

    def save(self, commit=True):
        article = super().save(commit)
        if "image" in self.fields:
            staging.release(self, "image")
        return article

    def clean_body(self):
        body, self.body_removed = sanitize_html_report(self.cleaned_data["body"])
        if missing := images_without_alt(body):
            raise forms.ValidationError(
                f"{missing} image(s) in the body have no alt text: describe each one "
                "(double-click the image to edit it).",
                code="alt",
            )
        return body

    def clean_tags(self):
        try:
            return list(clean_tags(self.cleaned_data["tags"]))
        except ValueError as exc:
            raise forms.ValidationError(f"Too many or too long: {exc}.", code="tags") from None

    def _post_clean(self):
        super()._post_clean()
        if not self._errors:
            self.store_image()

    def store_image(self):
        """Write a new upload to storage now: a storage that refuses it is a form error.

        Left to the model's save, the failure would be a 500 after the form was accepted, and the
        editor's other changes in this save would be lost with it.
        """
        image = self.instance.image
        if not image or image._committed:
            return
        try:
            image.save(image.name, image.file, save=False)
        except Exception:  # any storage backend's failure (disk full, permissions, S3...)
            logger.exception("could not store the uploaded header image %s", image.name)
            self.add_error(
                "image",
                forms.ValidationError(
                    "The image could not be stored (the media storage refused it); nothing was "
                    "saved. Try again, or save without the new image and tell the site's admin.",
                    code="storage",
                ),
            )

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields:
            cleaned_data["slug"] = new_article.slug_or_title(
                cleaned_data.get("slug"), cleaned_data.get("title")
            )
        # A crop was chosen on the image the form showed: a new one (or none) starts whole.
        if "image" in self.changed_data or cleaned_data.get("reset_crop"):
            # On the instance too: a form that left the edges out would not write them.
            cleaned_data["image_crop"] = self.instance.image_crop = None
        return cleaned_data

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
