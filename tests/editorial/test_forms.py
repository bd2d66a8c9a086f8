"""The article form's limits: a field error at the boundary, never a broken page later."""

from articles.models import Article
from articles.sanitize import TAG_MAX_LENGTH, TAGS_MAX
from tests.test_admin import AdminTestCase, form_data


class TagLimitTests(AdminTestCase):
    def test_too_many_tags_is_a_field_error(self):
        tags = ", ".join(f"tag {n}" for n in range(TAGS_MAX + 1))
        response = self.client.post(self.url, form_data(self.article, tags=tags, title="Edited"))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["tags"]
        assert f"over the limit of {TAGS_MAX} per article" in str(errors)
        assert Article.objects.get(pk=self.article.pk).title == "Imported release"

    def test_an_over_long_tag_is_a_field_error(self):
        response = self.client.post(
            self.url, form_data(self.article, tags="x" * (TAG_MAX_LENGTH + 1) + ", energy")
        )
        assert response.status_code == 200
        assert "longer than 100 characters" in str(response.context["adminform"].form.errors)

    def test_the_limit_itself_saves(self):
        tags = ", ".join(f"tag {n}" for n in range(TAGS_MAX))
        assert self.client.post(self.url, form_data(self.article, tags=tags)).status_code == 302
        assert self.article.tags.count() == TAGS_MAX
        self.client.logout()
        assert self.client.get(self.article.get_absolute_url()).status_code == 200
