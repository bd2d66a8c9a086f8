"""An upload survives a failed save: staged under a signed token, saved with the corrected form."""

import datetime as dt
import re

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.editorial import staging
from articles.models import Status
from tests.image_files import image_bytes, reopen, upload
from tests.test_admin import AdminTestCase


def staged_token(response):
    return response.context["adminform"].form.fields["image"].widget.staged[0]


class StagedUploadTests(AdminTestCase):
    def refused_with_upload(self, **changes):
        """Publish with a new image but no alt text: refused for the alt text alone."""
        response = self.post(
            image=upload("harbour.png", image_bytes("PNG", size=(320, 200))),
            status=Status.PUBLISHED,
            image_alt="",
            **changes,
        )
        assert response.status_code == 200
        self.assertContains(response, "alt text is required")
        return response

    def test_a_refused_form_keeps_the_upload_and_names_it(self):
        response = self.refused_with_upload()
        token = staged_token(response)
        self.assertContains(response, f'<input type="hidden" name="image-staged" value="{token}">')
        self.assertContains(response, "Kept from your last try: <strong>harbour.png</strong>")
        name = staging.stored_name(token)
        assert name.startswith("staged-uploads/") and default_storage.exists(name)
        self.article.refresh_from_db()
        assert not self.article.image

    def test_the_corrected_form_saves_the_staged_upload_without_picking_it_again(self):
        token = staged_token(self.refused_with_upload())
        response = self.post(
            **{"image-staged": token}, status=Status.PUBLISHED, image_alt="The harbour at dawn."
        )
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert re.fullmatch(r"images/.*/harbour(_\w+)?\.png", self.article.image.name)
        with default_storage.open(self.article.image.name) as f:
            assert reopen(f.read()).size == (320, 200)
        assert self.article.renditions is not None
        assert not default_storage.exists(staging.stored_name(token))  # the staged copy is gone
        assert "image" in self.article.revisions.get().changes

    def test_a_second_refusal_keeps_the_same_staged_upload(self):
        token = staged_token(self.refused_with_upload())
        response = self.post(**{"image-staged": token}, status=Status.PUBLISHED, image_alt="")
        assert staged_token(response) == token
        self.assertContains(response, "Kept from your last try: <strong>harbour.png</strong>")

    def test_a_new_file_wins_over_the_staged_one(self):
        token = staged_token(self.refused_with_upload())
        self.post(
            **{"image-staged": token},
            image=upload("quay.png", image_bytes("PNG", size=(100, 80))),
            image_alt="The quay.",
        )
        self.article.refresh_from_db()
        assert re.fullmatch(r"images/.*/quay(_\w+)?\.png", self.article.image.name)

    def test_a_forged_or_foreign_token_stages_nothing(self):
        default_storage.save("images/secret.png", ContentFile(image_bytes()))
        forged = signing.dumps("images/secret.png", salt="some.other.salt")
        foreign = signing.dumps("images/secret.png", salt=staging.SALT)  # outside the folder
        for token in [forged, foreign, "garbage"]:
            assert staging.unstage(token) is None
            self.post(**{"image-staged": token}, image_alt="Alt.")
            self.article.refresh_from_db()
            assert not self.article.image

    def test_staged_files_past_their_tokens_age_are_pruned_when_another_is_staged(self):
        old = staging.stored_name(staging.stage(upload("old.png")))
        later = timezone.now() + dt.timedelta(seconds=staging.MAX_AGE + 60)
        assert staging.prune(now=timezone.now()) == 0  # still within its day
        assert default_storage.exists(old)
        assert staging.prune(now=later) >= 1  # other tests may have left theirs
        assert not default_storage.exists(old)

    def test_an_upload_refused_itself_is_not_staged(self):
        response = self.post(image=upload("notes.png", b"not an image"), image_alt="Alt.")
        assert response.status_code == 200
        assert response.context["adminform"].form.fields["image"].widget.staged is None
        self.assertNotContains(response, "Kept from your last try")
