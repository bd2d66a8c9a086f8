"""The article body's rich-text editor: django-prose-editor under the site's strict CSP.

The editor is built from `articles.sanitize.BODY_EXTENSIONS`, the list the sanitizer's
allowlist comes from, so it offers exactly what a save keeps. Two things make it run without
'unsafe-inline': Tiptap's stylesheet is shipped as a static file (`css/tiptap-base.css`, checked
against the installed package by a test) and our preset (`js/admin-body-editor.js`) creates
the editor with `injectCSS: false`; the import map django-js-asset writes inline is allowed by
its hash (`articles.serving.middleware`).
"""

from django.urls import reverse
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    prose_editor_admin_media,
    prose_editor_js,
)
from js_asset import Media, Script

from articles.images.body import images
from articles.sanitize import BODY_EXTENSIONS

PRESET = "newsroom"


def images_without_alt(body):
    """How many uploaded images in the sanitized `body` have no alt text (each needs some).

    Images a partner's release brought along are left to the import: only our uploads, which
    the editor inserts, must be described before saving.
    """
    return sum(1 for name, alt in images(body) if name and not (alt or "").strip())


class BodyEditorWidget(AdminProseEditorWidget):
    """The body as rich text, with an HTML source view and a picker of uploaded images."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config={"extensions": BODY_EXTENSIONS}, preset=PRESET)

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["css/tiptap-base.css", "css/admin-body-editor.css"]},
            js=[prose_editor_js, Script("js/admin-body-editor.js", type="module")],
        )

    def get_config(self):
        config = super().get_config()
        extensions = dict(config["extensions"])
        # "Browse…" in the image dialog opens the body images' picker (CKEditor's protocol).
        extensions["Figure"] = {"pickerUrl": reverse("admin:articles_bodyimage_picker")}
        return {**config, "extensions": extensions}
