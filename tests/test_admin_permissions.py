from django.contrib.auth.models import Group, User
from django.test import TestCase

from articles.models import Article, Status
from tests.factories import make_article, make_source
from tests.test_admin import form_data

CHANGELIST = "/admin/articles/article/"


def member_of(group_name, username):
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


class EditorsGroupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = member_of("Editors", "editor")
        cls.article = make_article(status=Status.DRAFT, source=make_source())

    def setUp(self):
        self.client.force_login(self.user)
        self.change_url = f"{CHANGELIST}{self.article.pk}/change/"

    def test_has_edit_and_publish_permissions_but_no_delete_and_no_users(self):
        perms = self.user.get_all_permissions()
        assert {
            "articles.view_article",
            "articles.add_article",
            "articles.change_article",
            "articles.add_source",
            "articles.change_source",
        } <= perms
        assert not {p for p in perms if p.split(".")[1].startswith("delete_")}
        assert not {p for p in perms if p.startswith("auth.")}

    def test_edits_and_publishes_an_article(self):
        response = self.client.post(
            self.change_url, form_data(self.article, status=Status.PUBLISHED, summary="Edited.")
        )
        self.assertRedirects(response, CHANGELIST)
        self.article.refresh_from_db()
        assert (self.article.status, self.article.summary) == (Status.PUBLISHED, "Edited.")

    def test_sees_workflow_actions_but_no_delete(self):
        response = self.client.get(CHANGELIST)
        actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
        assert actions == ["", "publish", "unpublish", "feature", "unfeature", "add_tag"]
        self.assertNotContains(self.client.get(self.change_url), "deletelink")
        assert self.client.get(f"{CHANGELIST}{self.article.pk}/delete/").status_code == 403

    def test_cannot_manage_users_or_delete_sources(self):
        assert self.client.get("/admin/auth/user/").status_code == 403
        source = self.article.source
        assert self.client.get(f"/admin/articles/source/{source.pk}/delete/").status_code == 403
        assert self.client.get(f"/admin/articles/source/{source.pk}/change/").status_code == 200
        index = self.client.get("/admin/")
        self.assertNotContains(index, "/admin/auth/user/")
        self.assertContains(index, "/admin/articles/source/")


class ImportersGroupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = member_of("Importers", "importer")
        cls.article = make_article(summary="As imported.", source=make_source())

    def setUp(self):
        self.client.force_login(self.user)
        self.change_url = f"{CHANGELIST}{self.article.pk}/change/"

    def test_sees_articles_read_only_with_no_actions(self):
        response = self.client.get(CHANGELIST)
        assert response.status_code == 200
        assert response.context["action_form"] is None
        response = self.client.get(self.change_url)
        self.assertContains(response, "View article")
        self.assertNotContains(response, 'name="_save"')

    def test_cannot_change_publish_or_restore(self):
        response = self.client.post(self.change_url, form_data(self.article, summary="Nope."))
        assert response.status_code == 403
        response = self.client.post(
            CHANGELIST, {"action": "unpublish", "_selected_action": [self.article.pk]}
        )
        self.article.refresh_from_db()
        assert (self.article.summary, self.article.status) == ("As imported.", Status.PUBLISHED)
        revision = self.article.revisions.create(origin="import", changes={"summary": ["a", "b"]})
        restore = f"{CHANGELIST}{self.article.pk}/restore/"
        assert (
            self.client.post(restore, {"restore": f"{revision.pk}:summary:old"}).status_code == 403
        )
        self.assertNotContains(self.client.get(self.change_url), "formaction=")

    def test_manages_sources_but_not_users(self):
        assert self.client.get("/admin/articles/source/add/").status_code == 200
        assert self.client.get("/admin/auth/user/").status_code == 403
        assert not Article.objects.filter(summary="Nope.").exists()
        assert self.client.get(f"{CHANGELIST}add/").status_code == 403
