"""The site as a cluster, with figures: two gunicorn instances behind Varnish (tests/cluster.py).

    .venv/bin/python bench/cluster.py [--duration 10]

Empties and migrates the PostgreSQL database BENCH_DATABASE_URL names (default
postgres://postgres@127.0.0.1:5432/newsroom_cluster; dropped at the end), uses Redis at
BENCH_CACHE_URL (default redis://127.0.0.1:6379/3, keys of its own prefix) and starts moto's S3
server, servers A and B and Varnish on free ports of 127.0.0.1. Then, as an editor would:
uploads a header image through A and fetches it through B and Varnish; saves an edit through B
and times until Varnish and A show it; runs poll_feeds on A and B at once; and loads a cached
article through Varnish and the static file through gunicorn with wrk (--duration seconds each),
printing the ratio. Needs varnishd (Debian: varnish) and wrk.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from serve_bench import wrk  # noqa: E402

from tests.cluster import (  # noqa: E402
    VISIBLE_WITHIN_SECONDS,
    AdminClient,
    Cluster,
    edit_through_b,
    image_src,
    poll_on_both,
    request,
    rss,
    upload_through_a,
)
from tests.services import BIN  # noqa: E402

FEED_ITEMS = 20


def recreate(database_url):
    """Drop and create the database `database_url` names."""
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return lambda: drop(server, name)


def drop(server, name):
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(database_url):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": os.devnull,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
    }
    subprocess.run(
        [BIN / "python", ROOT / "manage.py", "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    args = parser.parse_args()
    for tool in ("varnishd", "wrk"):
        if not (shutil.which(tool) or shutil.which(tool, path="/usr/sbin")):
            sys.exit(f"{tool} is not installed")
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_cluster"
    )
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
    cleanup = recreate(database_url)
    failures = []
    try:
        migrate(database_url)
        with Cluster(database_url, cache_url) as cluster:
            failures = run(cluster, args.duration)
    finally:
        cleanup()
    print("\nAll checks passed." if not failures else "\nFailed: " + "; ".join(failures))
    return 1 if failures else 0


def run(cluster, duration):
    os.environ.update(cluster.env)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.contrib.staticfiles.storage import staticfiles_storage

    from articles.models import Article, ImportRun, Source
    from tests.factories import make_article
    from tests.httpserver import LocalServer
    from tests.image_files import image_bytes
    from tests.test_admin import form_data

    failures = []
    print(f"A {cluster.a.url}, B {cluster.b.url}, Varnish {cluster.site_url}, S3 {cluster.s3.url}")
    User.objects.create_superuser("editor", "editor@example.com", "editor-password")
    editor = AdminClient()
    editor.login(cluster.a.url, "editor", "editor-password")

    started = time.monotonic()
    image = image_bytes("PNG", size=(1600, 900))
    article, url = upload_through_a(cluster, editor, make_article(), form_data, image)
    took = time.monotonic() - started
    stored = cluster.s3_object(url)
    served = {
        name: request(base, url)
        for name, base in (("B", cluster.b.url), ("Varnish", cluster.site_url))
    }
    shown = image_src(request(cluster.b.url, article.get_absolute_url())[2]) == url
    ok = shown and all(s == 200 and body == stored for s, _, body in served.values())
    print(
        f"\nUpload through A ({len(image):,} bytes, renditions made, {took:.2f} s): "
        f"B's page shows it: {shown}; {url} through B: {served['B'][0]}, through Varnish: "
        f"{served['Varnish'][0]}; bytes equal to the bucket's: {ok}"
    )
    if not ok:
        failures.append("upload through A not served through B and Varnish")

    article = make_article(title="Before the edit")
    path = article.get_absolute_url()
    for _ in range(2):
        request(cluster.site_url, path)
        request(cluster.a.url, path)
    warm = request(cluster.site_url, path)[1].get("x-cache")
    through_varnish, through_a, _ = edit_through_b(
        cluster, editor, article, form_data, "After the edit"
    )
    print(
        f"Edit saved through B (page cached in Varnish: {warm}): visible through Varnish after "
        f"{ms(through_varnish)}, through A after {ms(through_a)} "
        f"(bound {VISIBLE_WITHIN_SECONDS:.0f} s, timed from B's answer to the save)"
    )
    for name, seconds in (("Varnish", through_varnish), ("A", through_a)):
        if seconds is None or seconds >= VISIBLE_WITHIN_SECONDS:
            failures.append(f"edit not visible through {name} within the bound")

    with LocalServer() as wire:
        feed = rss(FEED_ITEMS)
        url = wire.serve(
            "/feed.xml", feed, headers={"Content-Type": "application/rss+xml"}, delay=1.0
        )
        source = Source.objects.create(name="Cluster Wire", slug="cluster-wire", feed_url=url)
        outputs, took = poll_on_both(cluster)
    items = Article.objects.filter(source=source)
    runs = ImportRun.objects.filter(source=source).count()
    polled = sum("Polled 1 source(s)" in output for output in outputs)
    print(
        f"poll_feeds on A and B at once ({FEED_ITEMS} items, the feed answering after 1 s): "
        f"{items.count()} articles, {items.values('feed_item_id').distinct().count()} distinct "
        f"feed items, {runs} import run, {polled} poller polled, {len(wire.requests)} fetch, "
        f"{took:.1f} s"
    )
    if items.count() != FEED_ITEMS or runs != 1 or polled != 1:
        failures.append("two pollers did not import each item exactly once")

    static = "/static/" + staticfiles_storage.stored_name("css/site.css")
    for _ in range(2):
        request(cluster.site_url, path)
    print(f"\nwrk -t2 -c8 -d{duration}s, same run:")
    rows = {
        "article through Varnish (cached)": wrk(cluster.site_url + path, duration),
        "static file through gunicorn A": wrk(cluster.a.url + static, duration),
        "article through gunicorn A (page cache)": wrk(cluster.a.url + path, duration),
    }
    for name, row in rows.items():
        print(
            f"  {name:42} {row['rps']:9.1f} req/s  p99 {row['p99']:7.2f} ms  "
            f"errors {row['errors']}  non-2xx {row['non_2xx']}"
        )
        if row["errors"] or row["non_2xx"]:
            failures.append(f"{name}: errors under load")
    varnish, static_rps = (
        rows["article through Varnish (cached)"],
        rows["static file through gunicorn A"],
    )
    print(
        f"Cached article through Varnish vs static file through gunicorn: "
        f"{varnish['rps'] / static_rps['rps']:.1f}x"
    )
    return failures


def ms(seconds):
    return "never" if seconds is None else f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    sys.exit(main())
