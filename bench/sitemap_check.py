"""Validate the site's sitemaps against the sitemaps.org schema.

Usage: python bench/sitemap_check.py ../shared/corpora/xsd/sitemap.xsd [--articles N]

Builds a throwaway SQLite site with the bundled sample articles plus N generated recent ones
(default 25, so the news sitemap has some; N > 50000 makes /sitemap.xml an index), fetches
/sitemap.xml and, when it is an index, every sitemap it lists, and validates each urlset with lxml
against the schema. The schema's wildcard is strict and Google's news schema is not at hand, so the
news sitemap is validated without its news:news elements, which are checked here for what Google
requires. Exits non-zero on any error.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def build_site(extra_articles):
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-sitemaps-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'site.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, Status

    call_command("migrate", verbosity=0)
    call_command("import_articles", str(ROOT / "sample_articles"), verbosity=0)
    now = timezone.now()
    Article.objects.bulk_create(
        (
            Article(
                article_id=10_000_000 + i,
                title=f"Generated release {i}",
                slug=f"generated-release-{i}",
                date=now - dt.timedelta(minutes=i),
                status=Status.PUBLISHED,
            )
            for i in range(extra_articles)
        ),
        batch_size=2000,
    )


def fetch(client, url):
    response = client.get(url.removeprefix("http://testserver"))
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return etree.fromstring(response.content)


def check_news(root):
    """Google News' required elements, the 48-hour window and the 1,000-URL cap; strips them."""
    errors = [] if len(root) <= 1000 else [f"{len(root)} URLs, over Google's 1,000"]
    oldest = dt.datetime.now(dt.UTC) - dt.timedelta(hours=48, minutes=5)
    for url in root.iterfind(f"{{{SM}}}url"):
        loc = url.findtext(f"{{{SM}}}loc")
        news = url.find(f"{{{NEWS}}}news")
        if news is None:
            errors.append(f"{loc}: no news:news")
            continue
        for path in ("publication/name", "publication/language", "publication_date", "title"):
            element = news.find("/".join(f"{{{NEWS}}}{part}" for part in path.split("/")))
            if element is None or not (element.text or "").strip():
                errors.append(f"{loc}: no news:{path}")
        date = news.findtext(f"{{{NEWS}}}publication_date") or ""
        try:
            if dt.datetime.fromisoformat(date) < oldest:
                errors.append(f"{loc}: published {date}, older than 48 hours")
        except ValueError:
            errors.append(f"{loc}: publication_date {date!r} is not W3C format")
        url.remove(news)
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("xsd")
    parser.add_argument("--articles", type=int, default=25)
    args = parser.parse_args()
    schema = etree.XMLSchema(etree.parse(args.xsd))
    build_site(args.articles)
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    root = fetch(client, "/sitemap.xml")
    if root.tag == f"{{{SM}}}sitemapindex":
        parts = [loc.text for loc in root.iterfind(f"{{{SM}}}sitemap/{{{SM}}}loc")]
        print(f"/sitemap.xml is an index of {len(parts)} sitemaps")
    else:
        parts = ["/sitemap.xml"]
    failures, urls = 0, 0
    for part in [*parts, "/sitemap-news.xml"]:
        urlset = root if part == "/sitemap.xml" and len(parts) == 1 else fetch(client, part)
        count = len(urlset)
        urls += count if part != "/sitemap-news.xml" else 0
        errors = check_news(urlset) if part == "/sitemap-news.xml" else []
        if not schema.validate(urlset):
            errors += [str(e) for e in schema.error_log]
        failures += bool(errors)
        print(f"{part}: {count} URLs, {'valid' if not errors else 'INVALID'}")
        for error in errors[:10]:
            print(f"  {error}")
    print(f"{urls} URLs in the sitemaps; {len(parts) + 1 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
