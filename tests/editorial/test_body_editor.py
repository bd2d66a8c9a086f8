import re
from pathlib import Path

import django_prose_editor
from django.conf import settings
from django.contrib.auth.models import User
from django.test import SimpleTestCase, TestCase
from django_prose_editor.config import allowlist_from_extensions

from articles.editorial.body_editor import BodyEditorWidget, images_without_alt
from articles.sanitize import ALIASES, allowlist, sanitize_html
from articles.serving.middleware import sha256_source

PACKAGE_STATIC = Path(django_prose_editor.__file__).parent / "static" / "django_prose_editor"


class AllowlistTests(SimpleTestCase):
    def test_the_editor_offers_exactly_what_the_sanitizer_keeps(self):
        offered = allowlist_from_extensions(BodyEditorWidget().get_config()["extensions"])
        kept = allowlist()
        # The sanitizer keeps only the editor's elements and the older spellings it reads.
        assert kept["tags"] == frozenset(offered["tags"]) | ALIASES
        assert set(ALIASES) == {"b", "i"}
        assert kept["url_schemes"] == frozenset(offered["url_schemes"])
        for tag, attributes in offered["attributes"].items():
            assert kept["attributes"][tag] == frozenset(attributes) - {"rel"}, tag
        assert set(kept["attributes"]) == set(offered["attributes"])

    def test_what_the_editor_makes_survives_a_save_unchanged(self):
        html = (
            "<h2>Why</h2><p>A <strong>bold</strong> and <em>italic</em> "
            '<a href="/202511/1-x" title="">link</a>.</p><ul><li><p>one</p></li></ul>'
            '<ol start="3"><li><p>two</p></li></ol><blockquote><p>q</p></blockquote>'
            '<figure class="figure"><img src="/media/body/2026/11/a.jpg" alt="A" data-file="3">'
            "<figcaption>Cap</figcaption></figure>"
            '<table><tbody><tr><th colspan="1" rowspan="1"><p>h</p></th></tr></tbody></table>'
        )
        assert sanitize_html(html) == html

    def test_headings_the_editor_does_not_offer_are_not_kept(self):
        assert sanitize_html("<h1>Top</h1><h5>Low</h5>") == "TopLow"


class StylesheetTests(SimpleTestCase):
    def test_static_tiptap_stylesheet_is_what_the_installed_package_would_inject(self):
        """An upgrade of django-prose-editor that changes Tiptap's CSS fails here, loudly."""
        bundle = (PACKAGE_STATIC / "editor.js").read_text()
        injected = re.findall(r"=`(\.ProseMirror \{.*?)`", bundle, re.DOTALL)
        assert len(injected) == 1
        ours = (Path(settings.BASE_DIR) / "static" / "css" / "tiptap-base.css").read_text()
        assert ours == injected[0]

    def test_the_bundle_still_lets_the_preset_turn_css_injection_off(self):
        bundle = (PACKAGE_STATIC / "editor.js").read_text()
        assert "this.options.injectCSS&&" in bundle


class BodyEditorAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.user)

    def test_add_form_allows_its_import_map_by_hash_and_nothing_inline_else(self):
        response = self.client.get("/admin/articles/article/add/")
        html = response.content.decode()
        maps = re.findall(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.DOTALL)
        assert len(maps) == 1 and "django-prose-editor/editor" in maps[0]
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy)[1].split()
        assert script_src == ["'self'", sha256_source(maps[0].encode())]
        assert "unsafe-inline" not in policy
        assert re.search(r"style-src 'self';", policy)
        assert "data-django-prose-editor-newsroom" in html
        assert "js/admin-body-editor.js" in html and "css/tiptap-base.css" in html
        # No other inline script, no style element or attribute.
        assert len(re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)) == 1
        assert "<style" not in html and ' style="' not in html

    def test_public_pages_keep_the_plain_policy(self):
        response = self.client.get("/")
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


class ImagesWithoutAltTests(SimpleTestCase):
    def test_counts_uploaded_images_without_alt_text_only(self):
        body = (
            '<img src="/media/body/2026/11/a.jpg" alt="A chart">'
            '<img src="/media/body/2026/11/b.jpg" alt=" ">'
            '<img src="/media/body/2026/11/c.jpg">'
            '<img src="https://partner.example/d.jpg">'  # a partner's, left to the import
        )
        assert images_without_alt(body) == 2
