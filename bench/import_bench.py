"""Import throughput and memory on a generated corpus; prints figures, asserts nothing.

    .venv/bin/python bench/import_bench.py                 # 10,000 files, then 100,000 for RSS
    .venv/bin/python bench/import_bench.py --files 2000 --rss-files 0

The corpus is generated from a fixed seed in the article format (TOML front matter, 4 KB HTML
bodies, tags and sources drawn from small vocabularies) into a temporary folder, and imported with
`manage.py import_articles` into a fresh SQLite file database, as staff would run it:

1. first import of `--files` files into an empty database (files/s, end to end);
2. the same files again, unchanged (files/s);
3. in a fresh process, `--rss-files` files into an empty database: peak RSS of the importing
   process and of its largest parse worker.
"""

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20250715
BODY_BYTES = 4096
WORDS = (
    "market", "growth", "company", "shares", "investors", "quarter", "revenue", "energy",
    "electric", "vehicle", "battery", "solar", "storage", "expansion", "partnership", "announced",
    "global", "customers", "platform", "technology", "clinical", "trial", "results", "patients",
    "therapy", "network", "security", "cloud", "data", "analytics", "mining", "gold",
    "exploration", "drilling", "project", "financing", "strategic", "acquisition", "board",
    "director",
)  # fmt: skip
TAGS = ["energy", "ev", "mining", "biotech", "ai", "fintech", "crypto", "cleantech", "gold", "é"]
SOURCES = ["InvestorBrandNetwork (IBN)", "NetworkNewsWire", "CryptoCurrencyWire", "BioMedWire"]


def body(rng):
    paragraphs, size = [], 0
    while size < BODY_BYTES:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 80)))
        if rng.random() < 0.3:
            words += ' <a href="https://example.com/release">read the release</a>'
        paragraph = f"<p>{words.capitalize()}.</p>"
        paragraphs.append(paragraph)
        size += len(paragraph)
    return "".join(paragraphs)[:BODY_BYTES].rsplit("<p>", 1)[0]


def article_text(rng, article_id):
    title = " ".join(rng.choice(WORDS) for _ in range(8)).title()
    month = f"2025{rng.randint(1, 12):02d}"
    date = f"{month[:4]}-{month[4:]}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:15:21Z"
    slug = title.lower().replace(" ", "-")
    tags = ", ".join(f'"{tag}"' for tag in rng.sample(TAGS, rng.randint(0, 3)))
    return (
        "+++\n"
        f'title = "{title}"\n'
        f'date = "{date}"\n'
        f"draft = {'true' if rng.random() < 0.05 else 'false'}\n"
        f'summary = "{" ".join(rng.choice(WORDS) for _ in range(25))}."\n'
        f'description = "{" ".join(rng.choice(WORDS) for _ in range(20))}."\n'
        f'source_link = "https://example.com/releases/{article_id}"\n'
        f'enclosure = "https://cdn.example.com/images/{article_id}.png"\n'
        f"article_id = {article_id}\n"
        f"feed_item_id = {article_id + 7}\n"
        f'url = "/{month}/{article_id}-{slug}"\n'
        f'source = "{rng.choice(SOURCES)}"\n'
        f"tags = [{tags}]\n"
        "+++\n\n" + body(rng) + "\n"
    )


def generate(folder, count):
    rng = random.Random(SEED)
    for number in range(count):
        article_id = 100_000 + number
        path = folder / f"{number // 1000:03d}" / f"{article_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article_text(rng, article_id), encoding="utf-8")


def environment(workdir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "DEBUG": "false",
    }


def manage(workdir, *args):
    """Run manage.py; return its wall time and the CPU time it and its workers used, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment(workdir),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def last_run_seconds(workdir):
    """How long the newest ImportRun took, from its own record: the importer without start-up."""
    with sqlite3.connect(workdir / "bench.sqlite3") as db:
        started, finished = db.execute(
            "SELECT started_at, finished_at FROM articles_importrun ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return (
        dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)
    ).total_seconds()


def fresh_database(workdir):
    for path in workdir.glob("bench.sqlite3*"):
        path.unlink()
    manage(workdir, "migrate", "--no-input")


def throughput(workdir, count):
    corpus = workdir / f"corpus-{count}"
    generate(corpus, count)
    fresh_database(workdir)
    for label in ("first import", "unchanged re-import"):
        wall, cpu = manage(workdir, "import_articles", str(corpus))
        run = last_run_seconds(workdir)
        print(
            f"{label} of {count:,} files: {count / wall:,.0f} files/s end to end "
            f"({wall:.1f} s wall, {cpu:.1f} s CPU in all processes); the import itself, "
            f"without starting Python and Django: {count / run:,.0f} files/s ({run:.2f} s)"
        )
    shutil.rmtree(corpus)


def peak_rss(workdir, count):
    corpus = workdir / f"corpus-{count}"
    generate(corpus, count)
    fresh_database(workdir)
    # A child of its own, so the figure is the importer's alone, not the generator's.
    probe = (
        "import django, resource, sys; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('import_articles', sys.argv[1], verbosity=0); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    start = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", probe, str(corpus)],
        env=environment(workdir),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    elapsed = time.perf_counter() - start
    importer, worker = (int(kilobytes) / 1024 for kilobytes in output[-2:])
    print(
        f"peak RSS importing {count:,} files: {importer:,.0f} MB "
        f"(largest parse worker {worker:,.0f} MB; {count / elapsed:,.0f} files/s)"
    )
    shutil.rmtree(corpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rss-files", type=int, default=100_000)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-import-bench-"))
    try:
        print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite file database")
        print(f"load average before: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
        if options.files:
            throughput(workdir, options.files)
        if options.rss_files:
            peak_rss(workdir, options.rss_files)
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
