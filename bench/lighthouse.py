"""Lighthouse scores of the reader's site, light and dark: home, an article, a tag page, search.

    (cd bench/lighthouse && npm ci)      # lighthouse 12.2.3 and axe-core, pinned by the lock
    .venv/bin/python bench/lighthouse.py [chromium]

Builds the screenshots' throwaway site (docs/make_screenshots.py: the samples, header images,
two featured articles, a quotation and a table), serves it with runserver on a free port of
127.0.0.1, runs Lighthouse with Debian's Chromium (headless, `--force-dark-mode` for dark) on each
page and prints a table of the four categories' scores. Exits non-zero when accessibility, best
practices or SEO is under 100 anywhere, naming the failing audits, but for search results'
`is-crawlable` (they are noindex and disallowed on purpose), which it prints. Not part of
`make test`; the axe-core check runs in the suite (tests/public/test_browser_frontpage.py).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MUST_BE_PERFECT = ["accessibility", "best-practices", "seo"]
# Search results are kept from crawlers on purpose (noindex, and Disallow in robots.txt), which
# Lighthouse's SEO category counts against them: reported, but expected.
EXPECTED = {("results", "seo"): {"is-crawlable"}}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"
# What Lighthouse says when its own measuring failed, not the page (see lighthouse()).
RUN_AGAIN = "Please run Lighthouse again"
TRIES = 3

sys.path.insert(0, str(ROOT / "docs"))
import make_screenshots as demo  # noqa: E402


def lighthouse(url, chromium, *, dark):
    """Lighthouse's report on `url`; a run its tracing lost is run again, as it asks.

    With this Chromium, Lighthouse 12 now and then fails to record the page load's trace
    ("Something went wrong with recording the trace ... (NO_NAVSTART). Please run Lighthouse
    again."): a flaw of the measuring, not of the page, which it says to retry. Any other
    failure, or that one TRIES times in a row, stops the check with Lighthouse's own message.
    """
    flags = CHROME_FLAGS + (" --force-dark-mode" if dark else "")
    for attempt in range(1, TRIES + 1):
        run = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={flags}",
            ],
            env={**os.environ, "CHROME_PATH": chromium},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if not run.returncode:
            return json.loads(run.stdout)
        if RUN_AGAIN not in run.stderr or attempt == TRIES:
            sys.exit(f"lighthouse failed on {url} (exit {run.returncode}):\n{run.stderr[-3000:]}")
        print(f"  lighthouse lost its trace of {url}, running it again ({attempt}/{TRIES})")


def failing_audits(report, category):
    audits = report["audits"]
    return [
        ref["id"]
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] and (audits[ref["id"]].get("score") is not None)
        if audits[ref["id"]]["score"] < 1
    ]


def main():
    chromium = sys.argv[1] if len(sys.argv) > 1 else shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium not found: apt-get install chromium")
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse not installed: (cd bench/lighthouse && npm ci)")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
    port = demo.free_port()
    base = f"http://127.0.0.1:{port}"
    env = demo.site_env(folder, site_url=base)
    article_path = demo.build_site(env)
    server, base = demo.serve(env, port)
    pages = {
        "home": "/",
        "article": article_path,
        "tag": "/tags/energy/",
        "search": "/search/",
        "results": "/search/?q=energy",
    }
    problems = []
    try:
        print(f"{'page':<10}{'scheme':<8}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for name, path in pages.items():
            for dark in (False, True):
                report = lighthouse(base + path, chromium, dark=dark)
                scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
                scheme = "dark" if dark else "light"
                print(f"{name:<10}{scheme:<8}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
                for category in MUST_BE_PERFECT:
                    failing = set(failing_audits(report, category))
                    if failing - EXPECTED.get((name, category), set()):
                        problems.append(f"{name} ({scheme}) {category}: {', '.join(failing)}")
                    elif failing:
                        print(f"  expected: {name} {category} fails {', '.join(failing)}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    if problems:
        print("\n".join(["", "Below 100:", *problems]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
