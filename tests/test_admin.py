import datetime as dt

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase, override_settings

from articles.models import Article, Revision, Status
from tests.factories import make_article, make_source
from tests.image_files import (
    animated_gif,
    halves,
    image_bytes,
    is_blue,
    jpeg_with_orientation,
    png_claiming_size,
    reopen,
    upload,
)
from tests.s3 import OnS3


def form_data(article, **changes):
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "description": article.description,
        "body": article.body,
        "enclosure": article.enclosure,
        "image_alt": article.image_alt,
        "image_caption": article.image_caption,
        "status": article.status,
        "date_0": article.date.strftime("%Y-%m-%d"),
        "date_1": article.date.strftime("%H:%M:%S"),
        "tags": ", ".join(article.tags.names()) if article.pk else "",
        "source": article.source_id or "",
        "source_link": article.source_link,
        "article_id": article.article_id,
        "feed_item_id": article.feed_item_id,
        "qrcode": article.qrcode,
    }
    data.update(changes)
    return data


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        cls.article = make_article(
            title="Imported release",
            source=make_source(),
            date=dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC),
            tags=["energy"],
        )

    def setUp(self):
        self.client.force_login(self.user)
        self.url = f"/admin/articles/article/{self.article.pk}/change/"

    def post(self, **changes):
        return self.client.post(self.url, form_data(self.article, **changes))


class ArticleFormTests(AdminTestCase):
    def test_form_is_in_the_four_fieldsets_with_counters_and_no_inline_script(self):
        response = self.client.get(self.url)
        for heading in ["Content", "Header image", "Publishing", "Source and provenance"]:
            self.assertContains(response, f'class="fieldset-heading">{heading}</h2>')
        self.assertContains(response, 'data-counter-max="250"')
        self.assertContains(response, 'data-counter-max="160" data-counter-min="50"')
        self.assertContains(response, '<script src="/static/js/admin-counters.js"></script>')
        html = response.content.decode()
        assert "<script>" not in html  # every script has a src: a strict CSP can forbid inline

    def test_editor_changes_summary_and_description(self):
        description = "A meta description long enough for a search result snippet, and clear."
        response = self.post(summary="Sharper lede.", description=description)
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.summary == "Sharper lede."
        assert self.article.description == description
        assert list(self.article.tags.names()) == ["energy"]

    def test_long_description_and_summary_warn_but_save(self):
        response = self.post(summary="x" * 300, description="y" * 200)
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.description == "y" * 200
        messages = [str(m) for m in response.wsgi_request._messages]
        assert "The summary is 300 characters: a lede reads best under 250." in messages
        assert "The meta description is 200 characters: search engines show 50–160." in messages

    def test_body_is_sanitized_on_save(self):
        self.post(body='<p onclick="x()">ok</p><script>bad()</script>')
        self.article.refresh_from_db()
        assert self.article.body == "<p>ok</p>"

    def test_slug_is_editable_and_the_old_url_still_leads_to_the_article(self):
        old_url = self.article.get_absolute_url()
        self.post(slug="a-better-slug")
        self.article.refresh_from_db()
        assert self.article.slug == "a-better-slug"
        self.client.logout()
        response = self.client.get(old_url)
        self.assertRedirects(response, self.article.get_absolute_url(), status_code=301)
        assert self.article.get_absolute_url().endswith(f"/{self.article.article_id}-a-better-slug")

    def test_http_only_urls(self):
        response = self.post(enclosure="ftp://example.com/header.png")
        self.assertContains(response, "Enter a valid URL.")
        assert Article.objects.get(pk=self.article.pk).enclosure == ""

    def test_view_on_site_for_published_and_preview_for_drafts(self):
        response = self.client.get(self.url)
        self.assertContains(response, "View on site")
        self.assertNotContains(response, ">Preview</a>")
        draft = make_article(status=Status.DRAFT)
        response = self.client.get(f"/admin/articles/article/{draft.pk}/change/")
        self.assertContains(response, f'<a href="{draft.get_absolute_url()}" class="viewsitelink">')
        preview = self.client.get(draft.get_absolute_url())
        self.assertContains(preview, "Not published.")
        self.assertContains(preview, 'content="noindex, nofollow"')


