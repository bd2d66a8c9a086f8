import json

from articles.versions import ArticleDraft
from tests.editorial.test_concurrency import TwoEditorsTestCase
from tests.formpages import form_fields


class DraftTests(TwoEditorsTestCase):
    def draft_url(self):
        return f"/admin/articles/article/{self.article.pk}/draft/"

    def keep(self, client, data):
        return client.post(self.draft_url(), json.dumps(data), content_type="application/json")

    def test_an_unsaved_form_is_kept_for_its_editor_only_and_offered_back(self):
        fields = form_fields(self.maria_client.get(self.url))
        typed = {**fields, "summary": ["Half-typed lede"]}
        assert self.keep(self.maria_client, typed).status_code == 200
        draft = ArticleDraft.objects.get(article=self.article, user=self.maria)
        assert draft.data["summary"] == ["Half-typed lede"]
        assert "csrfmiddlewaretoken" not in draft.data

        self.assertContains(self.maria_client.get(self.url), "You have unsaved changes")
        self.assertNotContains(self.tom_client.get(self.url), "You have unsaved changes")
        assert self.maria_client.get(self.draft_url()).json()["draft"]["data"] == draft.data
        assert self.tom_client.get(self.draft_url()).json() == {"draft": None}
        # Readers see nothing of it.
        assert self.client.get(self.article.get_absolute_url()).status_code == 200
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "Half-typed")

    def test_the_draft_keeps_the_version_it_was_typed_on(self):
        fields = form_fields(self.maria_client.get(self.url))
        self.keep(self.maria_client, {**fields, "summary": ["Maria's lede"]})
        tom = form_fields(self.tom_client.get(self.url))
        self.tom_client.post(self.url, {**tom, "summary": "Tom's lede"})
        # Maria restores her draft into a fresh form (the script copies every field) and saves.
        draft = self.maria_client.get(self.draft_url()).json()["draft"]["data"]
        response = self.maria_client.post(self.url, draft)
        assert response.status_code == 409
        assert self.stored().summary == "Tom's lede"

    def test_saving_the_article_or_discarding_drops_the_draft(self):
        fields = form_fields(self.maria_client.get(self.url))
        self.keep(self.maria_client, {**fields, "summary": ["Lede"]})
        self.maria_client.post(self.url, {**fields, "summary": "Lede"})
        assert not ArticleDraft.objects.exists()
        self.keep(self.maria_client, {**fields, "summary": ["Lede"]})
        assert self.maria_client.delete(self.draft_url()).status_code == 200
        assert not ArticleDraft.objects.exists()

    def test_malformed_drafts_are_refused(self):
        for body in ["not json", "[1, 2]", '{"summary": "not a list"}', '{"a": [1]}']:
            response = self.maria_client.post(
                self.draft_url(), body, content_type="application/json"
            )
            assert response.status_code == 400, body
        assert not ArticleDraft.objects.exists()

    def test_a_restore_button_gives_the_value_for_the_form_without_saving(self):
        fields = form_fields(self.maria_client.get(self.url))
        self.maria_client.post(self.url, {**fields, "summary": "Worse lede."})
        revision = self.article.revisions.get()
        url = f"/admin/articles/article/{self.article.pk}/restore-value/"
        answer = self.maria_client.get(url, {"restore": f"{revision.pk}:summary:old"}).json()
        assert answer == {"field": "summary", "value": "Machine summary."}
        assert self.stored().summary == "Worse lede."  # only the form changes
        bad = self.maria_client.get(url, {"restore": f"{revision.pk}:title:old"})
        assert bad.status_code == 400
