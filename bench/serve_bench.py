"""Serving benchmark: gunicorn with 2 workers over 100,000 articles, loaded with wrk.

    .venv/bin/python bench/serve_bench.py [--articles 100000] [--small 1000] [--duration 10]

Builds a database of generated articles (bulk_create; a SQLite file in a temporary folder, or the
scratch database DATABASE_URL names, which the benchmark EMPTIES), runs collectstatic, starts
gunicorn on 127.0.0.1 with production settings (DEBUG off, manifest static files) and loads each
page with wrk for --duration seconds: with the public page cache off ("uncached") and on
("cached"; Redis on 127.0.0.1:6379 when it answers, else each worker's memory). Prints requests/s,
p99 latency, errors and non-2xx responses per page, each rate as a share of the whitenoise
static file's in the same run, then the article page's latency at --small vs --articles articles.
Needs the `wrk` command (Debian package wrk). Traffic goes to 127.0.0.1 only and stops by itself.
"""

import argparse
import datetime as dt
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_CONNECTIONS = 8
SLOW_PAGE_SECONDS = 2
TARGETS = {("article", "cached"): 0.5, ("home", "cached"): 0.5, ("article", "uncached"): 0.25}


def production_env(folder, database_url):
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": os.devnull,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies over HTTP.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_MAX_REQUESTS": "0",
    }


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(first, last, *, batch=2000):
    """Add articles first..last (ids), 2 tags each, spread back in time from now, newest first."""
    from django.db import connection, transaction
    from taggit.models import Tag

    from articles.models import Article, Source, Status, TaggedArticle

    sources = list(Source.objects.all()) or Source.objects.bulk_create(
        Source(name=f"Wire {n}", slug=f"wire-{n}") for n in range(20)
    )
    tags = list(Tag.objects.all()) or Tag.objects.bulk_create(
        Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(50)
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paragraph = "<p>" + "The company announced results and plans for the coming year. " * 8 + "</p>"
    for start in range(first, last + 1, batch):
        ids = range(start, min(start + batch, last + 1))
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    article_id=i,
                    title=f"Press release {i}: partner results and plans",
                    slug=f"press-release-{i}",
                    date=now - dt.timedelta(hours=1, minutes=30 * i),
                    status=Status.DRAFT if i % 50 == 0 else Status.PUBLISHED,
                    summary=f"Summary of press release {i}.",
                    body=paragraph * 6,
                    source=sources[i % len(sources)],
                    source_link=f"https://example.com/releases/{i}",
                )
                for i in ids
            )
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=a, tag=tags[(a.article_id + offset) % len(tags)])
                for a in articles
                for offset in (0, 1 + (a.article_id // len(tags)) % (len(tags) - 1))
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def manage(env, *args):
    subprocess.run([BIN / "python", ROOT / "manage.py", *args], env=env, check=True, cwd=ROOT)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Server:
    """gunicorn with the repository's gunicorn.conf.py and 2 workers, for one mode."""

    def __init__(self, env, **overrides):
        self.port = free_port()
        self.env = {**env, **overrides, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}

    config = ROOT / "gunicorn.conf.py"

    def __enter__(self):
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "-c", self.config, "--workers", "2"], env=self.env, cwd=ROOT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/static/missing")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def get(self, path, header=None):
        """GET `path`; return the status, or the status and the value of `header`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return (response.status, response.getheader(header)) if header else response.status

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def wrk(url, duration, connections=WRK_CONNECTIONS):
    """Run wrk against `url`; return requests/s, latency percentiles (ms), errors, non-2xx."""
    threads = min(2, connections)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout
    percentiles = {
        int(p): to_ms(value, unit)
        for p, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    socket_errors = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": percentiles[50],
        "p99": percentiles[99],
        "errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def pages():
    """The pages to load: name -> path."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article

    article = Article.objects.published().get(article_id=501)  # in both the small and large set
    found = {
        "static": "/static/" + staticfiles_storage.stored_name("css/site.css"),
        "home": reverse("articles:latest"),
        "article": article.get_absolute_url(),
        "month": reverse("articles:month", kwargs={"month": article.date}),
        "tag": reverse("articles:tag", kwargs={"slug": Tag.objects.order_by("pk").first().slug}),
    }
    found["feed"] = reverse("articles:feed")
    found["sitemap"] = reverse("articles:sitemap")
    return found


def measure(server, paths, duration, mode):
    rows = {}
    for name, path in paths.items():
        started = time.monotonic()
        status = server.get(path)  # also fills the cache in cached mode
        took = time.monotonic() - started
        if status != 200:
            raise RuntimeError(f"{name} {path} answered {status}, not 200")
        # A page taking seconds would pile up behind 8 connections until gunicorn's worker
        # timeout kills the workers: load it with one connection, and say so.
        connections = WRK_CONNECTIONS if took < SLOW_PAGE_SECONDS else 1
        wrk(server.url(path), 1, connections=connections)  # warm connections, templates, cache
        rows[name] = row = wrk(server.url(path), duration, connections=connections)
        row["note"] = "" if connections > 1 else f"one connection: first request took {took:.1f} s"
        print(
            f"  {name:8} {mode:9} {row['rps']:9.1f} req/s  p99 {row['p99']:7.2f} ms"
            f"  errors {row['errors']}  non-2xx {row['non_2xx']}  {row['note']}",
            flush=True,
        )
    return rows


def article_latency(server, path, duration):
    """Median latency (ms) of one client loading `path` back to back."""
    server.get(path)
    wrk(server.url(path), 1, connections=1)
    return wrk(server.url(path), duration, connections=1)["p50"]


def report(results, paths):
    print("\n| page | mode | req/s | p99 ms | vs static | errors | non-2xx | note |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    failures = []
    for mode in ("uncached", "cached"):
        static = results[mode]["static"]["rps"]
        for name, row in results[mode].items():
            share = row["rps"] / static
            print(
                f"| {name} | {mode} | {row['rps']:.1f} | {row['p99']:.2f} | {share:.1%} "
                f"| {row['errors']} | {row['non_2xx']} | {row['note']} |"
            )
            target = TARGETS.get((name, mode))
            if target and share < target:
                failures.append(f"{name} {mode}: {share:.0%} of static, target {target:.0%}")
            if not row["rps"]:
                failures.append(f"{name} {mode}: no request finished within the run")
            if row["errors"] or row["non_2xx"]:
                failures.append(f"{name} {mode}: {row['errors']} errors, {row['non_2xx']} non-2xx")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        folder = Path(tmp)
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
        env = production_env(folder, database_url)
        setup_django(env)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "flush", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        uncached = {"PUBLIC_PAGE_CACHE_SECONDS": "0"}
        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"

        started = time.monotonic()
        generate(1, args.small)
        print(f"{args.small:,} articles on {database} in {time.monotonic() - started:.1f} s")
        with Server(env, **uncached) as server:
            article_path = pages()["article"]
            small_latency = article_latency(server, article_path, 5)

        started = time.monotonic()
        generate(args.small + 1, args.articles)
        print(f"{args.articles:,} articles in {time.monotonic() - started:.1f} s", flush=True)
        paths = pages()
        if redis_answers():
            cache = {"CACHE_URL": "redis://127.0.0.1:6379/3"}
            cache_name = "Redis"
        else:
            cache, cache_name = {}, "each worker's memory"
        cache["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"

        results = {}
        print(f"\ngunicorn, 2 workers; wrk -t2 -c{WRK_CONNECTIONS} -d{args.duration}s per page")
        with Server(env, **uncached) as server:
            large_latency = article_latency(server, article_path, 5)
            results["uncached"] = measure(server, paths, args.duration, "uncached")
        print(f"page cache in {cache_name}")
        with Server(env, **cache) as server:
            results["cached"] = measure(server, paths, args.duration, "cached")
            _, static_caching = server.get(paths["static"], "Cache-Control")
        print(f"static file (hashed name) Cache-Control: {static_caching}")

        failures = report(results, paths)
        ratio = large_latency / small_latency
        print(
            f"\nArticle page, one client, median latency: {small_latency:.2f} ms at "
            f"{args.small:,} articles, {large_latency:.2f} ms at {args.articles:,}: "
            f"ratio {ratio:.2f} (target <= 1.2)"
        )
        if ratio > 1.2:
            failures.append(f"article latency ratio {ratio:.2f} > 1.2")
        print("\nAll targets met." if not failures else "\nMissed: " + "; ".join(failures))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
