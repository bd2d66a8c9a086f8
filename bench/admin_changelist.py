"""Time the admin's article list over a large archive: fixed queries, no full-table count.

Usage: python bench/admin_changelist.py [ROWS]       (default 100,000 articles)

Builds a throwaway database (a temporary SQLite file, or the PostgreSQL database named by
BENCH_DATABASE_URL, which it empties first), fills it with articles carrying 4 KB bodies, tags and
image renditions, then requests the changelist as an editor and prints, per page, the median time
and the number of queries. Nothing here is part of the test run.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("first page", ""),
    ("page 1,000", "?p=1000"),
    ("scheduled", "?publication=scheduled"),
    ("drafts, page 50", "?publication=draft&p=50"),
    ("needs alt text", "?attention=missing_alt"),
    ("one source", "?source__id__exact=3"),
    ("search", "?q=Battery"),
    ("search, plural", "?q=Batteries"),
    ("search, a tag", "?q=topic+7"),
    ("one tag", "?tag=topic+7"),
    ("one tag, page 20", "?tag=topic+7&p=20"),
]


def setup(workdir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if "BENCH_DATABASE_URL" in os.environ:
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)


def fill(rows):
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, Source, Status, TaggedArticle
    from tests.factories import renditions_manifest

    sources = [Source.objects.create(name=f"Wire {n}", slug=f"wire-{n}") for n in range(12)]
    tags = [Tag.objects.create(name=f"topic {n}", slug=f"topic-{n}") for n in range(40)]
    manifest = renditions_manifest("images/x.png")
    now, body = timezone.now(), "<p>" + "Lorem ipsum dolor sit amet. " * 146 + "</p>"
    started = time.perf_counter()
    for start in range(0, rows, 5000):
        batch = Article.objects.bulk_create(
            Article(
                article_id=100_000 + n,
                title=f"Battery release {n}" if n % 97 == 0 else f"Press release number {n}",
                slug=f"release-{n}",
                date=now - dt.timedelta(minutes=10 * n) + dt.timedelta(days=2),
                status=Status.DRAFT if n % 10 == 0 else Status.PUBLISHED,
                summary=f"Summary {n}." if n % 50 else "",
                body=body,
                source=sources[n % len(sources)],
                enclosure="https://example.com/x.jpg" if n % 7 == 0 else "",
                image="images/x.png" if n % 3 == 0 else "",
                image_alt="Alt" if n % 3 == 0 else "",
                image_renditions=manifest if n % 3 == 0 else {},
            )
            for n in range(start, min(start + 5000, rows))
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=a, tag=tags[i % len(tags)]) for i, a in enumerate(batch)
        )
    print(f"filled {rows:,} articles in {time.perf_counter() - started:.1f} s")


def measure(repeat=7):
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(User.objects.create_superuser("bench", "bench@example.com", "bench"))
    print(f"{'page':<18}{'median ms':>10}{'max ms':>9}{'queries':>9}  slowest query")
    for label, query in PAGES:
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/admin/articles/article/" + query)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        print(
            f"{label:<18}{statistics.median(timings):>10.1f}{max(timings):>9.1f}{len(queries):>9}"
            f"  {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:60]}"
        )


def main(rows):
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as workdir:
        setup(Path(workdir))
        from django.db import connection

        print(f"database: {connection.vendor}")
        fill(rows)
        measure()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