class HeaderImageUploadTests(AdminTestCase):
    def saved_image(self, content, name="header.png", **changes):
        changes.setdefault("image_alt", "A teal square.")
        response = self.post(image=upload(name, content), **changes)
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        with default_storage.open(self.article.image.name) as f:
            return reopen(f.read())

    def refused(self, content, name="header.png", message=""):
        response = self.post(image=upload(name, content), image_alt="Alt.")
        assert response.status_code == 200
        self.assertContains(response, message)
        self.article.refresh_from_db()
        assert not self.article.image
        return response

    def test_an_upload_is_re_encoded_with_renditions_and_a_preview(self):
        self.saved_image(image_bytes("PNG", size=(640, 480)) + b"<script>x</script>")
        assert self.article.image.name.endswith(".png")
        with default_storage.open(self.article.image.name) as f:
            assert b"<script>" not in f.read()
        assert self.article.renditions.webp[-1].width == 640
        response = self.client.get(self.url)
        self.assertContains(response, 'class="image-preview"')
        self.assertContains(response, self.article.renditions.webp[0].url)

    def test_a_non_image_is_a_form_error(self):
        self.refused(b"<html><script>alert(1)</script></html>", message="no JPEG, PNG, WebP or GIF")

    def test_a_jpeg_named_png_is_refused(self):
        self.refused(image_bytes("JPEG"), "photo.png", "is named .png but is a JPEG image")

    def test_other_extensions_are_refused(self):
        self.refused(image_bytes("PNG"), "vector.svg", "is not a JPEG, PNG, WebP or GIF file name")

    def test_other_formats_are_refused(self):
        self.refused(image_bytes("BMP"), "old.gif", "BMP images are not accepted")

    @override_settings(IMAGE_UPLOAD_MAX_BYTES=1000)
    def test_an_oversized_file_is_refused(self):
        self.refused(image_bytes("PNG") + bytes(2000), message="MB; the limit is")

    def test_a_decompression_bomb_is_refused(self):
        self.refused(png_claiming_size(30_000, 30_000), message="decompression bomb")

    def test_an_image_over_the_pixel_limit_is_refused(self):
        self.refused(png_claiming_size(8_000, 6_000), message="over the limit of 40,000,000")

    def test_an_animated_gif_keeps_its_first_frame(self):
        image = self.saved_image(animated_gif(), "anim.gif")
        assert image.format == "GIF"
        assert getattr(image, "n_frames", 1) == 1

    def test_a_cmyk_jpeg_is_stored_as_rgb(self):
        image = self.saved_image(image_bytes("JPEG", mode="CMYK"), "print.jpg")
        assert image.mode == "RGB"

    def test_exif_orientation_is_applied_and_metadata_dropped(self):
        image = self.saved_image(jpeg_with_orientation((64, 48)), "phone.jpeg")
        assert image.size == (48, 64)
        assert image.getexif().get(0x0112) is None
        with default_storage.open(self.article.image.name) as f:
            assert b"camera secrets" not in f.read()

    def test_publishing_with_an_image_requires_alt_text(self):
        response = self.post(image=upload(), image_alt="")
        self.assertContains(response, "alt text is required")
        self.article.refresh_from_db()
        assert not self.article.image

    def test_an_imported_image_url_requires_alt_text_too(self):
        response = self.post(enclosure="https://example.com/header.jpg", image_alt=" ")
        self.assertContains(response, "alt text is required")

    def test_a_draft_may_have_an_image_without_alt_text(self):
        self.saved_image(image_bytes(), status=Status.DRAFT, image_alt="")
        assert self.article.status == Status.DRAFT
        assert self.article.image


class HistoryTests(AdminTestCase):
    def test_every_save_is_kept_with_who_and_what(self):
        self.post(summary="Sharper lede.", tags="energy, solar")
        revision = self.article.revisions.get()
        assert revision.user == self.user
        assert revision.origin == Revision.Origin.ADMIN
        assert revision.changes == {
            "summary": [f"Summary of article {self.article.article_id}.", "Sharper lede."],
            "tags": [["energy"], ["energy", "solar"]],
        }

    def test_a_save_without_changes_keeps_no_revision(self):
        self.post()
        assert not self.article.revisions.exists()

    def test_adding_an_article_keeps_its_first_values(self):
        new = Article(title="Fresh", slug="fresh", article_id=77, date=self.article.date)
        response = self.client.post(
            "/admin/articles/article/add/", form_data(new, status=Status.DRAFT)
        )
        self.assertRedirects(response, "/admin/articles/article/")
        fresh = Article.objects.get(title="Fresh")
        # The system numbers it: a posted article_id is not a field of the add form.
        assert fresh.article_id == self.article.article_id + 1
        changes = fresh.revisions.get().changes
        assert changes["title"] == [None, "Fresh"]

    def test_the_form_shows_the_history_and_restores_a_summary(self):
        original = self.article.summary
        self.post(summary="Worse lede.")
        revision = self.article.revisions.get()
        response = self.client.get(self.url)
        self.assertContains(response, "Worse lede.")
        self.assertContains(response, f'value="{revision.pk}:summary:old"')
        restore_url = f"/admin/articles/article/{self.article.pk}/restore/"
        self.assertContains(response, f'formaction="{restore_url}"')

        response = self.client.post(
            restore_url, form_data(self.article, restore=f"{revision.pk}:summary:old")
        )
        self.assertRedirects(response, self.url)
        self.article.refresh_from_db()
        assert self.article.summary == original
        latest = self.article.revisions.first()
        assert latest.origin == Revision.Origin.RESTORE
        assert latest.changes == {"summary": ["Worse lede.", original]}

    def test_restore_refuses_bad_requests(self):
        self.post(title="New title")
        revision = self.article.revisions.get()
        restore_url = f"/admin/articles/article/{self.article.pk}/restore/"
        assert self.client.get(restore_url).status_code == 405
        assert self.client.post(restore_url, {"restore": "x"}).status_code == 400
        other = make_article()
        foreign = revisions_of(other)
        assert (
            self.client.post(restore_url, {"restore": f"{foreign}:summary:old"}).status_code == 400
        )
        response = self.client.post(
            restore_url, {"restore": f"{revision.pk}:title:old"}, follow=True
        )
        self.assertContains(response, "The title cannot be restored")
        self.article.refresh_from_db()
        assert self.article.title == "New title"


