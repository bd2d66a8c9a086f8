from io import BytesIO
from unittest import mock

from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from PIL import Image

from articles import signals
from articles.images import renditions
from articles.models import Article
from tests.factories import make_article
from tests.image_files import halves, image_bytes, is_blue, reopen, shows_both_halves
from tests.s3 import OnS3


def with_image(article, data, name="header.png"):
    article.image.save(name, ContentFile(data))  # saves the article: renditions follow
    article.refresh_from_db()
    return article


def stored(name):
    with default_storage.open(name) as f:
        return reopen(f.read())


class RenditionsTests(TestCase):
    def test_made_when_an_image_is_saved(self):
        article = with_image(make_article(), image_bytes("PNG", size=(1000, 700)))
        made = article.renditions
        assert made.source == article.image.name
        assert [r.width for r in made.webp] == [400, 800, 1000]
        assert [r.width for r in made.jpeg] == [400, 800, 1000]
        assert (made.webp[1].width, made.webp[1].height) == (800, 560)
        for rendition in made.webp:
            assert stored(rendition.name).format == "WEBP"
        for rendition in made.jpeg:
            assert stored(rendition.name).format == "JPEG"
        thumbnail, social = stored(made.thumbnail.name), stored(made.social.name)
        assert thumbnail.size == renditions.THUMBNAIL_SIZE
        assert (social.format, social.size) == ("JPEG", (1200, 630))

    def test_srcset_lists_urls_with_widths_and_a_jpeg_fallback(self):
        made = with_image(make_article(), image_bytes("PNG", size=(900, 600))).renditions
        assert made.srcset_webp == (
            f"{made.webp[0].url} 400w, {made.webp[1].url} 800w, {made.webp[2].url} 900w"
        )
        assert made.srcset_jpeg.endswith("900w")
        assert made.fallback.width == 900
        assert made.fallback.url.startswith("/media/renditions/")

    def test_a_small_image_is_never_upscaled_for_srcset(self):
        made = with_image(make_article(), image_bytes("PNG", size=(120, 80))).renditions
        assert [r.width for r in made.webp] == [120]
        assert renditions.widths_for(2400) == [400, 800, 1200, 1600]

    def test_transparency_is_laid_on_white_for_jpeg(self):
        clear = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
        buffer = BytesIO()
        clear.save(buffer, "PNG")
        made = with_image(make_article(), buffer.getvalue()).renditions
        assert stored(made.jpeg[0].name).convert("RGB").getpixel((5, 5)) == (255, 255, 255)

    def test_replacing_the_image_makes_new_ones_and_deletes_the_old(self):
        article = with_image(make_article(), image_bytes("PNG", size=(500, 300)))
        old = article.renditions
        old_files = [r.name for r in old.all()] + [article.image.name]
        with self.captureOnCommitCallbacks(execute=True):
            article = with_image(article, image_bytes("JPEG", size=(640, 480)), "new.jpg")
        new = article.renditions
        assert new.source == article.image.name != old.source
        assert [r.width for r in new.webp] == [400, 640]
        assert not any(default_storage.exists(name) for name in old_files)
        assert all(default_storage.exists(r.name) for r in new.all())

    def test_removing_the_image_deletes_them(self):
        article = with_image(make_article(), image_bytes("PNG", size=(300, 200)))
        files = [r.name for r in article.renditions.all()]
        with self.captureOnCommitCallbacks(execute=True):
            article.image = None
            article.save()
        article.refresh_from_db()
        assert article.renditions is None
        assert article.image_renditions == {}
        assert not any(default_storage.exists(name) for name in files)

    def test_deleting_the_article_deletes_image_and_renditions(self):
        article = with_image(make_article(), image_bytes("PNG", size=(300, 200)))
        files = [r.name for r in article.renditions.all()] + [article.image.name]
        assert all(default_storage.exists(name) for name in files)
        with self.captureOnCommitCallbacks(execute=True):
            Article.objects.filter(pk=article.pk).delete()
        assert not any(default_storage.exists(name) for name in files)

    def test_a_store_failing_to_delete_costs_a_stray_file_not_the_save(self):
        article = with_image(make_article(), image_bytes("PNG", size=(600, 400)))
        error = ClientError({"Error": {"Code": "AccessDenied"}}, "DeleteObject")
        with (
            mock.patch.object(type(default_storage._wrapped), "delete", side_effect=error),
            self.assertLogs("articles.images.renditions", "WARNING") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            with_image(article, image_bytes("PNG", size=(500, 400)), "new.png")
        assert "could not delete" in logs.output[0]
        assert article.renditions.source == article.image.name

    def test_the_whole_image_s_size_is_kept_so_the_file_is_not_read_for_it(self):
        article = with_image(make_article(), image_bytes("PNG", size=(1000, 700)))
        assert article.renditions.original == (1000, 700)
        fresh = Article.objects.get(pk=article.pk)
        unread = AssertionError("the original was read")
        with mock.patch.object(type(default_storage._wrapped), "open", side_effect=unread):
            assert fresh.image_size() == (1000, 700)

    def test_a_manifest_without_the_size_reads_it_from_the_file(self):
        article = with_image(make_article(), image_bytes("PNG", size=(900, 600)))
        manifest = {k: v for k, v in article.image_renditions.items() if k != "original"}
        Article.objects.filter(pk=article.pk).update(image_renditions=manifest)
        fresh = Article.objects.get(pk=article.pk)
        assert fresh.renditions.original is None
        assert fresh.image_size() == (900, 600)

    def test_saving_without_an_image_change_does_not_remake_them(self):
        article = with_image(make_article(), image_bytes("PNG", size=(300, 200)))
        manifest = article.image_renditions
        article.summary = "Changed."
        # The save's UPDATE, and the page cache reading where the article showed (its stored
        # state, its tags); no second UPDATE writing renditions.
        with self.assertNumQueries(3) as queries:
            article.save()
        assert [q["sql"].split()[0] for q in queries.captured_queries].count("UPDATE") == 1
        assert article.image_renditions == manifest

    def test_no_renditions_without_an_uploaded_image_or_for_a_stale_manifest(self):
        article = make_article(enclosure="https://example.com/header.jpg")
        assert article.renditions is None
        article.image_renditions = {"source": "images/other.png", "thumbnail": {}}
        article.image.name = "images/current.png"
        assert article.renditions is None

    def test_an_unreadable_stored_file_leaves_no_renditions_and_no_crash(self):
        article = make_article()
        name = default_storage.save("images/broken.png", ContentFile(b"not an image"))
        article.image.name = name
        with self.assertLogs("articles.images.renditions", "ERROR"):
            article.save()
        assert article.renditions is None
        assert article.image_renditions["source"] == name


RIGHT_HALF = {"left": 0.5, "top": 0.0, "right": 1.0, "bottom": 1.0}


def cropped(article, crop):
    article.image_crop = crop
    article.save()  # the post_save handler cuts the renditions anew
    article.refresh_from_db()
    return article


def bands(size=(1600, 1600)):
    """Red above, a blue band across the middle (rows 560–1040), green below."""
    image = Image.new("RGB", size, (0, 160, 0))
    image.paste((220, 0, 0), (0, 0, size[0], 560))
    image.paste((0, 0, 220), (0, 560, size[0], 1040))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class CroppedRenditionsTests(TestCase):
    def test_every_rendition_is_cut_from_the_crop(self):
        article = cropped(with_image(make_article(), halves((1600, 900))), RIGHT_HALF)
        made = article.renditions
        assert [r.width for r in made.webp] == [400, 800]  # the region is 800 pixels wide
        assert (made.webp[-1].width, made.webp[-1].height) == (800, 900)
        for rendition in made.all():
            assert is_blue(stored(rendition.name)), rendition.name
        assert stored(made.social.name).size == (1200, 630)
        assert stored(made.thumbnail.name).size == renditions.THUMBNAIL_SIZE
        assert article.image_renditions["crop"] == RIGHT_HALF

    def test_without_a_crop_the_renditions_show_the_whole_image(self):
        made = with_image(make_article(), halves((1600, 900))).renditions
        assert not is_blue(stored(made.webp[-1].name))
        assert stored(made.webp[-1].name).size == (1600, 900)

    def test_thumbnail_and_card_are_fitted_around_the_region_centre(self):
        article = with_image(make_article(), bands())
        whole = article.renditions
        assert not is_blue(stored(whole.social.name))  # the whole image's card shows red too
        # A tall region, 800×1600: its card (800×420) and thumbnail (800×450) are
        # strips around its centre, inside the blue band.
        made = cropped(article, RIGHT_HALF).renditions
        assert is_blue(stored(made.social.name))
        assert is_blue(stored(made.thumbnail.name))

    def test_changing_the_crop_makes_new_renditions_and_deletes_the_old(self):
        article = with_image(make_article(), halves((1600, 900)))
        source, old = article.image.name, article.renditions
        with self.captureOnCommitCallbacks(execute=True):
            article = cropped(article, RIGHT_HALF)
        new = article.renditions
        assert new.source == source and default_storage.exists(source)  # the original stays
        old_names, new_names = {r.name for r in old.all()}, {r.name for r in new.all()}
        assert not old_names & new_names  # new URLs: no browser keeps showing the old cut
        assert not any(default_storage.exists(name) for name in old_names)
        assert all(default_storage.exists(name) for name in new_names)

    def test_removing_the_crop_brings_back_the_whole_image(self):
        article = cropped(with_image(make_article(), halves((1600, 900))), RIGHT_HALF)
        article = cropped(article, None)
        assert article.renditions.webp[-1].width == 1600
        assert article.image_renditions["crop"] is None

    def test_a_new_image_resets_the_crop(self):
        article = cropped(with_image(make_article(), halves((1600, 900))), RIGHT_HALF)
        article = with_image(article, image_bytes("PNG", size=(1000, 700)), "new.png")
        assert article.image_crop is None
        assert article.renditions.webp[-1].width == 1000

    def test_removing_the_image_resets_the_crop(self):
        article = cropped(with_image(make_article(), halves((1600, 900))), RIGHT_HALF)
        article.image = None
        article.save()
        article.refresh_from_db()
        assert article.image_crop is None and article.image_renditions == {}

    def test_a_crop_change_invalidates_the_public_pages(self):
        article = with_image(make_article(), halves((1600, 900)))
        article.image_crop = RIGHT_HALF
        # The new manifest is written with update(), which sends no signal of its own.
        with mock.patch("articles.signals.invalidate_page_groups") as invalidate:
            signals.refresh_renditions(article)
        invalidate.assert_called_once()
        (groups,) = invalidate.call_args.args
        assert {f"article:{article.article_id}", "latest", "feed"} <= groups

    def test_saving_with_the_same_crop_does_not_remake_them(self):
        article = cropped(with_image(make_article(), halves((1600, 900))), RIGHT_HALF)
        manifest = article.image_renditions
        article.summary = "Changed."
        # The save's UPDATE, and the page cache reading where the article showed (its stored
        # state, its tags); no second UPDATE writing renditions.
        with self.assertNumQueries(3) as queries:
            article.save()
        assert [q["sql"].split()[0] for q in queries.captured_queries].count("UPDATE") == 1
        assert article.image_renditions == manifest


class PreviewRenditionTests(TestCase):
    def test_a_jpeg_preview_of_the_whole_image_is_at_most_800_pixels_wide(self):
        preview = with_image(make_article(), halves((1600, 900))).renditions.preview
        assert (preview.width, preview.height) == (800, 450)
        image = stored(preview.name)
        assert (image.format, image.size) == ("JPEG", (800, 450))
        assert shows_both_halves(image)

    def test_a_small_image_s_preview_is_never_upscaled(self):
        preview = with_image(make_article(), image_bytes("PNG", size=(300, 200))).renditions.preview
        assert stored(preview.name).size == (300, 200)

    def test_the_preview_stays_uncropped_and_is_kept_when_the_crop_changes(self):
        article = with_image(make_article(), halves((1600, 900)))
        preview = article.renditions.preview
        with self.captureOnCommitCallbacks(execute=True):
            article = cropped(article, RIGHT_HALF)
        made = article.renditions
        assert made.preview == preview  # the same file: not made again, not deleted
        assert default_storage.exists(preview.name)
        assert shows_both_halves(stored(preview.name))
        assert all(is_blue(stored(r.name)) for r in made.all())
        assert preview.name not in {r.name for r in made.all()}

    def test_replacing_or_removing_the_image_deletes_its_preview(self):
        article = with_image(make_article(), halves((1600, 900)))
        first = article.renditions.preview.name
        with self.captureOnCommitCallbacks(execute=True):
            article = with_image(article, image_bytes("PNG", size=(640, 480)), "new.png")
        second = article.renditions.preview.name
        assert not default_storage.exists(first)
        assert stored(second).size == (640, 480)
        with self.captureOnCommitCallbacks(execute=True):
            article.image = None
            article.save()
        assert not default_storage.exists(second)

    def test_deleting_the_article_deletes_the_preview(self):
        article = with_image(make_article(), halves((1600, 900)))
        preview = article.renditions.preview.name
        with self.captureOnCommitCallbacks(execute=True):
            Article.objects.filter(pk=article.pk).delete()
        assert not default_storage.exists(preview)

    def test_a_manifest_made_before_previews_still_gives_renditions_and_gets_one_on_a_crop(self):
        article = with_image(make_article(), halves((1600, 900)))
        default_storage.delete(article.renditions.preview.name)
        del article.image_renditions["preview"]
        Article.objects.filter(pk=article.pk).update(image_renditions=article.image_renditions)
        article.refresh_from_db()
        made = article.renditions
        assert made.preview is None
        assert made.webp[-1].width == 1600
        made = cropped(article, RIGHT_HALF).renditions
        assert shows_both_halves(stored(made.preview.name))

    def test_a_failed_crop_leaves_no_preview_behind(self):
        article = with_image(make_article(), halves((1600, 900)))
        preview = article.renditions.preview.name
        failure = mock.patch(
            "articles.images.renditions.generate", side_effect=OSError("disk full")
        )
        with (
            failure,
            self.assertLogs("articles.images.renditions", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            article = cropped(article, RIGHT_HALF)
        assert article.renditions is None
        assert not default_storage.exists(preview)


class RenditionsOnS3Tests(OnS3, RenditionsTests):
    """RenditionsTests, with media in a bucket on the S3 endpoint."""


class CroppedRenditionsOnS3Tests(OnS3, CroppedRenditionsTests):
    """CroppedRenditionsTests, with media in a bucket on the S3 endpoint."""


class PreviewRenditionOnS3Tests(OnS3, PreviewRenditionTests):
    """PreviewRenditionTests, with media in a bucket on the S3 endpoint."""
