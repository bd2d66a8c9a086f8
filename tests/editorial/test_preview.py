import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import override_settings

from articles.models import Article, Status
from articles.serving.cache import GENERATION_KEY, group_key
from tests.editorial.test_concurrency import TwoEditorsTestCase
from tests.formpages import form_fields
from tests.image_files import upload


def stored_files():
    return {
        Path(folder, name) for folder, _, names in os.walk(settings.MEDIA_ROOT) for name in names
    }


class PreviewTests(TwoEditorsTestCase):
    def preview(self, **changes):
        fields = form_fields(self.maria_client.get(self.url))
        url = f"/admin/articles/article/{self.article.pk}/preview/"
        return self.maria_client.post(url, {**fields, **changes})

    def test_a_preview_neither_reads_nor_keeps_what_the_public_page_keeps(self):
        public = self.article.get_absolute_url()
        saved_title = self.article.title
        self.client.get(public)  # the public page keeps its own part
        response = self.preview(title="An unsaved headline")
        self.assertContains(response, "An unsaved headline")
        again = self.client.get(public)
        self.assertContains(again, saved_title)
        self.assertNotContains(again, "An unsaved headline")

    def test_the_public_template_shows_the_unsaved_form_under_a_preview_banner(self):
        response = self.preview(
            title="A sharper headline", summary="Unsaved lede.", tags="energy, grid storage"
        )
        assert response.status_code == 200
        self.assertTemplateUsed(response, "articles/article_detail.html")
        self.assertContains(response, "<h1>A sharper headline</h1>", html=True)
        self.assertContains(response, '<p class="lede">Unsaved lede.</p>', html=True)
        self.assertContains(response, "grid storage")
        self.assertContains(response, "Preview, not published.")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        stored = self.stored()
        assert stored.title == "Battery storage approved"  # nothing was written
        assert sorted(stored.tags.names()) == ["energy"]
        assert stored.version == self.article.version

    def test_a_chosen_image_is_neither_stored_nor_staged_by_a_preview(self):
        before = stored_files()
        response = self.preview(summary="With a new image.", image=upload())
        self.assertContains(response, "With a new image.")
        assert not self.stored().image
        assert stored_files() == before

    def test_drafts_are_previewed_too_and_say_they_need_publishing(self):
        Article.objects.filter(pk=self.article.pk).update(status=Status.DRAFT)
        response = self.preview(summary="Draft lede.", status=Status.DRAFT)
        self.assertContains(response, "Draft lede.")
        self.assertContains(response, "after you save and publish")

    def test_fields_with_errors_show_their_saved_value_and_say_so(self):
        response = self.preview(title="", summary="Still shown.")
        self.assertContains(response, "<h1>Battery storage approved</h1>", html=True)
        self.assertContains(response, "These fields have errors and show their saved value: Title")
        self.assertContains(response, "Still shown.")

    def test_only_staff_who_may_change_articles_preview_and_only_by_post(self):
        url = f"/admin/articles/article/{self.article.pk}/preview/"
        assert self.maria_client.get(url).status_code == 405
        self.client.logout()
        assert self.client.post(url, {"title": "x"}).status_code == 302  # to the login

    def test_importers_who_may_only_view_articles_get_no_preview_presence_or_drafts(self):
        importer = User.objects.create_user("importer", password="pw", is_staff=True)
        importer.groups.add(Group.objects.get(name="Importers"))
        self.client.force_login(importer)
        response = self.client.get(self.url)
        self.assertNotContains(response, "preview-button")
        self.assertNotContains(response, 'id="presence"')
        for name in ["preview", "presence", "draft"]:
            url = f"/admin/articles/article/{self.article.pk}/{name}/"
            assert self.client.post(url, {}).status_code == 403, name

    def test_the_form_has_a_preview_button_after_its_save_buttons(self):
        html = self.maria_client.get(self.url).content.decode()
        preview = html.index(f'formaction="/admin/articles/article/{self.article.pk}/preview/"')
        assert html.index('name="_save"') < preview  # Enter in a field still saves


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
class PreviewAndDraftCacheTests(TwoEditorsTestCase):
    def test_previews_and_drafts_leave_the_public_page_cache_alone(self):
        self.client.get("/")  # a reader's visit starts a generation and the home list's group
        generation, latest = cache.get(GENERATION_KEY), cache.get(group_key("latest"))
        assert generation and latest
        fields = form_fields(self.maria_client.get(self.url))
        self.maria_client.post(f"/admin/articles/article/{self.article.pk}/preview/", fields)
        self.maria_client.post(
            f"/admin/articles/article/{self.article.pk}/draft/",
            json.dumps(fields),
            content_type="application/json",
        )
        assert cache.get(GENERATION_KEY) == generation
        assert cache.get(group_key("latest")) == latest
        self.maria_client.post(self.url, {**fields, "summary": "Saved."})
        # A real save still drops the pages the article is on (not every page: see page_groups).
        assert cache.get(group_key("latest")) is None
