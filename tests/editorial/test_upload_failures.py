"""Upload failures the editor can see and act on: storage refusals and renditions not made."""

from io import StringIO
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from articles.images import renditions
from articles.models import Article
from tests.image_files import image_bytes, upload
from tests.test_admin import AdminTestCase, form_data


def warnings_of(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


class StorageFailureTests(AdminTestCase):
    def test_storage_that_refuses_the_upload_is_a_form_error_that_keeps_the_other_fields(self):
        refusal = PermissionError(13, "Permission denied")
        with (
            mock.patch.object(FileSystemStorage, "_save", side_effect=refusal),
            self.assertLogs("articles.editorial.forms", "ERROR"),
        ):
            response = self.client.post(
                self.url,
                form_data(
                    self.article,
                    title="Edited headline",
                    summary="Edited summary.",
                    image=upload("new.png", image_bytes(size=(640, 480))),
                    image_alt="A teal square.",
                ),
            )
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert "could not be stored" in str(form.errors["image"])
        self.assertContains(response, 'value="Edited headline"')
        self.assertContains(response, "Edited summary.</textarea>")
        article = Article.objects.get(pk=self.article.pk)
        assert (article.title, article.image.name) == ("Imported release", "")

    def test_with_storage_back_the_same_post_saves_everything(self):
        response = self.client.post(
            self.url,
            form_data(
                self.article,
                title="Edited headline",
                image=upload("new.png", image_bytes(size=(640, 480))),
                image_alt="A teal square.",
            ),
        )
        assert response.status_code == 302
        article = Article.objects.get(pk=self.article.pk)
        assert article.title == "Edited headline"
        assert article.renditions.webp[-1].width == 640


class FailedRenditionsTests(AdminTestCase):
    def save_image(self, **changes):
        return self.client.post(
            self.url,
            form_data(
                self.article,
                image=upload("new.png", image_bytes(size=(640, 480))),
                image_alt="A teal square.",
                **changes,
            ),
        )

    def fail_renditions(self):
        return mock.patch.object(renditions, "generate", side_effect=OSError("No space left"))

    def test_failed_renditions_warn_on_save_and_show_on_the_dashboard(self):
        with self.fail_renditions(), self.assertLogs("articles.images.renditions", "ERROR"):
            response = self.save_image()
        assert response.status_code == 302
        assert any("could not be made" in w for w in warnings_of(response))
        article = Article.objects.get(pk=self.article.pk)
        assert article.image and article.renditions is None
        cache.clear()
        index = self.client.get("/admin/")
        attention = {key: count for key, _, count in index.context["attention"]}
        assert attention["renditions_failed"] == 1
        self.assertContains(index, "?attention=renditions_failed")
        listed = self.client.get("/admin/articles/article/?attention=renditions_failed")
        assert [a.pk for a in listed.context["cl"].result_list] == [article.pk]

    def test_the_next_save_makes_them(self):
        with self.fail_renditions(), self.assertLogs("articles.images.renditions", "ERROR"):
            self.save_image()
        self.client.get("/admin/articles/article/")  # shows (and consumes) that save's messages
        article = Article.objects.get(pk=self.article.pk)
        response = self.client.post(self.url, form_data(article, title="Saved again"))
        assert response.status_code == 302
        assert not any("could not be made" in w for w in warnings_of(response))
        article = Article.objects.get(pk=self.article.pk)
        assert article.renditions.webp[-1].width == 640
        assert not renditions.failed(article.image_renditions)


class RetryRenditionsCommandTests(AdminTestCase):
    def test_the_command_makes_every_failed_rendition(self):
        with (
            mock.patch.object(renditions, "generate", side_effect=OSError("No space left")),
            self.assertLogs("articles.images.renditions", "ERROR"),
        ):
            self.client.post(
                self.url,
                form_data(self.article, image=upload(), image_alt="A teal square."),
            )
            with pytest.raises(CommandError, match="0 made, 1 still failing"):
                call_command("retry_renditions", stdout=StringIO(), stderr=StringIO())
        out = StringIO()
        call_command("retry_renditions", stdout=out, stderr=StringIO())
        assert "1 made, 0 still failing." in out.getvalue()
        assert Article.objects.get(pk=self.article.pk).renditions is not None
        out = StringIO()
        call_command("retry_renditions", stdout=out)
        assert "0 made, 0 still failing." in out.getvalue()
