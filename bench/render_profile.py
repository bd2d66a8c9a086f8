"""Where an uncached page's time goes, in process: milliseconds per request, and a profile.

    .venv/bin/python bench/render_profile.py [--articles 100000] [--db FILE] [--profile article]

Fills a SQLite file (--db: kept and reused when it exists) with generated articles as
bench/serve_bench.py does, then renders pages through Django's test client with production
settings, the page cache off and the other caches in Redis (BENCH_CACHE_URL, default
redis://127.0.0.1:6379/6), one after another: the article page cold (what it keeps in the
cache emptied before each request, every request a different article), warm (the same
articles again, as after the page cache was dropped), and home. Prints the median milliseconds
of each and, with --profile KIND, the functions that take most of that kind's time (cProfile);
with --parts, each part of the cold article page timed alone (median milliseconds).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_bench import generate, manage, production_env, setup_django  # noqa: E402

ROUNDS = 300


def timed(client, paths, before=None):
    times = []
    for path in paths:
        if before:
            before()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--profile", choices=["cold", "warm", "home"])
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    parser.add_argument("--parts", action="store_true", help="time the cold page's parts alone")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsroom-profile-"))
    db = args.db or folder / "profile.sqlite3"
    fresh = not db.exists()
    env = production_env(folder, f"sqlite:///{db}")
    env.update(PUBLIC_PAGE_CACHE_SECONDS="0", ALLOWED_HOSTS="testserver")
    # Redis, as in production (a local memory cache keeps 300 entries), under its own prefix.
    env["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")
    env["CACHE_KEY_PREFIX"] = f"profile-{os.getpid()}"
    setup_django(env)
    if fresh:
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        generate(1, args.articles)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    from django.core.cache import cache
    from django.test import Client

    from articles.models import Article
    from articles.serving.cache import LINKS_KEY

    client = Client()
    articles = list(Article.objects.published().only("article_id", "slug", "date")[:2000])
    cold_paths = [a.get_absolute_url() for a in articles[ROUNDS : ROUNDS * 2]]
    warm_paths = [a.get_absolute_url() for a in articles[:ROUNDS]]

    def forget():
        """Drop what article pages keep in the cache: their own part and related articles.

        Both are checked against the links token; the navigation, shared by every page, is kept.
        """
        cache.delete(LINKS_KEY)

    def warm():
        for path in warm_paths:  # as after the page cache was dropped: the rest is kept
            client.get(path)
        return timed(client, warm_paths)

    runs = {
        "cold": lambda: timed(client, cold_paths, before=forget),
        "warm": warm,
        "home": lambda: timed(client, ["/"] * ROUNDS),
    }
    for name, run in runs.items():
        print(f"{name:5} {run():7.2f} ms per request (median of {ROUNDS})")
    if args.parts:
        cold_parts(articles[ROUNDS : ROUNDS * 2])
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(runs[args.profile])
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(35)


def cold_parts(articles):
    """Each part of a cold article page, timed alone over `articles` (median ms)."""
    from articles.models import Article
    from articles.public import article_page, related, seo

    rows = [Article.objects.select_related("source").get(pk=a.pk) for a in articles]
    tags = {a.pk: list(a.tags.all()) for a in rows}
    newest = related.newest_public_now()
    parts = {
        "the row, with its source": lambda a: Article.objects.select_related("source").get(
            article_id=a.article_id
        ),
        "its tags": lambda a: list(a.tags.all()),
        "related articles chosen (window kept)": lambda a: related.choose(
            a, 4, [t.pk for t in tags[a.pk]], newest
        ),
        "the QR code": lambda a: seo.qr_code_svg(a.get_full_url()),
        "the article's part (two templates, QR code included)": lambda a: article_page.render(
            a, tags[a.pk]
        ),
    }
    for name, part in parts.items():
        times = []
        for article in rows:
            started = time.perf_counter()
            part(article)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {name:55} {statistics.median(times):6.2f} ms")


if __name__ == "__main__":
    main()
