import datetime as dt
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from articles.editorial import new_article
from articles.models import Article, Status
from tests.factories import make_article

ADD = "/admin/articles/article/add/"


def add_form(**fields):
    """What a browser posts for a new article with only a title and a body typed in."""
    now = timezone.now()
    return {
        "title": "",
        "slug": "",
        "summary": "",
        "description": "",
        "body": "",
        "status": Status.DRAFT,
        "date_0": now.strftime("%Y-%m-%d"),
        "date_1": now.strftime("%H:%M:%S"),
        "tags": "",
        **fields,
    }


class NewArticleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        make_article(article_id=41_000)

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_add_form_starts_as_a_draft_dated_now_without_an_article_id(self):
        response = self.client.get(ADD)
        form = response.context["adminform"].form
        assert "article_id" not in form.fields
        assert form.initial["status"] == Status.DRAFT
        assert abs(form.initial["date"] - timezone.now()) < dt.timedelta(minutes=1)
        self.assertContains(response, 'name="_save_draft" value="Save draft"')
        self.assertContains(response, 'name="_publish" value="Publish"')
        # The slug follows the title as it is typed (Django's prepopulated fields).
        self.assertContains(response, "prepopulate")
        self.assertContains(response, "&quot;id&quot;: &quot;#id_slug&quot;")

    def test_a_title_and_a_body_make_a_numbered_draft_that_readers_cannot_see(self):
        response = self.client.post(
            ADD,
            add_form(
                title="Tidal power: a first for the bay", body="<p>Text.</p>", _save_draft="1"
            ),
        )
        article = Article.objects.get(title="Tidal power: a first for the bay")
        self.assertRedirects(response, f"/admin/articles/article/{article.pk}/change/")
        assert article.article_id == 41_001  # the next free number, as feeds number theirs
        assert article.slug == "tidal-power-a-first-for-the-bay"
        assert article.status == Status.DRAFT
        assert article.date.date() == timezone.now().date()
        self.client.logout()
        assert self.client.get(article.get_absolute_url()).status_code == 404

        self.client.force_login(self.user)
        data = add_form(title=article.title, slug=article.slug, body=article.body, _publish="1")
        self.client.post(f"/admin/articles/article/{article.pk}/change/", data)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED and article.article_id == 41_001
        self.client.logout()
        assert self.client.get(article.get_absolute_url()).status_code == 200

    def test_a_posted_article_id_is_ignored_and_the_change_form_shows_it_read_only(self):
        self.client.post(ADD, add_form(title="Sneaky", article_id="5", body="<p>x</p>"))
        article = Article.objects.get(title="Sneaky")
        assert article.article_id == 41_001
        response = self.client.get(f"/admin/articles/article/{article.pk}/change/")
        assert "article_id" not in response.context["adminform"].form.fields
        self.assertContains(response, '<div class="readonly">41001</div>')

    def test_publish_checks_like_any_save(self):
        response = self.client.post(
            ADD,
            add_form(title="No alt", enclosure="https://partner.example/a.jpg", _publish="1"),
        )
        assert response.status_code == 200  # the form again, with the reason
        self.assertContains(response, "alt text is required")
        assert not Article.objects.filter(title="No alt").exists()

    def test_the_number_is_retried_when_another_writer_took_it(self):
        taken = make_article(article_id=41_001)
        calls = iter([taken.article_id, taken.article_id + 1])
        article = Article(title="Race", slug="race", date=timezone.now())
        with mock.patch.object(new_article, "next_article_id", lambda: next(calls)):
            new_article.create_numbered(article)
        assert article.article_id == taken.article_id + 1

    def test_the_sanitizer_tells_the_editor_what_it_removed(self):
        body = '<h1>Big</h1><p style="color:red">Text</p><iframe src="https://x.example"></iframe>'
        response = self.client.post(ADD, add_form(title="Dirty", body=body), follow=True)
        article = Article.objects.get(title="Dirty")
        assert article.body == "Big<p>Text</p>"
        self.assertContains(
            response,
            "Removed from the body on saving: elements &lt;h1&gt;, &lt;iframe&gt;; "
            "attributes style.",
        )

    def test_an_uploaded_body_image_needs_alt_text(self):
        body = '<figure class="figure"><img src="/media/body/2026/11/a.jpg" alt=""></figure>'
        response = self.client.post(ADD, add_form(title="Blind", body=body))
        self.assertContains(response, "1 image(s) in the body have no alt text")
        assert not Article.objects.filter(title="Blind").exists()

    def test_an_article_written_in_the_admin_exports_and_imports_like_any_other(self):
        self.client.post(
            ADD,
            add_form(title="Round trip", body="<h2>Sub</h2><p><strong>B</strong></p>", tags="Wind"),
        )
        article = Article.objects.get(title="Round trip")
        with tempfile.TemporaryDirectory() as folder:
            call_command("export_articles", folder, "--include-drafts", stdout=StringIO())
            exported = next(Path(folder).rglob(f"{article.article_id}.md"))
            Article.objects.filter(pk=article.pk).delete()
            call_command("import_articles", str(exported), stdout=StringIO(), stderr=StringIO())
        again = Article.objects.get(article_id=article.article_id)
        assert (again.title, again.slug, again.body, again.status) == (
            article.title,
            article.slug,
            article.body,
            article.status,
        )
        assert list(again.tags.names()) == ["Wind"]
