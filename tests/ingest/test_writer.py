"""The fast path of file imports: batches, skipped unchanged files, workers, limits, runs."""

import os
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.ingest import writer
from articles.ingest.runs import current_os_user
from articles.models import Article, ImportRun, Revision, Source, TaggedArticle
from tests.factories import article_file
from tests.importing import database_state, run_import


def write_articles(folder, count, *, start=1, under="", **fields):
    for article_id in range(start, start + count):
        folder(
            f"{under}{article_id // 100:03d}/{article_id}.md",
            article_file(
                article_id=article_id,
                title=f"Headline {article_id}",
                tags=[f"tag-{article_id % 7}", "wire"],
                source=f"Wire {article_id % 3}",
                **fields,
            ),
        )


@pytest.mark.django_db
class ImportRunRecordTests:
    def test_a_run_records_who_what_counts_and_every_failure(self, folder):
        write_articles(folder, 3)
        bad = folder("bad.md", "no front matter here")
        _, _, error = run_import(folder.path)
        assert error is not None
        run = ImportRun.objects.get()
        assert run.kind == ImportRun.Kind.FILES
        assert run.started_by == current_os_user() != ""
        assert run.paths == [str(folder.path)]
        assert (run.created, run.updated, run.unchanged, run.conflicts, run.failed) == (
            3,
            0,
            0,
            0,
            1,
        )
        assert run.failures == [
            {"path": str(bad), "reason": "file does not start with a '+++' front matter line"}
        ]
        assert run.finished_at is not None
        assert not run.dry_run
        assert not run.forced

    def test_a_forced_run_says_so(self, folder):
        write_articles(folder, 1)
        run_import(folder.path, force=True)
        assert ImportRun.objects.get().forced


@pytest.mark.django_db
class DryRunTests:
    def test_reports_every_outcome_and_writes_nothing_but_its_record(self, folder):
        folder("same.md", article_file(article_id=1))
        changed = folder("changed.md", article_file(article_id=2, summary="Old."))
        edited = folder("edited.md", article_file(article_id=3, summary="Old."))
        run_import(folder.path)
        Article.objects.filter(article_id=3).update(summary="The editor's summary.")
        changed.write_text(article_file(article_id=2, summary="New.", tags=["fresh"]))
        edited.write_text(article_file(article_id=3, summary="New."))
        folder("new.md", article_file(article_id=4, source="A Wire Never Seen"))
        before = database_state()

        out, _, error = run_import(folder.path, dry_run=True)

        assert error is None
        assert "Dry run: 1 created, 1 updated, 1 unchanged, 1 in conflict, 0 failed." in out
        assert f"conflict: {edited} was edited in the admin" in out
        assert database_state() == before
        assert ImportRun.objects.latest().dry_run


@pytest.mark.django_db
class UnchangedFilesTests:
    def test_are_skipped_by_hash_in_a_fixed_number_of_queries(self, folder):
        write_articles(folder, 12)
        run_import(folder.path)
        stamps = dict(Article.objects.values_list("article_id", "updated_at"))
        with CaptureQueriesContext(connection) as queries:
            out, _, _ = run_import(folder.path)
        assert "0 created, 0 updated, 12 unchanged" in out
        # The run's record going in and out, and one read of the known hashes: no article row.
        assert len(queries) == 3, [q["sql"] for q in queries]
        assert dict(Article.objects.values_list("article_id", "updated_at")) == stamps

    def test_an_unchanged_file_leaves_the_editors_version_alone(self, folder):
        folder("a.md", article_file(summary="Machine summary."))
        run_import(folder.path)
        Article.objects.update(summary="Editor's summary.")
        out, _, _ = run_import(folder.path)
        assert "1 unchanged" in out
        assert Article.objects.get().summary == "Editor's summary."

    def test_force_reads_unchanged_files_again_and_the_file_wins(self, folder):
        folder("a.md", article_file(summary="Machine summary."))
        run_import(folder.path)
        Article.objects.update(summary="Editor's summary.")
        out, _, _ = run_import(folder.path, force=True)
        assert "1 updated" in out
        assert Article.objects.get().summary == "Machine summary."


