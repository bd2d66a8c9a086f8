"""A day in the newsroom: readers, crawlers, an editor and a feed on one 100,000-article site.

    .venv/bin/python bench/newsroom_day.py [--articles 100000] [--small 1000] [--duration 60]

Builds the database as bench/serve_bench.py does (a SQLite file in a temporary folder, or the
scratch database DATABASE_URL names, which it EMPTIES), starts gunicorn with 2 workers and
production settings, the page cache in Redis (127.0.0.1:6379, a fresh key prefix), and loads
it with wrk and bench/newsroom_day.lua for --duration seconds with a fixed mix: 25% home and
list pages, 65% article pages chosen by a Zipf distribution (s = 1.1) over the whole archive,
newest first, 10% feeds, sitemaps and search. Meanwhile an editor saves an article through the
admin's change form every 5 s (logged in over HTTP, as a browser does) and a feed of 10 new
items is imported every 60 s through `import_feed`. It prints throughput, p50/p99 per page
kind, the page cache's hit ratio (counted by the workers), errors, and the staleness of each
save: the time from the save's response to the change being on the article page and the home
page for an anonymous reader, polled every 20 ms.

Then, side by side with the static file on the same server: the article page with the page
cache off, cold (caches empty, every request a different article) and warm (the same articles
again, as after an invalidation); home with the page cache off; article and home cached; and
the article page's latency at --small articles against --articles. Every ratio is against the
static file measured in the same run. Needs `wrk` (Debian package wrk); traffic stays on
127.0.0.1 and stops by itself.
"""

import argparse
import datetime as dt
import http.client
import io
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_bench import (  # noqa: E402  (the benchmark next to this one)
    Server,
    generate,
    manage,
    production_env,
    redis_answers,
    setup_django,
    wrk,
)

LUA = Path(__file__).resolve().parent / "newsroom_day.lua"
CONNECTIONS = 8
EDIT_EVERY = 5
FEED_EVERY = 60
FEED_ITEMS = 10
POLL_SECONDS = 0.02
STALENESS_GIVE_UP = 30
PAGE_KINDS = ("home", "list", "article", "feed", "sitemap", "search")
TARGETS = {
    "day throughput": 0.4,
    "article uncached warm": 0.2,
    "article uncached cold": 0.12,
    "home uncached": 0.2,
    "article cached": 0.5,
    "home cached": 0.5,
}
P99_TARGET_MS = 100
STALENESS_TARGET = 2.0
LATENCY_RATIO_TARGET = 1.2
# The worker hook that leaves each worker's page-cache counts where the benchmark reads them.
GUNICORN_STATS_HOOK = """
exec(open({conf!r}).read())


def worker_exit(server, worker):
    import json, os
    from articles.serving import cache
    with open(os.path.join({folder!r}, f"outcomes-{{worker.pid}}.json"), "w") as f:
        json.dump(dict(cache.outcomes), f)
"""


class StatsServer(Server):
    """gunicorn as in serve_bench, whose workers write their page-cache counts on exit."""

    def __init__(self, env, folder, **overrides):
        super().__init__(env, **overrides)
        self.folder = folder
        self.config = folder / "gunicorn-stats.conf.py"
        self.config.write_text(
            GUNICORN_STATS_HOOK.format(conf=str(Server.config), folder=str(folder))
        )

    def __enter__(self):
        for old in self.folder.glob("outcomes-*.json"):
            old.unlink()
        return super().__enter__()

    def outcomes(self):
        """The page cache's counts over the workers' lives; call after the server stopped."""
        total = {}
        for path in self.folder.glob("outcomes-*.json"):
            for name, n in json.loads(path.read_text()).items():
                total[name] = total.get(name, 0) + n
        return total


