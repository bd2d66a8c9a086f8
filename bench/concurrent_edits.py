"""Two editors save one article at the same moment, through gunicorn with 2 workers.

    .venv/bin/python bench/concurrent_edits.py [--rounds 50]

Builds a throwaway database (a SQLite file in a temporary folder, or the scratch database
DATABASE_URL names, which it EMPTIES), starts gunicorn (2 sync workers, production settings) on
a free port of 127.0.0.1, logs two editors in, and each round has both open the article's form
and then post it at once from two threads, each with its own summary. The version check lives in
the database, so whichever worker serves which request, one save must pass and the other must
get the conflict page (409); "lost updates" counts rounds where both were saved. Prints the
counts and the save latencies.
"""

import argparse
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.serve_bench import production_env  # noqa: E402 (after the path is set)

PASSWORD = "a long bench password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Editor:
    """A logged-in browser session: cookies, CSRF, no redirects followed on POST."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base, username):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self.NoRedirect
        )
        login = self.get("/admin/login/")
        fields = self.fields(login, "login-form")
        fields.update(username=[username], password=[PASSWORD], next=["/admin/"])
        status, _ = self.post("/admin/login/", fields)
        assert status == 302, f"login failed: {status}"

    def get(self, path):
        with self.opener.open(self.base + path) as response:
            return response.read()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    @staticmethod
    def fields(html, form_id):
        from tests.formpages import FormReader

        reader = FormReader(form_id)
        reader.feed(html.decode())
        return dict(reader.fields.lists())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsroom-edits-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'db.sqlite3'}"
    port = free_port()
    env = {
        **os.environ,
        **production_env(folder, database_url),
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from articles.models import Article
    from tests.factories import make_article

    call_command("migrate", "--no-input", verbosity=0)
    if "postgres" in database_url:
        call_command("flush", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    for name in ("maria", "tom"):
        User.objects.create_superuser(name, password=PASSWORD)
    article = make_article(title="Battery storage approved")
    path = f"/admin/articles/article/{article.pk}/change/"

    server = subprocess.Popen(
        [BIN / "gunicorn", "-c", ROOT / "gunicorn.conf.py", "--workers", "2"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_MAX_REQUESTS": "0"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz").close()
                break
            except OSError:
                time.sleep(0.1)
        editors = {name: Editor(base, name) for name in ("maria", "tom")}
        outcomes = {"one saved, one conflict": 0, "lost updates": 0, "other": 0}
        latencies = []
        for round_number in range(args.rounds):
            forms = {n: Editor.fields(e.get(path), "article_form") for n, e in editors.items()}
            statuses = {}
            start = threading.Barrier(2)

            def save(name, forms=forms, statuses=statuses, start=start, n=round_number):
                form = {**forms[name], "summary": [f"{name} {n}"], "_save": ["Save"]}
                start.wait()
                began = time.perf_counter()
                statuses[name] = editors[name].post(path, form)[0]
                latencies.append(time.perf_counter() - began)

            threads = [threading.Thread(target=save, args=(name,)) for name in editors]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            codes = sorted(statuses.values())
            stored = Article.objects.get(pk=article.pk).summary
            winner = [n for n, code in statuses.items() if code == 302]
            if codes == [302, 409] and stored == f"{winner[0]} {round_number}":
                outcomes["one saved, one conflict"] += 1
            elif codes == [302, 302]:
                outcomes["lost updates"] += 1
            else:
                outcomes["other"] += 1
                print("round", round_number, statuses, stored)
    finally:
        server.terminate()
        server.wait(10)
    engine = "PostgreSQL" if "postgres" in database_url else "SQLite"
    print(f"{engine}, gunicorn 2 workers, {args.rounds} rounds of two simultaneous stale saves:")
    for name, count in outcomes.items():
        print(f"  {name}: {count}")
    latencies.sort()
    print(
        f"  save latency: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