@pytest.mark.django_db
class BatchWriteTests:
    def queries_to_import(self, folder, count, under):
        write_articles(folder, count, start=len(under) * 1000, under=under)
        with CaptureQueriesContext(connection) as queries:
            _, err, error = run_import(folder.path / under)
        assert error is None, err
        return len(queries)

    def test_query_count_does_not_grow_with_the_number_of_files(self, folder):
        few = self.queries_to_import(folder, 5, under="few/")
        assert Article.objects.count() == 5
        for model in (Article, Source, Tag):
            model.objects.all().delete()
        more = self.queries_to_import(folder, 60, under="many/")
        assert Article.objects.count() == 60
        assert few == more

    def test_a_large_run_parses_on_workers_across_several_batches(self, folder):
        write_articles(folder, 1100)
        _, err, error = run_import(folder.path, workers=2)
        assert error is None, err
        assert Article.objects.count() == 1100
        article = Article.objects.get(article_id=1099)
        assert article.title == "Headline 1099"
        assert article.source.name == "Wire 1"
        assert set(article.tags.names()) == {"tag-0", "wire"}
        assert ImportRun.objects.get().created == 1100

    def test_a_row_the_database_refuses_fails_alone(self, folder):
        write_articles(folder, 5)
        run_import(
            folder("a-first.md", article_file(article_id=98, source="Wire 1", feed_item_id=7))
        )
        clash = folder("b-clash.md", article_file(article_id=99, source="Wire 1", feed_item_id=7))
        # The plan fails this clash itself (test_import_identity.py); hide the article holding the
        # feed item from it, as a concurrent import committing after the plan would, so that the
        # row reaches the database and is refused there.
        with mock.patch.object(writer, "feed_item_holders", return_value={}):
            _, err, error = run_import(folder.path)
        assert error is not None
        assert f"{clash}: the database refused it" in err
        assert set(Article.objects.values_list("article_id", flat=True)) == {1, 2, 3, 4, 5, 98}
        assert not TaggedArticle.objects.filter(content_object__article_id=99).exists()

    def test_an_update_leaves_a_revision_with_old_and_new_values(self, folder):
        path = folder("a.md", article_file(summary="Old.", tags=["one"]))
        run_import(path)
        path.write_text(article_file(summary="New.", tags=["one", "two"]))
        run_import(path)
        revision = Revision.objects.get()
        assert revision.origin == Revision.Origin.IMPORT
        assert revision.import_run == ImportRun.objects.latest()
        assert revision.changes == {"summary": ["Old.", "New."], "tags": [["one"], ["one", "two"]]}

    def test_tags_differing_only_in_case_are_one_tag(self, folder):
        folder("a.md", article_file(article_id=1, tags=["Energy"]))
        folder("b.md", article_file(article_id=2, tags=["energy"]))
        folder("c.md", article_file(article_id=3, tags=["ENERGY", "energy"]))
        _, err, error = run_import(folder.path)
        assert error is None, err
        assert list(Tag.objects.filter(name__iexact="energy").values_list("name", flat=True)) == [
            "ENERGY"  # the first spelling of the batch, in sorted order
        ]
        for article_id in (1, 2, 3):
            assert list(Article.objects.get(article_id=article_id).tags.names()) == ["ENERGY"]


@pytest.mark.django_db
class ImportLimitsTests:
    def test_a_file_over_the_size_limit_is_refused_with_its_size(self, folder):
        big = folder("big.md", article_file(body="<p>" + "x" * 5000 + "</p>"))
        folder("small.md", article_file(article_id=1))
        _, err, error = run_import(folder.path, max_size=2000)
        assert error is not None
        assert f"{big}: file is {big.stat().st_size:,} bytes, over the limit of 2,000" in err
        assert list(Article.objects.values_list("article_id", flat=True)) == [1]

    def test_symlinks_are_not_followed_out_of_the_folder(self, folder, tmp_path_factory):
        outside = tmp_path_factory.mktemp("outside")
        (outside / "secret.md").write_text(article_file(article_id=666))
        (outside / "sub").mkdir()
        (outside / "sub" / "more.md").write_text(article_file(article_id=667))
        inside = folder("real.md", article_file(article_id=1))
        os.symlink(outside / "secret.md", folder.path / "leak.md")
        os.symlink(outside / "sub", folder.path / "linked-folder")
        os.symlink(inside, folder.path / "alias.txt")

        _, err, error = run_import(folder.path)

        assert error is not None
        assert f"{folder.path / 'leak.md'}: symlink leads outside" in err
        assert "duplicate article_id 1" in err  # the alias inside was followed, and is a copy
        assert list(Article.objects.values_list("article_id", flat=True)) == [1]

    def test_a_fifo_is_refused_without_waiting_for_a_writer(self, folder):
        os.mkfifo(folder.path / "pipe.md")
        _, err, error = run_import(folder.path)
        assert error is not None
        assert "pipe.md: is not a regular file" in err

    def test_max_size_must_be_positive(self, folder):
        _, _, error = run_import(folder.path, max_size=0)
        assert "--max-size must be a positive number" in str(error)


@pytest.mark.django_db
def test_no_progress_bar_when_not_on_a_terminal(folder, capfd):
    write_articles(folder, 3)
    run_import(folder.path)
    assert "files/s" not in capfd.readouterr().err
