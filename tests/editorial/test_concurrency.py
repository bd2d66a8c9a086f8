import datetime as dt
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client, TestCase

from articles import revisions
from articles.editorial import workflow
from articles.editorial.concurrency import VersionCheckedForm
from articles.models import Article, Revision, Status
from tests.factories import article_file, make_article, make_source
from tests.formpages import form_fields
from tests.image_files import upload
from tests.importing import run_import

NEW_DESCRIPTION = "A meta description long enough for a search result snippet, and clear."


def editor(name):
    user = User.objects.create_user(name, password="pw", is_staff=True, first_name=name.title())
    user.groups.add(Group.objects.get(name="Editors"))
    return user


class TwoEditorsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.maria, cls.tom = editor("maria"), editor("tom")
        cls.article = make_article(
            title="Battery storage approved",
            summary="Machine summary.",
            description="",
            source=make_source(),
            date=dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC),
            tags=["energy"],
        )

    def setUp(self):
        self.url = f"/admin/articles/article/{self.article.pk}/change/"
        self.maria_client, self.tom_client = Client(), Client()
        self.maria_client.force_login(self.maria)
        self.tom_client.force_login(self.tom)

    def open_form(self, client):
        response = client.get(self.url)
        assert response.status_code == 200
        return form_fields(response)

    def save(self, client, fields, **changes):
        return client.post(self.url, {**fields, **changes, "_continue": "Save"})

    def stored(self):
        return Article.objects.get(pk=self.article.pk)


class VersionTests(TwoEditorsTestCase):
    def test_every_kind_of_write_counts_the_version_up(self):
        start = self.stored().version
        self.save(self.maria_client, self.open_form(self.maria_client), summary="Form save.")
        assert self.stored().version == start + 1
        workflow.set_status(Article.objects.filter(pk=self.article.pk), Status.DRAFT)
        assert self.stored().version == start + 2
        workflow.add_tag(Article.objects.filter(pk=self.article.pk), "solar")
        assert self.stored().version == start + 3
        revision = Revision.objects.filter(changes__has_key="summary").latest("pk")
        revisions.restore(revision, "summary", side="old")
        article = self.stored()
        assert article.version == start + 4 and article.summary == "Machine summary."
        article.title = "Plain save"
        article.save()
        assert article.version == start + 5 == self.stored().version

    def test_the_form_carries_the_version_it_started_from(self):
        fields = self.open_form(self.maria_client)
        assert fields["version"] == [str(self.stored().version)]
        assert fields["started_from"][0]

    def test_a_current_form_saves_as_before(self):
        fields = self.open_form(self.maria_client)
        response = self.save(self.maria_client, fields, summary="Sharper lede.")
        self.assertRedirects(response, self.url)
        assert self.stored().summary == "Sharper lede."

    def test_a_post_without_the_form_version_is_saved_as_before(self):
        fields = self.open_form(self.maria_client)
        del fields["version"], fields["started_from"]
        response = self.save(self.maria_client, fields, summary="Scripted.")
        assert response.status_code == 302
        assert self.stored().summary == "Scripted."


