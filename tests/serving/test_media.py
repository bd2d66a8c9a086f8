"""The media view serves stored files through the storage API: local disk and S3 alike."""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase

from tests.image_files import image_bytes
from tests.s3 import OnS3


class MediaViewTests(TestCase):
    def test_a_stored_image_is_served_with_its_type_length_and_caching(self):
        data = image_bytes("PNG", size=(40, 30))
        name = default_storage.save("images/header.png", ContentFile(data))
        response = self.client.get(f"/media/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "public, max-age=86400"
        assert int(response["Content-Length"]) == len(data)
        assert "Content-Disposition" not in response
        assert b"".join(response.streaming_content) == data
        response.close()

    def test_a_conditional_get_of_an_unchanged_file_answers_304(self):
        name = default_storage.save("images/header.png", ContentFile(image_bytes("PNG")))
        first = self.client.get(f"/media/{name}")
        first.close()
        again = self.client.get(f"/media/{name}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304

    def test_anything_but_an_image_is_a_download(self):
        name = default_storage.save("evil.svg", ContentFile(b"<svg onload=alert(1)></svg>"))
        response = self.client.get(f"/media/{name}")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == "attachment"
        response.close()

    def test_a_missing_file_or_a_folder_is_404(self):
        default_storage.save("images/header.png", ContentFile(image_bytes("PNG")))
        for path in ("/media/images/nothing.png", "/media/images/", "/media/images"):
            assert self.client.get(path).status_code == 404, path

    def test_two_uploads_of_one_name_are_two_files(self):
        first = default_storage.save("images/header.png", ContentFile(b"first"))
        second = default_storage.save("images/header.png", ContentFile(b"second"))
        assert first != second
        with default_storage.open(first) as f:
            assert f.read() == b"first"

    def test_urls_point_at_the_media_view_and_never_expire(self):
        name = default_storage.save("images/a b.png", ContentFile(image_bytes("PNG")))
        url = default_storage.url(name)
        assert url.startswith("/media/images/a%20b") and "?" not in url
        response = self.client.get(url)
        assert response.status_code == 200
        response.close()


class MediaViewOnS3Tests(OnS3, MediaViewTests):
    def test_files_are_objects_in_the_bucket_not_on_local_disk(self):
        name = default_storage.save("images/header.png", ContentFile(b"bytes"))
        bucket = default_storage.bucket
        assert bucket.Object(name).get()["Body"].read() == b"bytes"
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