def run_wrk(server, path_file, mode, duration, connections=CONNECTIONS):
    """wrk with the Lua script: {kind: {requests, errors, p50, p99}} and the totals."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{connections}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            LUA,
            server.url("/"),
            "--",
            mode,
            path_file,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    kinds = {row["kind"]: row for row in map(json.loads, re.findall(r"^\{.*\}$", out, re.M))}
    socket_errors = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "kinds": kinds,
    }


def write_paths(path_file, rows):
    path_file.write_text("".join(f"{kind} {path}\n" for kind, path in rows))


def day_paths():
    """Every page kind of the mix, articles newest first (the Zipf ranks)."""
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Source

    published = Article.objects.published()
    rows = [("article", a.get_absolute_url()) for a in published.only("article_id", "slug", "date")]
    rows += [("home", "/")] * 8 + [("home", f"/?page={n}") for n in (2, 3)]
    months = published.dates("date", "month", order="DESC")[:12]
    rows += [("list", reverse("articles:month", kwargs={"month": m})) for m in months]
    for tag in Tag.objects.order_by("pk")[:20]:
        rows.append(("list", reverse("articles:tag", kwargs={"slug": tag.slug})))
        rows.append(("feed", reverse("articles:tag-feed", kwargs={"slug": tag.slug})))
    for source in Source.objects.order_by("pk")[:10]:
        rows.append(("list", source.get_absolute_url()))
        rows.append(("feed", reverse("articles:source-feed", kwargs={"slug": source.slug})))
    rows += [("feed", reverse("articles:feed"))] * 10 + [("feed", reverse("articles:feed-atom"))]
    rows += [
        ("sitemap", reverse("articles:sitemap")),
        ("sitemap", reverse("articles:news-sitemap")),
    ]
    # What readers look for: one release. A word that every generated article holds ranks all
    # 100,000 of them (seconds; see docs/performance.md), which no reader's query does here.
    for words in ("press release 4217", "release 815", "88123", "release 20021", "31337"):
        rows.append(
            ("search", reverse("articles:search") + "?" + urllib.parse.urlencode({"q": words}))
        )
    return rows


class Editor:
    """An editor in the admin: logs in over HTTP and saves articles through the change form."""

    def __init__(self, server, username, password):
        self.server, self.cookies = server, {}
        status, _ = self.request("GET", "/admin/login/")
        status, _ = self.request(
            "POST",
            "/admin/login/",
            {"username": username, "password": password, "next": "/admin/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the editor could not log in ({status})")

    def request(self, method, path, data=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, content

    def save(self, article, **changes):
        """Open the article's change form, change fields and submit it; return the status."""
        from django.urls import reverse

        path = reverse("admin:articles_article_change", args=[article.pk])
        status, page = self.request("GET", path)
        if status != 200:
            return status
        form = FormFields()
        form.feed(page.decode())
        return self.request("POST", path, {**form.fields, "_save": "Save", **changes})[0]


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's article form (no files)."""

    def __init__(self):
        super().__init__()
        self.fields, self.textarea, self.select = {}, None, None
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "article_form":
            self.in_form = True
        name = attrs.get("name")
        if not self.in_form or not name and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields[name] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea, self.fields[name] = name, ""
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def anonymous_get(server, path):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, content


