import datetime as dt

import pytest
from django.core.management import CommandError
from django.test import TestCase

from articles.models import Article, Source, Status
from tests.conftest import DATA
from tests.factories import article_file
from tests.importing import run_import


@pytest.mark.django_db
class ImportArticlesTests:
    def test_imports_the_seed_article_with_every_field(self):
        out, err, error = run_import(DATA / "seed-article.txt")
        assert error is None, err
        article = Article.objects.get(article_id=104649)
        assert article.title.startswith("Chinese EV Firms")
        assert article.date == dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)
        assert article.status == Status.PUBLISHED
        assert article.source.name == "InvestorBrandNetwork (IBN)"
        assert article.source.slug == "investorbrandnetwork-ibn"
        assert article.feed_item_id == "17009"
        assert article.enclosure.endswith(".png")
        assert article.origin.endswith("seed-article.txt")
        assert article.imported_at is not None
        assert "1 created, 0 updated, 0 unchanged, 0 in conflict, 0 failed" in out

    def test_same_article_again_is_unchanged_then_updated_in_place(self, folder):
        path = folder("a.md", article_file(summary="First."))
        run_import(path)
        out, _, _ = run_import(path)
        assert "0 created, 0 updated, 1 unchanged" in out
        path.write_text(article_file(summary="Second."))
        out, _, _ = run_import(path)
        assert "0 created, 1 updated, 0 unchanged" in out
        assert Article.objects.get().summary == "Second."

    def test_imports_folders_recursively_md_and_txt_only(self, folder):
        folder("2025/07/a.md", article_file(article_id=1))
        folder("2025/08/b.txt", article_file(article_id=2))
        folder("notes/readme.rst", "not an article")
        folder("image.png", b"\x89PNG")
        _, err, error = run_import(folder.path)
        assert error is None, err
        assert set(Article.objects.values_list("article_id", flat=True)) == {1, 2}

    def test_a_bad_file_is_reported_and_the_others_still_import(self, folder):
        folder("good.md", article_file(article_id=1))
        bad = folder("bad.md", article_file(article_id=2, date="not a date"))
        out, err, error = run_import(folder.path)
        assert isinstance(error, CommandError)
        assert f"{bad}: 'date' is not an RFC 3339 date" in err
        assert "1 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed" in out
        assert list(Article.objects.values_list("article_id", flat=True)) == [1]

    def test_nothing_of_a_bad_file_is_written(self, folder):
        folder("bad.md", article_file(source="Brand New Wire", enclosure="javascript:alert(1)"))
        _, err, error = run_import(folder.path)
        assert error is not None
        assert "'enclosure' must be an http(s) URL" in err
        assert not Article.objects.exists()
        assert not Source.objects.exists()

    def test_duplicate_ids_in_one_run_fail_the_second_file(self, folder):
        first = folder("a.md", article_file(title="First"))
        folder("b.md", article_file(title="Second"))
        _, err, error = run_import(folder.path)
        assert error is not None
        assert f"duplicate article_id 4242: also in {first}" in err
        assert Article.objects.get().title == "First"

    def test_empty_and_binary_files_fail_with_reasons(self, folder):
        folder("empty.md", b"")
        folder("binary.txt", bytes(range(256)))
        _, err, error = run_import(folder.path)
        assert error is not None
        assert "file is empty" in err
        assert "binary" in err

    def test_missing_path_is_reported(self, tmp_path):
        _, err, error = run_import(tmp_path / "nope.md")
        assert error is not None
        assert "no such file" in err

    def test_body_is_sanitized_before_it_is_stored(self, folder):
        folder(
            "x.md",
            article_file(
                body='<p onclick="steal()">Hi</p><script>alert(1)</script>'
                '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
            ),
        )
        run_import(folder.path)
        body = Article.objects.get().body
        assert "<p>Hi</p>" in body
        for marker in ("onclick", "<script", "javascript:", "onerror"):
            assert marker not in body

    def test_draft_imports_as_draft(self, folder):
        folder("d.md", article_file(draft=True))
        run_import(folder.path)
        assert Article.objects.get().status == Status.DRAFT

    def test_tags_are_set_and_replaced(self, folder):
        path = folder("t.md", article_file(tags=["energy", "china"]))
        run_import(path)
        assert set(Article.objects.get().tags.names()) == {"energy", "china"}
        path.write_text(article_file(tags=["energy"]))
        run_import(path)
        assert set(Article.objects.get().tags.names()) == {"energy"}

    def test_articles_of_one_source_share_it(self, folder):
        folder("a.md", article_file(article_id=1))
        folder("b.md", article_file(article_id=2))
        run_import(folder.path)
        assert Source.objects.count() == 1

    def test_dry_run_writes_nothing(self, folder):
        folder("a.md", article_file())
        out, _, _ = run_import(folder.path, dry_run=True)
        assert "Dry run: 1 created" in out
        assert not Article.objects.exists()
        assert not Source.objects.exists()

    def test_verbosity_two_lists_each_file(self, folder):
        path = folder("a.md", article_file())
        out, _, _ = run_import(path, verbosity=2)
        assert f"created: {path}" in out