def revisions_of(article):
    return Revision.objects.create(
        article=article, origin="admin", changes={"summary": ["a", "b"]}
    ).pk


RIGHT_HALF = {"left": 0.5, "top": 0.0, "right": 1.0, "bottom": 1.0}


def crop_data(left, top, right, bottom):
    return {f"image_crop_{i}": v for i, v in enumerate([left, top, right, bottom])}


class HeaderImageCropTests(AdminTestCase):
    def setUp(self):
        super().setUp()
        self.article.image_alt = "Red and blue."
        self.article.image.save("halves.png", ContentFile(halves((1600, 900))))
        self.article.refresh_from_db()

    def crop(self, *edges, **changes):
        return self.post(**crop_data(*edges), **changes)

    def editor_html(self):
        html = self.client.get(self.url).content.decode()
        return html[html.index('<div class="crop-editor"') : html.index('id="id_reset_crop"')]

    def test_the_form_shows_the_whole_image_and_four_labelled_edges(self):
        response = self.client.get(self.url)
        html = response.content.decode()
        editor = html[html.index('<div class="crop-editor"') : html.index('id="id_reset_crop"')]
        preview = self.article.renditions.preview
        assert f'src="{preview.url}" width="800" height="450"' in editor
        for i, label in enumerate(["Left", "Top", "Right", "Bottom"]):
            assert f'<label for="id_image_crop_{i}">{label}</label>' in editor
        assert 'name="image_crop_2" value="1.0"' in editor
        assert "style=" not in editor  # the Content-Security-Policy forbids inline styles
        self.assertContains(response, '<script src="/static/js/admin-crop.js"></script>')
        self.assertContains(response, '<label class="vCheckboxLabel" for="id_reset_crop">Reset')

    def test_the_editor_shows_the_small_preview_not_the_original_upload(self):
        editor = self.editor_html()
        assert self.article.renditions.preview.url in editor
        assert self.article.image.url not in editor

    def test_the_stage_carries_the_original_size_for_the_pixel_warning(self):
        self.crop(0.5, 0, 1, 1)  # the preview shown is the whole image, whatever the crop
        self.article.refresh_from_db()
        editor = self.editor_html()
        assert '<div class="crop-stage" data-width="1600" data-height="900">' in editor
        assert f'src="{self.article.renditions.preview.url}" width="800" height="450"' in editor

    def test_an_article_whose_renditions_lack_a_preview_shows_the_original(self):
        manifest = {k: v for k, v in self.article.image_renditions.items() if k != "preview"}
        Article.objects.filter(pk=self.article.pk).update(image_renditions=manifest)
        editor = self.editor_html()
        assert f'src="{self.article.image.url}" width="1600" height="900"' in editor
        assert 'data-width="1600" data-height="900"' in editor

    def test_typed_edges_crop_the_renditions_and_keep_a_revision(self):
        old = {r.name for r in self.article.renditions.all()}
        self.assertRedirects(self.crop(0.5, 0, 1, 1), "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.image_crop == RIGHT_HALF
        made = self.article.renditions
        assert not old & {r.name for r in made.all()}
        for rendition in made.all():
            with default_storage.open(rendition.name) as f:
                assert is_blue(reopen(f.read())), rendition.name
        revision = self.article.revisions.get()
        assert revision.user == self.user
        assert revision.changes == {"image_crop": [None, RIGHT_HALF]}
        history = self.client.get(self.url)
        self.assertContains(history, '<span class="label">before</span> whole image')
        self.assertContains(history, "</span> left 0.5, top 0, right 1, bottom 1")

    def test_invalid_crops_are_refused_with_a_clear_error(self):
        cases = [
            ((0.8, 0, 0.2, 1), "left edge must be left of its right edge"),
            ((0.5, 0.5, 0.8, 1), "The crop is 480×450 pixels: keep at least 600×315"),
            ((0, 0, 1.5, 1), "Ensure this value is less than or equal to 1"),
            ((0.5, "", 1, 1), "Give all four edges of the crop, or none for the whole image"),
            ((0.5, "top", 1, 1), "Enter a number"),
        ]
        for edges, message in cases:
            with self.subTest(edges=edges):
                response = self.crop(*edges)
                assert response.status_code == 200
                self.assertContains(response, message)
                assert response.context["adminform"].form.errors.keys() == {"image_crop"}
        self.article.refresh_from_db()
        assert self.article.image_crop is None
        assert not self.article.revisions.exists()

    def test_leaving_the_edges_empty_or_whole_keeps_the_whole_image(self):
        self.assertRedirects(self.crop("", "", "", ""), "/admin/articles/article/")
        self.assertRedirects(self.crop(0, 0, 1, 1), "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.image_crop is None
        assert not self.article.revisions.exists()

    def test_reset_crop_brings_back_the_whole_image(self):
        self.crop(0.5, 0, 1, 1)
        self.crop(0.5, 0, 1, 1, reset_crop="on")
        self.article.refresh_from_db()
        assert self.article.image_crop is None
        assert self.article.renditions.webp[-1].width == 1600
        assert self.article.revisions.first().changes == {"image_crop": [RIGHT_HALF, None]}

    def test_a_new_image_resets_the_crop(self):
        self.crop(0.5, 0, 1, 1)
        response = self.crop(0.5, 0, 1, 1, image=upload("new.png", image_bytes(size=(900, 600))))
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.image.name.endswith(".png") and "new" in self.article.image.name
        assert self.article.image_crop is None
        assert self.article.renditions.webp[-1].width == 900
        changes = self.article.revisions.first().changes
        assert changes["image_crop"] == [RIGHT_HALF, None]

    def test_a_crop_can_be_restored_from_the_history(self):
        self.crop(0.5, 0, 1, 1)
        self.crop(0.25, 0, 1, 1)
        revision = self.article.revisions.first()
        assert revision.changes["image_crop"][0] == RIGHT_HALF
        response = self.client.get(self.url)
        self.assertContains(response, f'value="{revision.pk}:image_crop:old"')
        restore_url = f"/admin/articles/article/{self.article.pk}/restore/"
        response = self.client.post(restore_url, {"restore": f"{revision.pk}:image_crop:old"})
        self.assertRedirects(response, self.url)
        self.article.refresh_from_db()
        assert self.article.image_crop == RIGHT_HALF
        assert self.article.image_renditions["crop"] == RIGHT_HALF
        with default_storage.open(self.article.renditions.social.name) as f:
            assert is_blue(reopen(f.read()))
        assert self.article.revisions.first().origin == Revision.Origin.RESTORE

    def test_a_crop_for_another_image_is_not_restored(self):
        self.crop(0.5, 0, 1, 1)
        revision = self.article.revisions.get()
        response = self.post(image=upload("small.png", image_bytes(size=(700, 400))))
        self.assertRedirects(response, "/admin/articles/article/")
        restore_url = f"/admin/articles/article/{self.article.pk}/restore/"
        response = self.client.post(
            restore_url, {"restore": f"{revision.pk}:image_crop:new"}, follow=True
        )
        self.assertContains(response, "That crop cannot be restored: The crop is 350×400 pixels")
        self.article.refresh_from_db()
        assert self.article.image_crop is None

    @override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
    def test_the_public_page_shows_the_cropped_renditions_at_once(self):
        reader = self.client_class()
        page = self.article.get_absolute_url()
        whole = self.article.renditions
        self.assertContains(reader.get(page), whole.social.url)  # now cached
        self.crop(0.5, 0, 1, 1)
        self.article.refresh_from_db()
        made = self.article.renditions
        response = reader.get(page)
        self.assertContains(response, made.srcset_webp)
        self.assertContains(response, made.srcset_jpeg)
        self.assertContains(response, '<meta property="og:image" content="http')
        self.assertContains(response, made.social.url)
        self.assertNotContains(response, whole.social.url)


class HeaderImageUploadOnS3Tests(OnS3, HeaderImageUploadTests):
    """HeaderImageUploadTests, with media in a bucket on the S3 endpoint."""


class HeaderImageCropOnS3Tests(OnS3, HeaderImageCropTests):
    """HeaderImageCropTests, with media in a bucket on the S3 endpoint."""