class Newsroom(threading.Thread):
    """The editor's saves every EDIT_EVERY s and a feed import every FEED_EVERY s, until stopped."""

    def __init__(self, server, editor, feed_folder, source_name):
        super().__init__(daemon=True)
        self.server, self.editor = server, editor
        self.feed_folder, self.source_name = feed_folder, source_name
        self.stop = threading.Event()
        self.staleness = {"article": [], "home": []}
        self.saves, self.save_errors, self.imports, self.import_errors = 0, 0, 0, []
        self.next_feed_item = 1

    def run(self):
        from django.db import connection

        started = time.monotonic()
        next_feed = started + 1
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                if time.monotonic() >= next_feed:
                    self.import_feed()
                    next_feed += FEED_EVERY
                self.edit(n)
                self.stop.wait(max(0, started + n * EDIT_EVERY - time.monotonic()))
        finally:
            connection.close()

    def edit(self, n):
        from articles.models import Article

        # The editor works on the news: one of the 20 newest articles, in turn.
        article = Article.objects.published().select_related("source")[n % 20]
        marker = f"Edit {n} at {time.time():.3f}"
        status = self.editor.save(article, summary=marker)
        saved = time.monotonic()
        if status != 302:
            self.save_errors += 1
            return
        self.saves += 1
        for kind, path in (("article", article.get_absolute_url()), ("home", "/")):
            self.staleness[kind].append(self.visible_after(path, marker, saved))

    def visible_after(self, path, marker, saved):
        while time.monotonic() - saved < STALENESS_GIVE_UP:
            status, content = anonymous_get(self.server, path)
            if status == 200 and marker.encode() in content:
                return time.monotonic() - saved
            time.sleep(POLL_SECONDS)
        return float("inf")

    def import_feed(self):
        from django.core.management import call_command

        items = []
        now = dt.datetime.now(dt.UTC)
        for _ in range(FEED_ITEMS):
            i = self.next_feed_item
            self.next_feed_item += 1
            items.append(
                f"<item><guid>day-item-{i}</guid><title>Wire item {i}: partner news</title>"
                f"<link>https://example.com/wire/{i}</link>"
                f"<pubDate>{now:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
                f"<description>Item {i} of the day.</description>"
                f"<category>Topic {i % 50}</category><category>Topic {(i + 7) % 50}</category>"
                f"<content:encoded><![CDATA[<p>Body of wire item {i}.</p>]]></content:encoded>"
                "</item>"
            )
        path = self.feed_folder / f"feed-{self.imports}.xml"
        path.write_text(
            '<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>Day wire</title><link>https://example.com/</link>"
            "<description>Wire</description>" + "".join(items) + "</channel></rss>"
        )
        try:
            call_command("import_feed", str(path), source=self.source_name, stdout=io.StringIO())
            self.imports += 1
        except Exception as exc:  # the benchmark reports it and goes on
            self.import_errors.append(str(exc))


def prepare_newsroom(folder):
    """An editor account and a source whose feed items are published on import."""
    from django.contrib.auth.models import User

    from articles.models import Source, Status

    password = secrets.token_urlsafe(16)
    User.objects.create_superuser("day-editor", "editor@example.com", password)
    source = Source.objects.order_by("pk").first()
    Source.objects.filter(pk=source.pk).update(default_status=Status.PUBLISHED)
    (folder / "feeds").mkdir()
    return "day-editor", password, source.name


def newsroom_day(env, folder, cache_env, duration):
    """The mixed load with edits and imports; returns wrk's figures, outcomes and the newsroom."""
    from django.db import connection

    path_file = folder / "day-paths.txt"
    rows = day_paths()
    write_paths(path_file, rows)
    username, password, source_name = prepare_newsroom(folder)
    connection.close()
    server = StatsServer(env, folder, **cache_env)
    with server:
        editor = Editor(server, username, password)
        # A site that has been running: every page but the articles' long tail is cached (the
        # sitemap index takes seconds to render at 100,000 articles).
        for path in sorted({path for kind, path in rows if kind != "article"}):
            server.get(path)
        run_wrk(server, path_file, "day", 5)  # and what readers read most
        newsroom = Newsroom(server, editor, folder / "feeds", source_name)
        newsroom.start()
        result = run_wrk(server, path_file, "day", duration)
        newsroom.stop.set()
        newsroom.join(timeout=STALENESS_GIVE_UP + 10)
    return result, server.outcomes(), newsroom


def static_rate(server, static_path, duration):
    row = wrk(server.url(static_path), duration)
    return row["rps"]