class StaleSaveTests(TwoEditorsTestCase):
    def test_a_stale_save_of_another_field_stops_and_never_overwrites_the_first(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, description=NEW_DESCRIPTION)
        response = self.save(self.tom_client, tom, summary="Tom's summary.")

        assert response.status_code == 409
        self.assertContains(response, "Someone else changed", status_code=409)
        self.assertContains(response, NEW_DESCRIPTION, status_code=409)  # theirs
        self.assertContains(response, "Changed by <strong>Maria</strong>", status_code=409)
        article = self.stored()
        assert article.description == NEW_DESCRIPTION
        assert article.summary == "Machine summary."  # nothing of the stale save was written
        assert not Revision.objects.filter(user=self.tom).exists()

        # Tom keeps Maria's description (preselected: he did not touch it) and his summary.
        resolution = form_fields(response, "conflict_form")
        assert resolution["resolve:description"] == ["theirs"]
        assert resolution["summary"] == ["Tom's summary."]  # his typing rides along
        response = self.tom_client.post(self.url, {**resolution, "_continue": "Save"})
        self.assertRedirects(response, self.url)
        article = self.stored()
        assert (article.description, article.summary) == (NEW_DESCRIPTION, "Tom's summary.")
        tom_revision = Revision.objects.get(user=self.tom)
        assert set(tom_revision.changes) == {"summary"}  # the history blames nobody wrongly

    def test_both_changed_one_field_the_editor_chooses_theirs_yours_or_an_edit(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, summary="Maria's summary.")
        response = self.save(self.tom_client, tom, summary="Tom's summary.")
        self.assertContains(response, "Maria&#x27;s summary.", status_code=409)
        self.assertContains(response, "Tom&#x27;s summary.", status_code=409)
        resolution = form_fields(response, "conflict_form")
        assert resolution["resolve:summary"] == ["yours"]  # his own typing is preselected
        assert resolution["edit:summary"] == ["Tom's summary."]

        edited = {
            **resolution,
            "resolve:summary": "edit",
            "edit:summary": "Both: M and T.",
            "_continue": "Save",
        }
        self.assertRedirects(self.tom_client.post(self.url, edited), self.url)
        assert self.stored().summary == "Both: M and T."

    def test_long_values_are_shown_in_full_and_word_by_word(self):
        body = "<p>" + "The grid operator approved the battery. " * 8 + "</p>"
        Article.objects.filter(pk=self.article.pk).update(body=body)
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, body=body.replace("approved", "rejected", 1))
        response = self.save(self.tom_client, tom, body=body.replace("battery", "plant", 1))
        # From theirs to yours: Maria's "rejected" would go, Tom's "plant" would come in.
        self.assertContains(response, "<del>rejected</del><ins>approved</ins>", status_code=409)
        self.assertContains(response, "<del>battery</del><ins>plant</ins>", status_code=409)

    def test_taking_yours_overwrites_only_with_the_editors_consent(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, summary="Maria's summary.")
        response = self.save(self.tom_client, tom, summary="Tom's summary.")
        self.tom_client.post(self.url, form_fields(response, "conflict_form"))
        assert self.stored().summary == "Tom's summary."

    def test_a_change_made_while_deciding_is_caught_again(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, summary="Maria's summary.")
        conflict = self.save(self.tom_client, tom, summary="Tom's summary.")
        self.save(self.maria_client, self.open_form(self.maria_client), title="Maria's title")
        response = self.tom_client.post(self.url, form_fields(conflict, "conflict_form"))
        assert response.status_code == 409
        self.assertContains(response, "Maria&#x27;s title", status_code=409)
        assert self.stored().summary == "Maria's summary."

    def test_a_stale_form_cannot_republish_an_article_unpublished_in_the_form(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, status=Status.DRAFT)
        response = self.save(self.tom_client, tom, title="Battery storage aproved, typo fixed")
        assert response.status_code == 409
        self.assertContains(response, 'id="conflict-status"', status_code=409)
        assert self.stored().status == Status.DRAFT
        resolution = form_fields(response, "conflict_form")
        assert resolution["resolve:status"] == ["theirs"]
        self.tom_client.post(self.url, resolution)
        article = self.stored()
        assert article.status == Status.DRAFT and not article.is_public
        assert article.title == "Battery storage aproved, typo fixed"

    def test_a_stale_form_cannot_republish_an_article_unpublished_by_bulk_action(self):
        tom = self.open_form(self.tom_client)
        self.maria_client.post(
            "/admin/articles/article/",
            {"action": "unpublish", "_selected_action": [self.article.pk], "index": 0},
        )
        assert self.stored().status == Status.DRAFT
        response = self.save(self.tom_client, tom, title="Typo fixed")
        assert response.status_code == 409
        self.assertContains(response, "Changed by <strong>Maria</strong>", status_code=409)
        article = self.stored()
        assert article.status == Status.DRAFT and article.title == "Battery storage approved"

    def test_fields_only_the_stale_form_changed_still_conflict_only_where_others_wrote(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, description=NEW_DESCRIPTION)
        response = self.save(self.tom_client, tom, summary="Tom's summary.", tags="energy, grid")
        conflicting = {row.name for row in response.context["conflicts"]}
        assert conflicting == {"description"}  # summary and tags: nobody else touched them

    def test_a_browsers_line_endings_are_not_taken_for_a_change(self):
        Article.objects.filter(pk=self.article.pk).update(description="Line one.\nLine two.")
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, description=NEW_DESCRIPTION)
        as_posted = tom["description"][0].replace("\n", "\r\n")  # how a browser posts it
        response = self.save(self.tom_client, tom, description=as_posted, summary="Tom's.")
        resolution = form_fields(response, "conflict_form")
        assert resolution["resolve:description"] == ["theirs"]  # Tom never changed it

    def test_an_image_chosen_on_a_stale_form_is_kept_through_the_conflict_page(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, summary="Maria's summary.")
        response = self.save(
            self.tom_client, tom, summary="Tom's summary.", image=upload(), image_alt="Alt."
        )
        self.assertContains(response, "<strong>header.png</strong>, is kept", status_code=409)
        assert not self.stored().image
        resolution = form_fields(response, "conflict_form")
        self.tom_client.post(self.url, {**resolution, "_continue": "Save"})
        article = self.stored()
        assert article.image.name.endswith(".png") and article.summary == "Tom's summary."

    def test_a_form_with_errors_keeps_its_start_and_still_conflicts(self):
        maria, tom = self.open_form(self.maria_client), self.open_form(self.tom_client)
        self.save(self.maria_client, maria, summary="Maria's summary.")
        shown_again = self.save(self.tom_client, tom, title="", summary="Tom's summary.")
        assert shown_again.status_code == 200  # the title is required
        fields = form_fields(shown_again)
        assert fields["version"] == tom["version"]
        response = self.save(self.tom_client, fields, title="Tom's title")
        assert response.status_code == 409
        assert self.stored().summary == "Maria's summary."


