import re
import xml.etree.ElementTree as ET

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.test import SimpleTestCase, TestCase, override_settings

from articles.images.body import body_image_name
from articles.models import BodyImage
from tests.factories import make_article
from tests.image_files import image_bytes, png_claiming_size, upload

PICKER = "/admin/articles/article/body-images/"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"


class BodyImageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.user)

    def upload(self, file, alt="A wind farm at dusk."):
        return self.client.post(f"{PICKER}?CKEditorFuncNum=3", {"image": file, "alt": alt})

    def test_an_upload_is_checked_like_a_header_image(self):
        cases = [
            (upload("a.png", b"<html>not an image</html>"), "This file can’t be used"),
            (upload("a.png", image_bytes("JPEG")), "is named .png but is a JPEG image"),
            (upload("a.png", png_claiming_size(20_000, 20_000)), "decompression bomb"),
            (upload("a.exe", image_bytes()), "is not a JPEG, PNG, WebP or GIF file name"),
        ]
        for file, reason in cases:
            with self.subTest(reason=reason):
                response = self.upload(file)
                assert response.status_code == 200
                self.assertContains(response, reason)
        response = self.upload(upload("b.png"), alt="")
        self.assertContains(response, "This field is required.")
        assert not BodyImage.objects.exists()

    def test_an_upload_gets_renditions_and_the_picker_offers_it_with_its_alt_text(self):
        response = self.upload(
            upload("wind.jpg", image_bytes("JPEG", size=(1800, 1000)), "image/jpeg")
        )
        image = BodyImage.objects.get()
        self.assertRedirects(response, f"{PICKER}?CKEditorFuncNum=3&uploaded={image.pk}")
        assert (image.width, image.height) == (1800, 1000)
        made = [r["name"] for r in image.renditions["webp"] + image.renditions["jpeg"]]
        assert len(made) == 8 and all(default_storage.exists(name) for name in made)
        page = self.client.get(f"{PICKER}?CKEditorFuncNum=3&uploaded={image.pk}")
        self.assertContains(page, 'data-func="3"')
        self.assertContains(page, f'data-url="{image.image.url}"')
        self.assertContains(page, 'data-alt="A wind farm at dusk."')
        self.assertContains(page, "js/admin-body-images.js")

    def test_the_picker_is_for_those_who_may_write_articles(self):
        User.objects.create_user("reader", password="pw", is_staff=True)
        self.client.login(username="reader", password="pw")
        assert self.client.get(PICKER).status_code == 403

    def body_with_image(self):
        self.upload(upload("wind.jpg", image_bytes("JPEG", size=(1800, 1000)), "image/jpeg"))
        image = BodyImage.objects.get()
        body = (
            f'<p>See <a href="/about/">us</a>.</p><figure class="figure">'
            f'<img src="{image.image.url}" alt="A wind farm at dusk."></figure>'
        )
        return image, make_article(title="Wind", body=body)

    def test_readers_get_renditions_never_the_upload(self):
        image, article = self.body_with_image()
        self.client.logout()
        html = self.client.get(article.get_absolute_url()).content.decode()
        picture = re.search(r"<figure[^>]*><picture>(.*?)</picture></figure>", html, re.DOTALL)[1]
        assert '<source type="image/webp" srcset="/media/renditions/body/' in picture
        assert "400w" in picture and "1600w" in picture and "1800w" not in picture
        assert 'alt="A wind farm at dusk."' in picture
        assert 'src="/media/renditions/body/' in picture and ".jpg" in picture
        assert image.image.url not in html

    def test_feeds_carry_absolute_links_and_images_as_their_jpeg_rendition(self):
        image, article = self.body_with_image()
        fallback = image.renditions["jpeg"][-2]["name"]  # 1200 wide, the widest up to 1200
        rss = ET.fromstring(self.client.get("/feed/").content)
        atom = ET.fromstring(self.client.get("/feed/atom/").content)
        bodies = [rss.find(f"channel/item/{CONTENT}").text]
        bodies.append(atom.find(f"{ATOM}entry/{ATOM}content").text)
        for body in bodies:
            urls = re.findall(r'(?:href|src)="([^"]*)"', body)
            assert urls == [
                f"{settings.SITE_URL}/about/",
                f"{settings.SITE_URL}/media/{fallback}",
            ]


class BodyImageNameTests(SimpleTestCase):
    def test_knows_our_uploads_by_url_and_nothing_else(self):
        assert body_image_name("/media/body/2026/11/a.jpg") == "body/2026/11/a.jpg"
        assert body_image_name(f"{settings.SITE_URL}/media/body/a.jpg") == "body/a.jpg"
        assert body_image_name("https://partner.example/media/body/a.jpg") == ""
        assert body_image_name("/media/images/2026/11/header.jpg") == ""

    @override_settings(MEDIA_URL="https://bucket.example/media/")
    def test_knows_them_on_object_storage_too(self):
        assert body_image_name("https://bucket.example/media/body/a.jpg") == "body/a.jpg"
        assert body_image_name("/media/body/a.jpg") == ""
