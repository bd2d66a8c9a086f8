import struct
import zlib
from io import BytesIO, StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from PIL import Image

from articles.ingest.editor_changes import edited_since_import
from articles.ingest.enclosures import fetch_enclosure, pending
from articles.ingest.feeds import import_feed
from articles.models import Article
from tests.conftest import DATA
from tests.factories import make_article, make_source
from tests.image_files import image_bytes


def run(*args, **options):
    out, err = StringIO(), StringIO()
    try:
        call_command("fetch_enclosures", *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def jpeg_with_exif():
    exif = Image.Exif()
    exif[0x010E] = "GPS and a payload ride along"  # ImageDescription
    buffer = BytesIO()
    Image.new("RGB", (80, 60), "orange").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims `width`×`height` pixels: a decompression bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


@pytest.mark.django_db
class FetchEnclosuresTests:
    def article(self, server, path, body, content_type="image/jpeg", **fields):
        url = server.serve(path, body, headers={"Content-Type": content_type})
        return make_article(enclosure=url, source=make_source(), **fields)

    def test_stores_the_image_re_encoded_without_metadata(self, local_server, media_storage):
        article = self.article(local_server, "/1.jpg", jpeg_with_exif(), slug="solar-plant")
        out, err, error = run()
        assert error is None, err
        assert "1 fetched, 0 failed" in out
        article.refresh_from_db()
        assert article.image.name.startswith("images/")
        assert article.image.name.endswith(f"{article.article_id}-solar-plant.jpg")
        assert article.enclosure_error == ""
        with article.image.open("rb"), Image.open(article.image) as stored:
            assert stored.format == "JPEG"
            assert stored.size == (80, 60)
            assert not stored.getexif()
        assert "image/jpeg" in local_server.requests[0].headers["Accept"]

    @pytest.mark.parametrize(
        ("body", "content_type", "reason"),
        [
            (b"<html><body>Not found</body></html>", "text/html", "the server sent text/html"),
            (b"<html><script>alert(1)</script></html>", "image/jpeg", "not a readable image"),
            (png_claiming(50_000, 50_000), "image/png", "decompression bomb"),
            (image_bytes("JPEG", size=(400, 300))[:800], "image/jpeg", "not a readable image"),
            (image_bytes("BMP"), "image/bmp", "BMP images are not accepted"),
        ],
        ids=["html-page", "html-as-jpeg", "decompression-bomb", "truncated-jpeg", "bmp"],
    )
    def test_refuses_what_is_not_a_safe_image_and_notes_why(
        self, local_server, body, content_type, reason
    ):
        article = self.article(local_server, "/bad", body, content_type)
        out, err, error = run()
        assert error is None
        assert "0 fetched, 1 failed" in out
        assert reason in err
        article.refresh_from_db()
        assert not article.image
        assert reason in article.enclosure_error

    def test_one_failure_never_stops_the_others_and_is_not_retried_by_default(self, local_server):
        broken = make_article(enclosure=local_server.url("/missing.jpg"))
        good = self.article(local_server, "/good.png", image_bytes("PNG"), "image/png")
        out, err, _ = run()
        assert "1 fetched, 1 failed" in out
        assert f"article {broken.article_id}: download failed: HTTP 404" in err
        good.refresh_from_db()
        assert good.image.name.endswith(".png")
        out, _, _ = run()
        assert "0 fetched, 0 failed" in out
        local_server.serve(
            "/missing.jpg", image_bytes("JPEG"), headers={"Content-Type": "image/jpeg"}
        )
        out, _, _ = run(retry_failed=True)
        assert "1 fetched, 0 failed" in out
        broken.refresh_from_db()
        assert broken.image and broken.enclosure_error == ""

    def test_oversized_and_slow_downloads_fail_cleanly(self, local_server, settings):
        settings.IMAGE_UPLOAD_MAX_BYTES = 500
        settings.FETCH_TIMEOUT = 0.3
        big = self.article(local_server, "/big.png", image_bytes("PNG", size=(300, 300)))
        local_server.serve("/slow.png", image_bytes("PNG"), delay=2)
        slow = make_article(enclosure=local_server.url("/slow.png"))
        out, err, _ = run()
        assert "0 fetched, 2 failed" in out
        big.refresh_from_db()
        slow.refresh_from_db()
        assert "over the limit of 500" in big.enclosure_error
        assert "timed out after 0.3 s" in slow.enclosure_error

    def test_limit_and_source_choose_the_newest_articles_of_one_source(self, local_server):
        png = image_bytes("PNG")
        urls = [
            local_server.serve(f"/{n}.png", png, headers={"Content-Type": "image/png"})
            for n in range(3)
        ]
        oldest = make_article(enclosure=urls[0], source=make_source())
        Article.objects.filter(pk=oldest.pk).update(date=oldest.date.replace(year=2020))
        make_article(enclosure=urls[1], source=make_source())
        other = make_article(enclosure=urls[2], source=make_source("Other Wire"))
        out, _, _ = run(source="Test Wire", limit=1)
        assert "1 fetched" in out
        assert local_server.paths_requested() == ["/1.png"]
        assert set(pending()) == {oldest, other}

    def test_bad_options_are_command_errors(self):
        assert "No source named 'Nobody'" in str(run(source="Nobody")[2])
        assert "--limit must be a positive number" in str(run(limit=0)[2])

    def test_a_fetched_image_does_not_make_the_article_look_edited(self, local_server):
        feed = (DATA / "feeds" / "rss2.xml").read_text()
        url = local_server.serve(
            "/img.jpg", image_bytes("JPEG"), headers={"Content-Type": "image/jpeg"}
        )
        feed_url = local_server.serve(
            "/rss", feed.replace("https://cdn.wire.example/1001.jpg", url).encode()
        )
        import_feed(feed_url)
        article = Article.objects.get(feed_item_id="wire-1001")
        fetch_enclosure(article)
        article.refresh_from_db()
        assert article.image
        assert not edited_since_import(article, set(article.tags.names()))

    def test_an_editor_edit_stays_protected_after_the_image_arrives(self, local_server):
        url = local_server.serve(
            "/img.png", image_bytes("PNG"), headers={"Content-Type": "image/png"}
        )
        article = make_article(enclosure=url, import_fingerprint="from-an-earlier-import")
        fetch_enclosure(article)
        article.refresh_from_db()
        assert article.image
        assert article.import_fingerprint == "from-an-earlier-import"


@pytest.mark.django_db
def test_admin_shows_the_enclosure_error(client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
    article = make_article(enclosure="https://cdn.example/x.jpg")
    Article.objects.filter(pk=article.pk).update(
        enclosure_error="not an image: the server sent text/html"
    )
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert b"not an image: the server sent text/html" in response.content
