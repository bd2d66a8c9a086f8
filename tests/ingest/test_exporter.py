"""export_articles: the article format back out, faithful enough to import again and for Hugo."""

import datetime as dt
import shutil
import subprocess
import tomllib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.ingest.exporter import article_text
from articles.models import Article, ImportRun, Revision, Source, Status
from tests.conftest import DATA, require
from tests.factories import RawToml, article_file, make_article, make_source
from tests.importing import run_import

ODD_HTML = (
    "<p>Ampersands &amp; &lt;angles&gt;, a line break<br>and <em>nested <strong>marks</strong></em>"
    '</p>\n+++\n<table><tr><td colspan="2">a cell</td></tr></table>'
    '<p><a href="https://example.com/?a=1&amp;b=2">a link</a> “quotes” \\ backslash</p>'
)


def export(folder, *args):
    out = StringIO()
    call_command("export_articles", str(folder), *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every field the article format carries, for each article."""
    return {
        article.article_id: (
            article.title,
            article.slug,
            article.date,
            article.status,
            article.summary,
            article.description,
            article.body,
            article.source.name if article.source else "",
            article.source_link,
            article.feed_item_id,
            article.enclosure,
            article.qrcode,
            sorted(article.tags.names()),
            article.get_absolute_url(),
        )
        for article in Article.objects.select_related("source")
    }


def empty_the_database():
    for model in (Revision, Article, Source, Tag, ImportRun):
        model.objects.all().delete()


@pytest.fixture
def varied_articles(folder):
    """Imported articles with tags, a draft, unicode and odd HTML; one made in the admin."""
    folder("seed.txt", (DATA / "seed-article.txt").read_bytes())
    folder("tagged.md", article_file(article_id=1, tags=["energy", "Électricité", "big wins"]))
    folder("draft.md", article_file(article_id=2, draft=True, title="Not yet"))
    folder(
        "unicode.md",
        article_file(
            article_id=3,
            title="Überraschung: 東京 “quoted” \\ title",
            summary=RawToml(r'"Line one.\nLine two with \"quotes\" and a tab\there."'),
            url="/202507/3-überraschung-東京",
            source="Agence Française",
            feed_item_id="urn:uuid:0042",
        ),
    )
    folder("odd.md", article_file(article_id=4, body=ODD_HTML, feed_item_id="0042"))
    _, err, error = run_import(folder.path)
    assert error is None, err
    make_article(
        article_id=5,
        title="Written in the admin",
        date=dt.datetime(2025, 8, 1, 9, 30, 15, 250000, tzinfo=dt.UTC),
        source=make_source("Desk"),
        tags=["desk"],
    )


@pytest.mark.django_db
class ExportRoundTripTests:
    def test_import_of_an_export_reproduces_every_field(self, varied_articles, tmp_path):
        before = snapshot()
        assert len(before) == 6
        out = export(tmp_path / "export", "--include-drafts")
        assert "Exported 6 article(s)" in out

        empty_the_database()
        _, err, error = run_import(tmp_path / "export")

        assert error is None, err
        assert snapshot() == before

    def test_files_go_in_folders_by_month(self, varied_articles, tmp_path):
        export(tmp_path / "out", "--include-drafts")
        files = sorted(str(p.relative_to(tmp_path / "out")) for p in tmp_path.rglob("out/**/*.md"))
        assert files == [
            "2025/07/1.md",
            "2025/07/104649.md",
            "2025/07/2.md",
            "2025/07/3.md",
            "2025/07/4.md",
            "2025/08/5.md",
        ]

    def test_writes_the_format_of_the_seed_article(self):
        article = make_article(
            article_id=104649,
            title="Chinese EV Firms",
            slug="chinese-ev-firms",
            date=dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC),
            feed_item_id="17009",
            source=make_source("InvestorBrandNetwork (IBN)"),
            tags=["ev"],
        )
        text = article_text(article)
        assert text.startswith('+++\ntitle = "Chinese EV Firms"\ndate = "2025-07-15T14:15:21Z"\n')
        front = tomllib.loads(text.split("+++\n")[1])
        assert front["feed_item_id"] == 17009
        assert front["url"] == "/202507/104649-chinese-ev-firms"
        assert front["draft"] is False
        assert front["tags"] == ["ev"]
        assert text.endswith(f"+++\n\n{article.body}\n")


@pytest.mark.django_db
class ExportFilterTests:
    def exported_ids(self, folder, *args):
        export(folder, *args)
        return sorted(int(path.stem) for path in folder.rglob("*.md"))

    def test_drafts_stay_out_unless_asked_for(self, varied_articles, tmp_path):
        assert 2 not in self.exported_ids(tmp_path / "a")
        assert 2 in self.exported_ids(tmp_path / "b", "--include-drafts")

    def test_by_source_name_or_slug(self, varied_articles, tmp_path):
        assert self.exported_ids(tmp_path / "a", "--source", "Desk") == [5]
        assert self.exported_ids(tmp_path / "b", "--source", "agence-francaise") == [3]

    def test_by_tag_name_or_slug(self, varied_articles, tmp_path):
        assert self.exported_ids(tmp_path / "a", "--tag", "big wins") == [1]
        assert self.exported_ids(tmp_path / "b", "--tag", "big-wins") == [1]

    def test_since_a_date(self, varied_articles, tmp_path):
        assert self.exported_ids(tmp_path / "a", "--since", "2025-07-20") == [5]
        assert self.exported_ids(tmp_path / "b", "--since", "2025-08-01T09:30:16Z") == []

    def test_an_unwritable_folder_is_a_clear_error(self, varied_articles, tmp_path):
        (tmp_path / "taken").write_text("a file where the folder should be")
        with pytest.raises(CommandError, match="cannot write to"):
            export(tmp_path / "taken")

    def test_a_bad_since_is_a_usage_error(self, tmp_path):
        with pytest.raises(CommandError, match="--since must be a date"):
            export(tmp_path, "--since", "last tuesday")


HUGO_CONFIG = """
baseURL = "http://127.0.0.1/"
title = "Newsroom export"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]

# The bodies are HTML, sanitized when they were imported: Hugo passes them through.
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_SINGLE = "<h1>{{ .Title }}</h1><p>{{ .Params.source }}</p>{{ .Content }}"
HUGO_LIST = "{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}"


@pytest.mark.django_db
def test_hugo_builds_the_exported_folder(varied_articles, tmp_path):
    hugo = shutil.which("hugo")
    require(hugo, "Hugo is not installed (Debian package `hugo`)")
    site = tmp_path / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG)
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
    export(site / "content", "--include-drafts")

    build = subprocess.run(
        [hugo, "--source", str(site), "--destination", str(tmp_path / "public")],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert build.returncode == 0, build.stdout + build.stderr
    assert "ERROR" not in build.stdout + build.stderr
    page = (
        tmp_path
        / "public"
        / "202507"
        / "104649-chinese-ev-firms-eye-global-expansion-amid-domestic-market-saturation"
        / "index.html"
    )
    html = page.read_text()
    assert "<h1>Chinese EV Firms Eye Global Expansion" in html
    assert "InvestorBrandNetwork (IBN)" in html
    assert "over 100 companies vying for dominance" in html
    assert (tmp_path / "public" / "202507" / "3-überraschung-東京" / "index.html").exists()
    assert not (tmp_path / "public" / "202507" / "2-not-yet").exists()  # a draft stays out
    assert Article.objects.filter(status=Status.DRAFT).count() == 1