class RestoreFromStaleFormTests(TwoEditorsTestCase):
    """Without scripts a history Restore button posts the form to the restore view."""

    def restore(self, client, fields, revision):
        url = f"/admin/articles/article/{self.article.pk}/restore/"
        return client.post(url, {**fields, "restore": f"{revision.pk}:summary:old"}, follow=True)

    def test_a_restore_over_a_change_made_since_the_form_opened_is_refused(self):
        self.save(self.maria_client, self.open_form(self.maria_client), summary="First edit.")
        revision = Revision.objects.get(user=self.maria)
        tom = self.open_form(self.tom_client)
        self.save(self.maria_client, self.open_form(self.maria_client), summary="Second edit.")
        response = self.restore(self.tom_client, tom, revision)
        self.assertContains(response, "Someone changed the summary since you opened the form")
        assert self.stored().summary == "Second edit."

    def test_a_restore_from_a_current_form_goes_through(self):
        self.save(self.maria_client, self.open_form(self.maria_client), summary="First edit.")
        revision = Revision.objects.get(user=self.maria)
        self.restore(self.tom_client, self.open_form(self.tom_client), revision)
        assert self.stored().summary == "Machine summary."


class ImportWhileOpenTests(TwoEditorsTestCase):
    def test_an_import_while_the_form_is_open_leads_to_the_conflict_page(self):
        folder = self.tmp_folder()
        (folder / "a.md").write_text(article_file(article_id=4242, summary="Wire summary."))
        run_import(folder)
        imported = Article.objects.get(article_id=4242)
        url = f"/admin/articles/article/{imported.pk}/change/"
        fields = form_fields(self.maria_client.get(url))

        (folder / "a.md").write_text(article_file(article_id=4242, summary="Corrected by wire."))
        run_import(folder)
        assert Article.objects.get(pk=imported.pk).summary == "Corrected by wire."

        response = self.maria_client.post(url, {**fields, "summary": "Maria's lede."})
        assert response.status_code == 409
        self.assertContains(response, "Corrected by wire.", status_code=409)
        self.assertContains(response, "Changed by <strong>File import</strong>", status_code=409)
        assert Article.objects.get(pk=imported.pk).summary == "Corrected by wire."

    def tmp_folder(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        return Path(folder.name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_stale_saves_at_the_same_moment_cannot_both_pass_the_check(monkeypatch):
    """Two requests in two threads (as two workers would): the check holds the row, not memory."""
    maria, tom = editor("maria"), editor("tom")
    article = make_article(summary="Machine summary.")
    url = f"/admin/articles/article/{article.pk}/change/"
    clients = {}
    for user in (maria, tom):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    fields = {name: form_fields(c.get(url)) for name, c in clients.items()}

    original = VersionCheckedForm.check_version
    first_checked = threading.Event()

    def slow_check(form):
        original(form)
        if threading.current_thread().name == "maria":
            first_checked.set()
            time.sleep(0.5)  # holding the row while the other request arrives

    monkeypatch.setattr(VersionCheckedForm, "check_version", slow_check)
    statuses = {}

    def save(name):
        try:
            response = clients[name].post(url, {**fields[name], "summary": f"{name}'s summary"})
            statuses[name] = response.status_code
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("maria",), name="maria")
    first.start()
    assert first_checked.wait(10)
    second = threading.Thread(target=save, args=("tom",), name="tom")
    second.start()
    first.join(20)
    second.join(20)
    assert statuses["maria"] == 302
    # PostgreSQL (and SQLite's file database, with its busy timeout) makes the second request
    # wait for the row and then see the new version: the conflict page. SQLite's in-memory test
    # database shares one cache between threads and refuses a locked write at once instead: the
    # 503 page. Either way the second save never passes the check on the old version.
    shared_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    assert statuses["tom"] in ({409, 503} if shared_memory else {409})
    assert Article.objects.get(pk=article.pk).summary == "maria's summary"
