import datetime as dt

from django.contrib.auth.models import User
from django.test import TestCase, override_settings

from articles.models import Article
from tests.factories import make_article, make_source
from tests.images import image_bytes, upload


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
        "tags": ", ".join(article.tags.names()),
        "source": article.source_id or "",
        "source_link": article.source_link,
        "article_id": article.article_id,
        "feed_item_id": article.feed_item_id,
        "qrcode": article.qrcode,
    }
    data.update(changes)
    return data


class ArticleAdminTests(TestCase):
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

    def test_changelist_lists_articles_with_filters_and_search(self):
        response = self.client.get("/admin/articles/article/?q=Imported")
        self.assertContains(response, "Imported release")
        self.assertContains(response, "energy")
        self.assertContains(response, "By status")

    def test_editor_changes_summary_and_description(self):
        response = self.client.post(
            self.url, form_data(self.article, summary="Sharper lede.", description="Meta.")
        )
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.summary == "Sharper lede."
        assert self.article.description == "Meta."
        assert list(self.article.tags.names()) == ["energy"]

    def test_editor_uploads_a_header_image(self):
        response = self.client.post(self.url, form_data(self.article, image=upload()))
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.image.name.endswith(".png")
        assert self.article.image_url == self.article.image.url

    def test_a_non_image_upload_is_a_form_error(self):
        fake = upload("header.png", b"<html><script>alert(1)</script></html>")
        response = self.client.post(self.url, form_data(self.article, image=fake))
        assert response.status_code == 200
        self.assertContains(response, "Upload a valid image")
        self.article.refresh_from_db()
        assert not self.article.image

    @override_settings(IMAGE_MAX_PIXELS=100)
    def test_an_image_over_the_pixel_limit_is_refused(self):
        response = self.client.post(
            self.url, form_data(self.article, image=upload(content=image_bytes(size=(20, 20))))
        )
        self.assertContains(response, "over the limit")

    def test_body_is_sanitized_on_save(self):
        self.client.post(
            self.url, form_data(self.article, body='<p onclick="x()">ok</p><script>bad()</script>')
        )
        self.article.refresh_from_db()
        assert self.article.body == "<p>ok</p>"

    def test_view_on_site_links_to_the_article(self):
        response = self.client.get(self.url)
        self.assertContains(response, "View on site")

    def test_http_only_urls(self):
        response = self.client.post(
            self.url, form_data(self.article, enclosure="ftp://example.com/header.png")
        )
        self.assertContains(response, "Enter a valid URL.")
        assert Article.objects.get(pk=self.article.pk).enclosure == ""
