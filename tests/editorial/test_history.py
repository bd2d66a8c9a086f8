"""One history: the article's revisions on Django's history page, in full, with readable diffs."""

import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from articles import revisions
from articles.editorial import history
from articles.models import Article, Revision
from tests.factories import article_file
from tests.importing import run_import
from tests.test_admin import AdminTestCase, form_data

ADDED = '<div class="added"><span class="label">added</span>'
REMOVED = '<div class="removed"><span class="label">removed</span>'
LONG_SUMMARY = ("The council approved the plan. " * 20).strip()  # 619 characters, once cut at 300


class HistoryPageTests(AdminTestCase):
    def history(self, article):
        return self.client.get(f"/admin/articles/article/{article.pk}/history/")

    def test_lists_imports_restores_and_edits_with_who_when_origin_and_full_values(self):
        folder = Path(tempfile.mkdtemp(prefix="history-"))
        self.addCleanup(shutil.rmtree, folder, True)
        path = folder / "4242.md"
        path.write_text(article_file(summary="First wire summary."))
        run_import(path)
        path.write_text(article_file(summary="Second wire summary.", tags=["energy", "grid"]))
        run_import(path)
        article = Article.objects.get(article_id=4242)
        url = f"/admin/articles/article/{article.pk}/change/"
        self.client.post(url, form_data(article, summary=LONG_SUMMARY, tags="grid, solar"))
        edit = article.revisions.filter(origin=Revision.Origin.ADMIN).get()
        revisions.restore(edit, "summary", side="old", user=self.user)

        response = self.history(article)
        assert response.status_code == 200
        entries = response.context["history"].entries
        assert [e.revision.origin for e in entries] == ["restore", "admin", "import"]
        html = response.content.decode()
        assert "File import" in html and "Restore" in html and "Editor" in html
        assert "Article files import run" in html  # the run that changed it, named
        assert html.count(LONG_SUMMARY) == 2  # in full, after the edit and before the restore
        self.assertContains(response, '<div class="added"><span class="label">added</span> solar')
        self.assertContains(
            response, '<div class="removed"><span class="label">removed</span> energy'
        )
        self.assertNotContains(response, "[&#x27;")  # no Python lists
        self.assertContains(response, "<del>First</del><ins>Second</ins>")
        self.assertContains(response, "The admin’s log")  # Django's LogEntry, after ours

    def test_the_form_links_to_the_history_page(self):
        self.post(summary="New lede.")
        response = self.client.get(self.url)
        self.assertContains(
            response, f'<a href="/admin/articles/article/{self.article.pk}/history/">'
        )

    def test_the_form_shows_long_values_in_full_and_tags_as_added_and_removed(self):
        self.post(summary=LONG_SUMMARY, tags="solar")
        response = self.client.get(self.url)
        self.assertContains(response, LONG_SUMMARY)
        self.assertContains(response, '<div class="added"><span class="label">added</span> solar')
        self.assertContains(
            response, '<div class="removed"><span class="label">removed</span> energy'
        )

    def test_pages_of_fifty(self):
        for n in range(history.PER_PAGE + 3):
            revisions.record(self.article, {"title": [str(n), str(n + 1)]}, user=self.user)
        first = self.history(self.article).context["history"]
        assert len(first.entries) == history.PER_PAGE and first.has_next()
        second = self.client.get(
            f"/admin/articles/article/{self.article.pk}/history/?revisions=2"
        ).context["history"]
        assert len(second.entries) == 3

    def test_strangers_may_not_read_it(self):
        self.client.logout()
        response = self.history(self.article)
        assert response.status_code == 302  # to the login


class WordDiffTests(AdminTestCase):
    def test_a_text_change_is_a_word_diff(self):
        change = history.change("summary", "The plan was approved.", "The plan was rejected.")
        assert change.kind == "text"
        assert change.diff == (
            ("equal", "The plan was "),
            ("delete", "approved"),
            ("insert", "rejected"),
            ("equal", "."),
        )

    def test_tags_are_added_and_removed(self):
        change = history.change("tags", ["a", "b"], ["b", "c"])
        assert (change.added, change.removed) == (["c"], ["a"])

    def test_other_values_read_as_before_and_after(self):
        change = history.change(
            "image_crop", None, {"left": 0.5, "top": 0, "right": 1, "bottom": 1}
        )
        assert (change.old, change.new) == ("whole image", "left 0.5, top 0, right 1, bottom 1")
        assert history.change("status", "draft", "published").new == "published"

    @override_settings(TIME_ZONE="Europe/Berlin")
    def test_dates_read_in_the_newsroom_zone(self):
        change = history.change("date", "2026-03-28T05:00:00+00:00", "2026-03-29T04:00:00+00:00")
        assert (change.old, change.new) == ("2026-03-28 06:00 CET", "2026-03-29 06:00 CEST")

    def test_very_long_texts_are_compared_line_by_line(self):
        old = "\n".join(f"line {n} " + "word " * 10 for n in range(400))
        new = old.replace("line 200 ", "line two hundred ")
        pieces = history.change("body", old, new).diff
        assert "".join(text for op, text in pieces if op != "insert") == old
        assert "".join(text for op, text in pieces if op != "delete") == new
        assert [op for op, _ in pieces].count("delete") == 1
