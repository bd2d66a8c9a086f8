from django.contrib.auth.models import User
from django.test import TestCase

from articles.editorial import workflow
from articles.models import Article, Revision, Status
from tests.factories import make_article
from tests.test_admin import form_data

CHANGELIST = "/admin/articles/article/"


class FeatureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.user)

    def act(self, action, articles):
        return self.client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [a.pk for a in articles]},
            follow=True,
        )

    def test_bulk_feature_and_unfeature_keep_revisions(self):
        plain, already = make_article(), make_article(featured=True)
        response = self.act("feature", [plain, already])
        self.assertContains(response, "Featured 1 article(s).")
        assert set(Article.objects.filter(featured=True)) == {plain, already}
        revision = Revision.objects.get(article=plain)
        assert (revision.user, revision.changes) == (self.user, {"featured": [False, True]})
        assert not Revision.objects.filter(article=already).exists()

        response = self.act("unfeature", [plain, already])
        self.assertContains(response, "Unfeatured 2 article(s).")
        assert not Article.objects.filter(featured=True).exists()
        assert Revision.objects.filter(article=plain).first().changes == {"featured": [True, False]}

    def test_the_list_filters_the_featured_articles(self):
        featured, _ = make_article(featured=True), make_article()
        changelist = self.client.get(CHANGELIST, {"featured__exact": "1"}).context["cl"]
        assert list(changelist.result_list) == [featured]

    def test_featuring_is_no_update_of_the_article(self):
        article = make_article()
        before = article.updated_at
        workflow.set_featured(Article.objects.filter(pk=article.pk), True)
        article.refresh_from_db()
        assert article.featured and article.updated_at == before

    def test_featuring_a_draft_leaves_it_a_draft(self):
        draft = make_article(status=Status.DRAFT)
        changed = workflow.set_featured(Article.objects.filter(pk=draft.pk), True)
        assert changed == [draft]
        draft.refresh_from_db()
        assert (draft.featured, draft.status) == (True, Status.DRAFT)

    def test_the_form_features_an_article_in_the_publishing_fieldset(self):
        article = make_article(tags=["energy"])
        url = f"/admin/articles/article/{article.pk}/change/"
        self.assertContains(self.client.get(url), 'name="featured"')
        response = self.client.post(url, form_data(article, featured="on"))
        self.assertRedirects(response, CHANGELIST)
        article.refresh_from_db()
        assert article.featured
        assert Revision.objects.get(article=article).changes == {"featured": [False, True]}
        fieldsets = dict(self.client.get(url).context["adminform"].fieldsets)
        assert "featured" in fieldsets["Publishing"]["fields"]