def side_by_side(env, folder, cache_env, duration):
    """Uncached cold and warm articles, uncached home, cached article and home, vs static."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from articles.models import Article

    static_path = "/static/" + staticfiles_storage.stored_name("css/site.css")
    newest = list(Article.objects.published().only("article_id", "slug", "date")[1000:60000])
    rows = {}
    # Page cache off; every other cache in Redis under a fresh prefix (empty).
    uncached = {**cache_env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}
    uncached["CACHE_KEY_PREFIX"] = f"day-{secrets.token_hex(4)}"
    cold_file, warm_file = folder / "cold.txt", folder / "warm.txt"
    write_paths(cold_file, [("article", a.get_absolute_url()) for a in newest])
    warm = [("article", a.get_absolute_url()) for a in newest[:300]]
    write_paths(warm_file, warm)
    with Server(env, **uncached) as server:
        wrk(server.url(static_path), 2)
        rows["static (uncached run)"] = static = static_rate(server, static_path, duration)
        cold = run_wrk(server, cold_file, "cycle", duration)
        rows["article uncached cold"] = cold["rps"]
        for _, path in warm:  # as after an invalidation: the page is gone, the rest is warm
            server.get(path)
        warm_run = run_wrk(server, warm_file, "cycle", duration)
        rows["article uncached warm"] = warm_run["rps"]
        home = wrk(server.url("/"), duration)
        rows["home uncached"] = home["rps"]
    with Server(env, **cache_env) as server:
        for path in ("/", warm[0][1]):
            server.get(path)
        wrk(server.url(static_path), 2)
        rows["static (cached run)"] = static_cached = static_rate(server, static_path, duration)
        rows["article cached"] = wrk(server.url(warm[0][1]), duration)["rps"]
        rows["home cached"] = wrk(server.url("/"), duration)["rps"]
    ratios = {
        name: rate / (static_cached if "cached" in name and "uncached" not in name else static)
        for name, rate in rows.items()
        if not name.startswith("static")
    }
    return rows, ratios, {"cold": cold, "warm": warm_run}


def article_latency(env, path):
    """Median latency (ms) of one client loading the article page, page cache off."""
    with Server(env, PUBLIC_PAGE_CACHE_SECONDS="0") as server:
        server.get(path)
        wrk(server.url(path), 1, connections=1)
        return wrk(server.url(path), 5, connections=1)["p50"]


def report_day(result, outcomes, newsroom, static, duration, failures):
    print(f"\nNewsroom day, {duration} s, wrk -t{CONNECTIONS} -c{CONNECTIONS} (Lua mix)")
    print(f"throughput {result['rps']:.1f} req/s = {result['rps'] / static:.1%} of the static file")
    print("\n| kind | requests | share | errors | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    kinds = result["kinds"]
    total = sum(row["requests"] for row in kinds.values()) or 1
    for kind in PAGE_KINDS:
        row = kinds.get(kind)
        if not row:
            continue
        print(
            f"| {kind} | {row['requests']} | {row['requests'] / total:.1%} | {row['errors']} "
            f"| {row['p50']:.1f} | {row['p99']:.1f} |"
        )
        if row["p99"] > P99_TARGET_MS:
            failures.append(f"day: {kind} p99 {row['p99']:.0f} ms > {P99_TARGET_MS}")
    errors = sum(row["errors"] for row in kinds.values()) + result["socket_errors"]
    print(f"errors (non-200 and socket errors): {errors}")
    if errors:
        failures.append(f"day: {errors} errors")
    served = sum(outcomes.values()) or 1
    print(
        f"page cache: {outcomes.get('hit', 0)} hits, {outcomes.get('stale', 0)} previous versions "
        f"served while rendering, {outcomes.get('render', 0)} rendered: hit ratio "
        f"{(outcomes.get('hit', 0) + outcomes.get('stale', 0)) / served:.1%} "
        f"(fresh hits {outcomes.get('hit', 0) / served:.1%}; includes the editor's polling)"
    )
    print(
        f"editor: {newsroom.saves} saves, {newsroom.save_errors} failed; feed imports "
        f"({FEED_ITEMS} new items each): {newsroom.imports}, {len(newsroom.import_errors)} failed "
        + "; ".join(newsroom.import_errors[:2])
    )
    if newsroom.save_errors or newsroom.import_errors:
        failures.append("day: a save or an import failed")
    for kind, values in newsroom.staleness.items():
        if not values:
            failures.append("day: no save was sampled")
            continue
        print(
            f"staleness on the {kind} page, {len(values)} saves: median "
            f"{statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
        )
        if max(values) > STALENESS_TARGET:
            failures.append(f"day: {kind} staleness {max(values):.2f} s > {STALENESS_TARGET}")
    share, target = result["rps"] / static, TARGETS["day throughput"]
    if share < target:
        failures.append(f"day throughput {share:.0%} of static < {target:.0%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the day's load")
    parser.add_argument("--side-duration", type=int, default=10, help="seconds per side run")
    parser.add_argument(
        "--no-day", action="store_true", help="only the side-by-side runs and the latency ratio"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not redis_answers():
        sys.exit("Redis does not answer on 127.0.0.1:6379")

    with tempfile.TemporaryDirectory(prefix="newsroom-day-") as tmp:
        folder = Path(tmp)
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'day.sqlite3'}"
        cache_env = {
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6"),
            "CACHE_KEY_PREFIX": f"day-{secrets.token_hex(4)}",
        }
        env = {**production_env(folder, database_url), **cache_env}
        setup_django(env)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "flush", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"

        from articles.models import Article

        generate(1, args.small)
        probe = Article.objects.published().get(article_id=501).get_absolute_url()
        small_latency = article_latency(env, probe)
        started = time.monotonic()
        generate(args.small + 1, args.articles)
        print(f"{args.articles:,} articles on {database} in {time.monotonic() - started:.0f} s")

        failures = []
        rows, ratios, runs = side_by_side(env, folder, cache_env, args.side_duration)
        large_latency = article_latency(env, probe)
        if not args.no_day:
            result, outcomes, newsroom = newsroom_day(env, folder, cache_env, args.duration)
            # The day's reference: the static file on the same kind of server, right after it.
            with Server(env, **cache_env) as server:
                from django.contrib.staticfiles.storage import staticfiles_storage

                static_path = "/static/" + staticfiles_storage.stored_name("css/site.css")
                wrk(server.url(static_path), 2)
                day_static = static_rate(server, static_path, 10)
            print(f"static file right after the day: {day_static:.1f} req/s")
            report_day(result, outcomes, newsroom, day_static, args.duration, failures)

        print("\nSide by side (wrk, 8 connections, each run against the static file of its server)")
        print("\n| page | req/s | vs static | target |")
        print("|---|---:|---:|---:|")
        for name, rate in rows.items():
            share, target = ratios.get(name), TARGETS.get(name)
            print(
                f"| {name} | {rate:.1f} | {'' if share is None else f'{share:.1%}'} "
                f"| {'' if target is None else f'≥ {target:.0%}'} |"
            )
            if target and share < target:
                failures.append(f"{name}: {share:.0%} of static < {target:.0%}")
        for name, run in runs.items():
            row = run["kinds"].get("article", {})
            print(
                f"article uncached {name}: p50 {row.get('p50', 0):.1f} ms, "
                f"p99 {row.get('p99', 0):.1f} ms, errors {row.get('errors', 0)}"
            )
            if row.get("errors") or run["socket_errors"]:
                failures.append(f"article uncached {name}: errors")
        ratio = large_latency / small_latency
        print(
            f"\nArticle page, page cache off, one client, median latency: {small_latency:.2f} ms "
            f"at {args.small:,} articles, {large_latency:.2f} ms at {args.articles:,}: ratio "
            f"{ratio:.2f} (target ≤ {LATENCY_RATIO_TARGET})"
        )
        if ratio > LATENCY_RATIO_TARGET:
            failures.append(f"latency ratio {ratio:.2f} > {LATENCY_RATIO_TARGET}")
        print("\nAll targets met." if not failures else "\nMissed: " + "; ".join(failures))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
