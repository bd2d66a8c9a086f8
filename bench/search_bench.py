"""Time full-text search and the public pages over a generated archive.

Usage: python bench/search_bench.py [--articles 10000]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/search_bench.py

Fills a throwaway database (a temporary SQLite file unless DATABASE_URL names a PostgreSQL
database, whose article rows it replaces) with N published articles of about 2 KB of body each,
made with bulk_create, so the index must follow rows that sent no signal. Then prints the median
time of search queries and of whole page renders through the test client (page cache off, and
without the test environment's template instrumentation, which triples render times).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = """
    market energy solar battery grid company shares growth quarter revenue board product launch
    partner customers region storage vehicle electric network service platform data research
    results annual investors expansion acquisition agreement technology capacity
""".split()  # noqa: SIM905
QUERIES = ["solar", "battery storage", '"heliotrope rover"', "elect*", '"annual results"', "zzzz"]


def setup(count):
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    if "DATABASE_URL" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="newsroom-search-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Status

    call_command("migrate", verbosity=0)
    Article.objects.all().delete()
    rng = random.Random(6)
    now = timezone.now()
    started = time.perf_counter()
    Article.objects.bulk_create(
        (
            Article(
                article_id=1 + i,
                title=" ".join(rng.choices(WORDS, k=8)).capitalize(),
                slug=f"article-{i}",
                date=now - dt.timedelta(minutes=i),
                status=Status.PUBLISHED,
                summary=" ".join(rng.choices(WORDS, k=25)),
                body="".join(f"<p>{' '.join(rng.choices(WORDS, k=60))}.</p>" for _ in range(5))
                + ("<p>The heliotrope rover found water.</p>" if i == count // 2 else ""),
            )
            for i in range(count)
        ),
        batch_size=1000,
    )
    elapsed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would soon after a bulk load
            cursor.execute("ANALYZE articles_article")
    engine = os.environ["DATABASE_URL"].split(":")[0]
    print(f"{count:,} articles bulk-created and indexed in {elapsed:.1f} s on {engine}")


def median_ms(action, repeat=15):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    setup(args.articles)
    from django.test import Client

    from articles.models import Article
    from articles.public.search import search

    print("\nsearch() first page of 20 + count:")
    for query in QUERIES:
        results = search(query)
        ms = median_ms(lambda r=results: (r.count(), list(r.all()[:20])))
        print(f"  {query!r:22} {results.count():6,} matches  {ms:7.1f} ms")
    client = Client(SERVER_NAME="localhost")
    article = Article.objects.get(article_id=args.articles // 2 + 1)
    pages = {
        "home": "/",
        "month archive": f"/{article.date:%Y%m}/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=battery+storage",
        "search, no results": "/search/?q=zzzz",
        "RSS feed": "/feed/",
        "sitemap.xml": "/sitemap.xml",
        "news sitemap": "/sitemap-news.xml",
    }
    print("\nwhole page through the test client (uncached):")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        print(f"  {name:22} {median_ms(lambda u=url: client.get(u), repeat=7):7.1f} ms")


if __name__ == "__main__":
    main()
