"""Model rules that hold whoever writes: the article ID is the key for ever."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import TestCase

from articles.models import Article
from tests.factories import make_article
from tests.test_admin import form_data


class ArticleIdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(article_id=104649, slug="release")

    def test_saving_a_changed_article_id_is_refused(self):
        article = Article.objects.get(pk=self.article.pk)
        article.article_id = 1
        with pytest.raises(ValidationError) as raised:
            article.save()
        assert "article_id" in raised.value.error_dict
        with pytest.raises(ValidationError):
            article.full_clean()
        assert Article.objects.get(pk=self.article.pk).article_id == 104649

    def test_other_fields_save_as_before(self):
        article = Article.objects.get(pk=self.article.pk)
        article.title = "New title"
        article.save()
        article.save(update_fields=["title"])
        assert Article.objects.get(article_id=104649).title == "New title"

    def test_a_new_article_saves_again_with_its_id(self):
        article = make_article(article_id=5)
        article.title = "Again"
        article.save()
        article.article_id = 6
        with pytest.raises(ValidationError):
            article.save()

    def test_the_admin_cannot_change_article_id(self):
        self.client.force_login(User.objects.create_superuser("boss", "b@example.com", "pw"))
        url = f"/admin/articles/article/{self.article.pk}/change/"
        form = self.client.get(url).context["adminform"].form
        assert "article_id" not in form.fields  # shown read-only
        response = self.client.post(url, form_data(self.article, article_id=1, title="Edited"))
        assert response.status_code == 302
        article = Article.objects.get(pk=self.article.pk)
        assert (article.article_id, article.title) == (104649, "Edited")
        assert "/104649-release" in article.get_absolute_url()
        assert self.client.get(article.get_absolute_url()).status_code == 200
        self.assertContains(self.client.get(url), "104649")
