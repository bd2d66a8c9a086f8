import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.ingest import feeds
from articles.ingest.feeds import import_feed, poll_source, sources_due
from articles.models import Article, ImportRun, Revision, Source, Status
from tests.conftest import DATA
from tests.factories import make_article, make_source
from tests.image_files import halves, image_bytes

FEEDS = DATA / "feeds"
RSS2 = FEEDS / "rss2.xml"


def run(command, *args, **options):
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def article_writes(queries):
    """The SQL statements that changed articles or their tags."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and ("articles_article" in q["sql"] or "tag" in q["sql"])
    ]


@pytest.mark.django_db
class ImportFeedTests:
    def test_imports_a_feed_file_into_a_source_named_after_the_feed(self):
        out, err, error = run("import_feed", RSS2)
        assert error is None, err
        assert "Example Wire: 3 created, 0 updated, 0 unchanged, 0 in conflict, 0 failed." in out
        source = Source.objects.get()
        assert (source.name, source.slug) == ("Example Wire", "example-wire")
        article = Article.objects.get(feed_item_id="wire-1001")
        assert article.source == source
        assert article.status == Status.DRAFT  # the source's default for new items
        assert article.title == "Solar Maker Opens Plant"
        assert article.date == dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)
        assert article.enclosure == "https://cdn.wire.example/1001.jpg"
        assert sorted(article.tags.names()) == ["Energy", "Solar Power"]
        assert article.origin == str(RSS2)
        assert article.imported_at is not None
        assert article.import_fingerprint and article.content_hash

    def test_new_items_get_fresh_article_ids_after_the_highest(self):
        make_article(article_id=104649)
        import_feed(str(RSS2), source_name="Example Wire")
        ids = sorted(
            Article.objects.filter(source__name="Example Wire").values_list("article_id", flat=True)
        )
        assert ids == [104650, 104651, 104652]

    def test_a_colliding_article_id_is_retried(self, monkeypatch):
        taken = make_article(article_id=7).article_id
        real = feeds.next_article_id
        calls = []

        def first_collides():
            calls.append(1)
            return taken if len(calls) == 1 else real()

        monkeypatch.setattr(feeds, "next_article_id", first_collides)
        result = import_feed(str(FEEDS / "rss1.xml"))
        assert result.counts["created"] == 1
        assert len(calls) == 2
        assert Article.objects.get(feed_item_id="https://rdf.example/1").article_id == 8

    def test_new_items_take_the_sources_default_status(self):
        make_source("Example Wire", default_status=Status.PUBLISHED)
        import_feed(str(RSS2), source_name="Example Wire")
        assert set(Article.objects.values_list("status", flat=True)) == {Status.PUBLISHED}

    def test_importing_the_same_feed_again_writes_nothing_and_reports_unchanged(self):
        import_feed(str(RSS2))
        before = list(Article.objects.values_list("pk", "updated_at"))
        with CaptureQueriesContext(connection) as queries:
            out, err, error = run("import_feed", RSS2, verbosity=2)
        assert error is None, err
        assert article_writes(queries.captured_queries) == []
        assert "0 created, 0 updated, 3 unchanged, 0 in conflict, 0 failed" in out
        assert out.count("unchanged: ") == 3
        assert list(Article.objects.values_list("pk", "updated_at")) == before

    def test_a_changed_item_updates_its_article_in_place(self, tmp_path):
        import_feed(str(RSS2))
        article = Article.objects.get(feed_item_id="wire-1001")
        changed = tmp_path / "rss2.xml"
        changed.write_text(
            RSS2.read_text()
            .replace("Solar Maker Opens Plant", "Solar Maker Opens Second Plant")
            .replace("<category>Energy</category>\n", "")
        )
        result = import_feed(str(changed), source_name="Example Wire")
        assert (result.counts["updated"], result.counts["unchanged"]) == (1, 2)
        article.refresh_from_db()
        assert article.title == "Solar Maker Opens Second Plant"
        assert article.slug == "solar-maker-opens-second-plant"
        assert list(article.tags.names()) == ["Solar Power"]
        revision = article.revisions.get()
        assert revision.origin == Revision.Origin.FEED
        assert revision.import_run == ImportRun.objects.latest()
        assert revision.changes["title"] == [
            "Solar Maker Opens Plant",
            "Solar Maker Opens Second Plant",
        ]
        assert revision.changes["tags"] == [["Energy", "Solar Power"], ["Solar Power"]]

    def test_an_item_edited_in_the_admin_is_a_conflict_and_left_alone(self, tmp_path):
        import_feed(str(RSS2))
        Article.objects.filter(feed_item_id="wire-1001").update(summary="Editor's lede.")
        out, _, _ = run("import_feed", RSS2)
        assert "3 unchanged" in out  # the feed says what it said: nothing to protect against
        changed = tmp_path / "rss2.xml"
        changed.write_text(RSS2.read_text().replace("Solar Maker", "Sun Maker"))
        out, _, error = run("import_feed", changed, source="Example Wire")
        assert error is None
        assert "conflict: wire-1001 was edited in the admin; left as it is" in out
        assert "0 updated, 2 unchanged, 1 in conflict" in out
        article = Article.objects.get(feed_item_id="wire-1001")
        assert (article.title, article.summary) == ("Solar Maker Opens Plant", "Editor's lede.")

    def test_an_item_without_a_date_keeps_its_first_date_on_later_polls(self, tmp_path):
        import_feed(str(FEEDS / "entities.xml"))
        article = Article.objects.get(feed_item_id="ent-1")
        first_date = article.date
        assert abs(first_date - timezone.now()) < dt.timedelta(minutes=1)
        changed = tmp_path / "entities.xml"
        changed.write_text((FEEDS / "entities.xml").read_text().replace("Deal", "Merger"))
        import_feed(str(changed), source_name="Entity Wire")
        article.refresh_from_db()
        assert article.title.endswith("Merger")
        assert article.date == first_date

    def test_a_new_enclosure_drops_the_image_fetched_from_the_old_one(self, tmp_path):
        import_feed(str(RSS2))
        article = Article.objects.get(feed_item_id="wire-1001")
        Article.objects.filter(pk=article.pk).update(image="images/2025/07/old.jpg")
        article.refresh_from_db()
        article.import_fingerprint = feeds.article_fingerprint(article, article.tags.names())
        article.save()
        changed = tmp_path / "rss2.xml"
        changed.write_text(RSS2.read_text().replace("1001.jpg", "1001-v2.jpg"))
        import_feed(str(changed), source_name="Example Wire")
        article.refresh_from_db()
        assert article.enclosure == "https://cdn.wire.example/1001-v2.jpg"
        assert not article.image

    def test_a_crop_alone_does_not_stop_later_updates_and_is_kept(self, tmp_path):
        import_feed(str(RSS2))
        article = Article.objects.get(feed_item_id="wire-1001")
        article.image.save("1001.png", ContentFile(halves()), save=False)  # as fetched
        article.import_fingerprint = feeds.article_fingerprint(article, article.tags.names())
        article.save()
        crop = {"left": 0.5, "top": 0.0, "right": 1.0, "bottom": 1.0}
        article.image_crop = crop  # an editor's crop: the importer never writes it
        article.save()
        changed = tmp_path / "rss2.xml"
        changed.write_text(RSS2.read_text().replace("Solar Maker", "Sun Maker"))
        result = import_feed(str(changed), source_name="Example Wire")
        assert (result.counts["updated"], result.counts["conflicts"]) == (1, 0)
        article.refresh_from_db()
        assert article.title == "Sun Maker Opens Plant"
        assert article.image_crop == crop

    def test_dry_run_writes_nothing_but_the_run_record(self):
        out, _, error = run("import_feed", RSS2, dry_run=True)
        assert error is None
        assert "Dry run: Example Wire: 3 created" in out
        assert not Source.objects.exists()
        assert not Article.objects.exists()
        assert ImportRun.objects.get().dry_run

    def test_duplicate_guids_and_missing_ids_are_reported_and_the_rest_imported(self):
        out, err, error = run("import_feed", FEEDS / "duplicate_guids.xml")
        assert "item 3: duplicate id 'dup-1': item 1 kept" in err
        assert "2 created, 0 updated, 0 unchanged, 0 in conflict, 1 failed." in out
        assert "1 feed item(s) failed to import" in str(error)
        assert Article.objects.get(feed_item_id="dup-1").title == "First Copy Wins"

    def test_an_ill_formed_feed_imports_its_good_items_and_reports_the_problem(self):
        out, err, error = run("import_feed", FEEDS / "illformed.xml")
        assert error is None
        assert "ill-formed or mislabelled: undefined entity" in err
        assert "2 created" in out
        run_record = ImportRun.objects.get()
        assert run_record.created == 2
        assert "undefined entity" in run_record.failures[0]["reason"]

    @pytest.mark.parametrize(
        ("name", "reason"),
        [("not_a_feed.html", "HTML page"), ("missing.xml", "No such file")],
    )
    def test_a_file_that_is_not_a_feed_is_a_clear_command_error(self, name, reason):
        out, err, error = run("import_feed", FEEDS / name)
        assert reason in str(error)
        assert "Traceback" not in out + err
        assert not Article.objects.exists()
        assert reason in ImportRun.objects.get().error

    def test_non_latin_categories_become_tags_with_working_pages(self, client, tmp_path):
        make_source("Example Wire", default_status=Status.PUBLISHED)
        feed = tmp_path / "rss2.xml"
        feed.write_text(
            RSS2.read_text().replace("<category>Energy</category>", "<category>новости</category>")
        )
        import_feed(str(feed), source_name="Example Wire")
        article = Article.objects.get(feed_item_id="wire-1001")
        assert "новости" in article.tags.names()
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        tag = article.tags.get(name="новости")
        assert client.get(f"/tags/{tag.slug}/").status_code == 200

    def test_records_each_import_as_a_run(self):
        import_feed(str(RSS2), started_by="tester")
        import_feed(str(RSS2))
        first, second = ImportRun.objects.order_by("started_at", "pk")
        assert first.kind == ImportRun.Kind.FEED
        assert first.paths == [str(RSS2)]
        assert first.source.name == "Example Wire"
        assert (first.created, first.unchanged, first.started_by) == (3, 0, "tester")
        assert (second.created, second.unchanged) == (0, 3)
        assert second.finished_at >= second.started_at


@pytest.mark.django_db
class FeedOverHttpTests:
    def test_imports_from_a_url_resolving_relative_links_against_it(self, local_server):
        url = local_server.serve(
            "/wire/rss", (FEEDS / "relative_links.xml").read_bytes(),
            headers={"Content-Type": "application/rss+xml"},
        )  # fmt: skip
        out, err, error = run("import_feed", url, source="Relative Wire")
        assert error is None, err
        article = Article.objects.get(feed_item_id="rel-1")
        base = local_server.url("")
        assert article.source_link == f"{base}/news/rel-1"
        assert article.enclosure == f"{base}/images/rel-1.jpg"
        assert f'href="{base}/about"' in article.body
        assert article.origin == url

    def test_repoll_of_an_unchanged_feed_costs_one_304(self, local_server):
        url = local_server.serve("/rss", RSS2.read_bytes(), etag='"abc"')
        source = make_source("Example Wire", feed_url=url)
        first = poll_source(source)
        assert first.counts["created"] == 3
        source.refresh_from_db()
        assert source.feed_etag == '"abc"'
        assert source.last_poll_error == ""
        out, err, error = run("poll_feeds")  # not due yet: nothing fetched
        assert error is None and "Polled 0 source(s)" in out
        Source.objects.update(last_polled_at=timezone.now() - dt.timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            out, err, error = run("poll_feeds")
        assert error is None, err
        assert "Example Wire: not modified since the last poll." in out
        assert len(local_server.requests) == 2
        assert local_server.requests[1].headers["If-None-Match"] == '"abc"'
        assert article_writes(queries.captured_queries) == []
        assert ImportRun.objects.count() == 2

    def test_poll_one_source_now_or_as_a_dry_run(self, local_server):
        url = local_server.serve("/rss", RSS2.read_bytes())
        make_source("Example Wire", feed_url=url, last_polled_at=timezone.now())
        out, _, error = run("poll_feeds", source="Example Wire", dry_run=True)
        assert "Dry run: Example Wire: 3 created" in out
        assert not Article.objects.exists()
        out, _, error = run("poll_feeds", source="Example Wire")  # not due, polled all the same
        assert error is None
        assert "Example Wire: 3 created" in out
        assert "No source named 'Nobody'" in str(run("poll_feeds", source="Nobody")[2])

    def test_poll_reports_a_broken_feed_on_the_source_and_keeps_its_validators(self, local_server):
        url = local_server.serve("/rss", b"<html>Down for maintenance</html>", status=503)
        source = make_source("Down Wire", feed_url=url, feed_etag='"old"')
        out, err, error = run("poll_feeds")
        assert "1 of 1 feed(s) could not be read" in str(error)
        assert "HTTP 503" in err
        source.refresh_from_db()
        assert source.last_poll_error.startswith("HTTP 503")
        assert source.feed_etag == '"old"'
        assert source.last_polled_at is not None

    def test_a_slow_feed_times_out_without_stopping_the_other_sources(self, local_server, settings):
        settings.FETCH_TIMEOUT = 0.3
        make_source("Slow Wire", feed_url=local_server.serve("/slow", b"", delay=2))
        make_source("Example Wire", feed_url=local_server.serve("/rss", RSS2.read_bytes()))
        out, err, error = run("poll_feeds")
        assert "Slow Wire: " in err and "timed out after 0.3 s" in err
        assert "Example Wire: 3 created" in out
        assert Source.objects.get(name="Slow Wire").last_poll_error.startswith("timed out")

    def test_an_oversized_feed_is_refused(self, local_server, settings):
        settings.FEED_MAX_BYTES = 1000
        url = local_server.serve("/rss", RSS2.read_bytes())
        out, err, error = run("import_feed", url)
        assert "over the limit of 1,000" in str(error)
        assert not Article.objects.exists()


@pytest.mark.django_db
class FeedPipelineTests:
    def test_a_served_feed_and_its_images_end_as_articles_with_stored_header_images(
        self, local_server
    ):
        png, jpeg = image_bytes("PNG"), image_bytes("JPEG")
        local_server.serve("/img/1.jpg", jpeg, headers={"Content-Type": "image/jpeg"})
        local_server.serve("/img/2.png", png, headers={"Content-Type": "image/png"})
        feed = (
            RSS2.read_text()
            .replace("https://cdn.wire.example/1001.jpg", "/img/1.jpg")
            .replace("https://cdn.wire.example/1002.png", "/img/2.png")
            .replace("https://cdn.wire.example/1003-thumb.webp", "/img/3.webp")  # not served
        )
        url = local_server.serve("/rss", feed.encode(), headers={"Content-Type": "text/xml"})
        _, err, error = run("import_feed", url, source="Example Wire")
        assert error is None, err
        out, err, error = run("fetch_enclosures")
        assert "2 fetched, 1 failed" in out
        images = dict(Article.objects.values_list("feed_item_id", "image"))
        assert images["wire-1001"].endswith(".jpg")
        assert images["https://wire.example/news/1002"].endswith(".png")
        assert images["wire-1003"] == ""
        failed = Article.objects.get(feed_item_id="wire-1003")
        assert failed.enclosure_error == "download failed: HTTP 404 Not Found"

    @pytest.mark.parametrize(
        ("route", "reason"),
        [
            ({"body": b"", "status": 302, "headers": {"Location": "/rss"}}, "redirect loop"),
            ({"body": b"<!DOCTYPE html><html><body>Hi</body></html>"}, "HTML page"),
            ({"body": image_bytes("PNG"), "headers": {"Content-Type": "image/png"}}, "not an RSS"),
            ({"body": b""}, "the document is empty"),
            ({"body": b"gone", "status": 404}, "HTTP 404"),
        ],
        ids=["redirect-loop", "html", "binary", "empty", "missing"],
    )
    def test_a_url_that_gives_no_feed_is_one_clear_error(self, local_server, route, reason):
        url = local_server.serve("/rss", **route)
        out, err, error = run("import_feed", url, source="Example Wire")
        assert str(error).startswith(f"{url}: ")
        assert reason in str(error)
        assert "Traceback" not in out + err
        assert not Article.objects.exists()


@pytest.mark.django_db
class SourceAdminTests:
    def test_shows_feed_settings_and_the_last_poll_error(self, admin_client):
        source = make_source("Down Wire", feed_url="https://down.example/rss")
        Source.objects.filter(pk=source.pk).update(
            last_polled_at=timezone.now(), last_poll_error="HTTP 503 Service Unavailable"
        )
        page = admin_client.get(f"/admin/articles/source/{source.pk}/change/")
        for text in ["Feed", "Syndication", "Last poll", "HTTP 503 Service Unavailable"]:
            assert text in page.content.decode()
        listing = admin_client.get("/admin/articles/source/").content.decode()
        assert 'alt="False"' in listing  # the last poll failed


@pytest.mark.django_db
class SourcesDueTests:
    def test_due_means_active_with_a_feed_and_interval_passed(self):
        now = timezone.now()
        never = make_source("Never Polled", feed_url="https://a.example/rss")
        due = make_source(
            "Due", feed_url="https://b.example/rss", last_polled_at=now - dt.timedelta(minutes=31)
        )
        make_source("Recent", feed_url="https://c.example/rss", last_polled_at=now)
        make_source(
            "Hourly",
            feed_url="https://d.example/rss",
            poll_interval=dt.timedelta(hours=1),
            last_polled_at=now - dt.timedelta(minutes=31),
        )
        make_source("Inactive", feed_url="https://e.example/rss", is_active=False)
        make_source("No Feed")
        assert set(sources_due(now)) == {never, due}