class ImportIntoPagesTests(TestCase):
    def test_imported_seed_article_is_served_at_its_url(self):
        run_import(DATA / "seed-article.txt")
        response = self.client.get(
            "/202507/104649-chinese-ev-firms-eye-global-expansion-amid-domestic-market-saturation"
        )
        self.assertContains(response, "Chinese EV Firms Eye Global Expansion")
        self.assertContains(response, "overcrowded, companies are looking overseas")
        self.assertContains(response, "InvestorBrandNetwork (IBN)")
        self.assertContains(response, "over 100 companies vying for dominance")


@pytest.mark.django_db
class EditorProtectionTests:
    def test_an_editors_change_survives_reimport_as_a_conflict(self, folder):
        path = folder("a.md", article_file(summary="Machine summary."))
        run_import(path)
        Article.objects.update(summary="Editor's summary.")
        path.write_text(article_file(summary="Wire's new summary.", title="New title"))
        out, _, error = run_import(path)
        assert error is None
        assert f"conflict: {path} was edited in the admin" in out
        assert "1 in conflict" in out
        article = Article.objects.get()
        assert (article.summary, article.title) == ("Editor's summary.", "Test headline")

    def test_force_overwrites_the_editor_and_says_so(self, folder):
        path = folder("a.md", article_file(summary="Machine summary."))
        run_import(path)
        Article.objects.update(summary="Editor's summary.")
        path.write_text(article_file(summary="Wire's new summary."))
        out, _, _ = run_import(path, force=True)
        assert f"overwritten: {path} had editors' changes" in out
        assert "--force: 1 article(s) edited in the admin were overwritten." in out
        assert Article.objects.get().summary == "Wire's new summary."

    def test_force_on_an_unedited_article_overwrites_no_editor(self, folder):
        path = folder("a.md", article_file(summary="One."))
        run_import(path)
        path.write_text(article_file(summary="Two."))
        out, _, _ = run_import(path, force=True)
        assert "1 updated" in out
        assert "overwritten" not in out

    def test_dry_run_with_force_says_what_it_would_overwrite(self, folder):
        path = folder("a.md", article_file(summary="Machine summary."))
        run_import(path)
        Article.objects.update(summary="Editor's summary.")
        path.write_text(article_file(summary="Wire's new summary."))
        out, _, _ = run_import(path, force=True, dry_run=True)
        assert "--force: 1 article(s) edited in the admin would be overwritten." in out
        assert Article.objects.get().summary == "Editor's summary."

    def test_an_editors_tag_counts_as_an_edit(self, folder):
        path = folder("a.md", article_file(tags=["energy"]))
        run_import(path)
        Article.objects.get().tags.add("editors-pick")
        path.write_text(article_file(tags=["energy"], summary="Changed upstream."))
        out, _, _ = run_import(path)
        assert "1 in conflict" in out

    def test_unedited_article_takes_the_update(self, folder):
        path = folder("a.md", article_file(summary="One."))
        run_import(path)
        path.write_text(article_file(summary="Two."))
        out, _, _ = run_import(path)
        assert "1 updated" in out
        assert Article.objects.get().summary == "Two."
