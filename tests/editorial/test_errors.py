"""The article form's error summary: every refused field named at the top, linked to its input."""

from articles.editorial import errors
from articles.editorial.forms import ArticleAdminForm
from articles.models import Status
from tests.factories import make_article
from tests.test_admin import AdminTestCase, form_data


class ErrorSummaryTests(AdminTestCase):
    def test_the_summary_names_the_alt_text_above_the_form_when_only_the_summary_was_edited(self):
        # The imported seed article: published, an imported header image, no alt text yet.
        self.article.enclosure = "https://example.com/header.jpg"
        self.article.status = Status.PUBLISHED
        self.article.save()
        response = self.post(summary="A sharper lede.")
        assert response.status_code == 200
        html = response.content.decode()
        summary = html.index('id="error-summary"')
        assert summary < html.index("<fieldset")  # at the top, before the first fieldset
        self.assertContains(
            response,
            '<a href="#id_image_alt" data-focus="id_image_alt">Alt text: Describe the header '
            "image before publishing: alt text is required.</a>",
            html=True,
        )
        self.assertContains(response, "Not saved: 1 problem to fix")
        self.assertContains(response, '<script src="/static/js/admin-errors.js" defer></script>')

    def test_each_field_links_to_its_first_input_in_form_order(self):
        response = self.post(title="", date_0="tomorrow", source_link="ftp://example.com/x")
        summary = response.context["error_summary"]
        assert [(e.label, e.target) for e in summary] == [
            ("Title", "id_title"),
            ("Date", "id_date_0"),  # the split date and time: its date input
            ("Source link", "id_source_link"),  # inside the collapsed fieldset
        ]
        self.assertContains(response, 'href="#id_date_0"')

    def test_no_summary_without_errors(self):
        assert "error-summary" not in self.client.get(self.url).content.decode()
        assert errors.summary(ArticleAdminForm(instance=make_article())) == []

    def test_errors_of_the_whole_form_come_first_without_a_link(self):
        form = ArticleAdminForm(data=form_data(self.article), instance=self.article)
        form.full_clean()
        form.add_error(None, "The article changed while you edited it.")
        assert errors.summary(form)[0] == errors.FieldError(
            "", "The article changed while you edited it.", ""
        )
