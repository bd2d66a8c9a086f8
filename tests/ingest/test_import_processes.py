"""Imports as separate processes do them: two at once, and one killed part way.

These run `manage.py import_articles` in subprocesses against a database of their own (a SQLite
file, or a fresh PostgreSQL database when the suite runs on PostgreSQL), never the test database.
"""

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import require
from tests.factories import article_file

ROOT = Path(__file__).resolve().parents[2]
BODY = "<p>" + "A paragraph of a press release about quarterly results. " * 70 + "</p>"

REPORT = """
import json, django
django.setup()
from articles.models import Article, ImportRun
articles = {
    a.article_id: [a.title, len(a.body), sorted(t.name for t in a.tags.all())]
    for a in Article.objects.prefetch_related("tags")
}
runs = [[r.finished_at is not None, r.created] for r in ImportRun.objects.order_by("pk")]
print(json.dumps({"articles": articles, "runs": runs}))
"""


def expected_article(article_id):
    return [f"Headline {article_id}", len(BODY), sorted({f"tag-{article_id % 5}", "wire"})]


def write_corpus(folder, ids):
    folder.mkdir(parents=True, exist_ok=True)
    for article_id in ids:
        tags = [f"tag-{article_id % 5}", "wire"]
        text = article_file(
            article_id=article_id, title=f"Headline {article_id}", tags=tags, body=BODY
        )
        (folder / f"{article_id}.md").write_text(text)


def environment(database_url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }


def manage(database_url, *args):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *map(str, args)],
        env=environment(database_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process, timeout=300):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def report(database_url):
    done = subprocess.run(
        [sys.executable, "-c", REPORT],
        env=environment(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data = json.loads(done.stdout)
    return {int(key): value for key, value in data["articles"].items()}, data["runs"]


def migrated(database_url):
    code, _, err = finish(manage(database_url, "migrate", "--no-input"))
    assert code == 0, err
    return database_url


@pytest.fixture
def sqlite_database(tmp_path):
    return migrated(f"sqlite:///{tmp_path / 'imports.sqlite3'}")


@pytest.fixture
def postgresql_database():
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)")
    import psycopg

    name = f"newsroom_imports_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(urlsplit(server)._replace(path="/postgres"))
    try:
        admin = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError as exc:
        require(False, f"PostgreSQL at {server} is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield migrated(urlunsplit(urlsplit(server)._replace(path=f"/{name}")))
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    return request.getfixturevalue(f"{request.param}_database")


def test_two_concurrent_imports_of_overlapping_folders(database, tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus / "a", range(1, 201))
    write_corpus(corpus / "b", range(201, 451))
    write_corpus(corpus / "c", range(451, 651))

    first = manage(database, "import_articles", corpus / "a", corpus / "b")
    second = manage(database, "import_articles", corpus / "b", corpus / "c")
    results = [finish(first), finish(second)]

    for code, out, err in results:
        assert code == 0, out + err
        assert "locked" not in err
    articles, runs = report(database)
    assert sorted(articles) == list(range(1, 651))  # exactly one row per id
    assert all(articles[i] == expected_article(i) for i in articles)
    assert [finished for finished, _ in runs] == [True, True]


def test_a_run_killed_part_way_leaves_whole_articles_and_a_rerun_completes(
    sqlite_database, tmp_path
):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, range(1, 2001))
    database_file = urlsplit(sqlite_database).path

    run = manage(sqlite_database, "import_articles", corpus)
    try:
        imported = wait_for_articles(database_file, run)
        os.kill(run.pid, signal.SIGKILL)
        run.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # its parse workers, if they outlived it
            os.killpg(run.pid, signal.SIGKILL)
    assert 0 < imported < 2000, "the import was not caught part way"

    articles, runs = report(sqlite_database)
    assert 0 < len(articles) < 2000
    assert all(articles[i] == expected_article(i) for i in articles)  # whole, tags and all
    assert runs[0][0] is False  # the killed run never finished

    code, out, err = finish(manage(sqlite_database, "import_articles", corpus))
    assert code == 0, out + err
    assert f"{2000 - len(articles)} created, 0 updated, {len(articles)} unchanged" in out
    articles, runs = report(sqlite_database)
    assert sorted(articles) == list(range(1, 2001))
    assert all(articles[i] == expected_article(i) for i in articles)


def wait_for_articles(database_file, process, timeout=120):
    """Poll the SQLite file until some articles are committed; return how many."""
    deadline = time.monotonic() + timeout
    with sqlite3.connect(database_file, timeout=30) as connection:
        while time.monotonic() < deadline:
            (count,) = connection.execute("SELECT count(*) FROM articles_article").fetchone()
            if count:
                return count
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
    pytest.fail("no article was imported in time")
