"""Import real-world feeds and XSS vectors wrapped in feed items; check every resulting page.

Usage: python bench/feed_corpus_check.py ../shared/corpora [-v]

1. Every feed of feedparser's test corpus (feedparser/MANIFEST.tsv) is served from a local
   http.server on 127.0.0.1 with the response headers its opening comment names, and imported by
   the real importer: each must import (problems reported) or fail with one clear line, and none
   may raise.
2. Every XSS vector (xss/xss_vectors.jsonl) arrives in an RSS feed (as content:encoded, as an
   escaped description and in the title) and in an Atom feed (as escaped html content).

Then every imported article's page is rendered for a staff user and parsed: its body must carry
nothing executable, and the whole page nothing more than a harmless article's page does.
Exits non-zero on any traceback, unclear error or executable markup.
"""

import json
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

from pagecheck import executable_markup, setup_django

SHAPE_DEPENDENT = frozenset({"<meta> element", "<link> element"})
HEADER_RE = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.MULTILINE)


def main(corpora, verbose=False):
    setup_django("newsroom-feeds-", FETCH_ALLOW_PRIVATE_HOSTS="true")
    from django.contrib.auth.models import User
    from django.test import Client

    from tests.httpserver import LocalServer

    corpora = Path(corpora)
    client = Client()
    client.force_login(User.objects.create_superuser("bench", "bench@example.com", "bench"))
    started = time.monotonic()
    with LocalServer() as server:
        outcomes = import_feedparser_corpus(server, corpora / "feedparser", verbose)
        xss_outcomes = import_xss_vectors(server, corpora / "xss" / "xss_vectors.jsonl")
    elapsed = time.monotonic() - started
    pages, unsafe = check_pages(client)
    broken = report(outcomes, "feedparser corpus", verbose)
    broken += report(xss_outcomes, "XSS vectors in feeds", verbose)
    print(f"{pages} article pages checked, {len(unsafe)} carry executable markup")
    for label, problems in unsafe:
        print(f"  {label}: {'; '.join(problems)}")
    print(f"imports took {elapsed:.1f} s")
    failed = broken + len(unsafe)
    print(f"{len(outcomes) + len(xss_outcomes) + pages - failed} passed, {failed} failed")
    return 1 if failed else 0


def import_feedparser_corpus(server, folder, verbose):
    paths = [line.split("\t")[0] for line in (folder / "MANIFEST.tsv").read_text().splitlines()]
    outcomes = {}
    for path in paths[1:]:
        data = (folder / path).read_bytes()
        headers = {name.decode(): value.decode() for name, value in HEADER_RE.findall(data[:2000])}
        headers.setdefault("Content-Type", "application/xml")
        outcomes[path] = import_served(server, f"/feedparser/{path}", data, headers, path)
    return outcomes


def import_xss_vectors(server, corpus):
    lines = corpus.read_text(encoding="utf-8").split("\n")  # not splitlines: U+2028 in payloads
    vectors = [json.loads(line)["payload"] for line in lines if line.strip()]
    outcomes = {}
    for number, payload in enumerate(vectors, start=1):
        for kind, feed in (
            ("rss", rss_with(number, payload)),
            ("atom", atom_with(number, payload)),
        ):
            label = f"vector {number} ({kind})"
            headers = {"Content-Type": "application/xml; charset=utf-8"}
            outcomes[label] = import_served(server, f"/xss/{kind}/{number}", feed, headers, label)
    return outcomes


def rss_with(number, payload):
    cdata = payload.replace("]]>", "]]]]><![CDATA[>")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>XSS Wire {number}</title><link>https://xss.example/</link>
<item><title>Encoded {number} {escape(payload)}</title><guid>content-{number}</guid>
<content:encoded><![CDATA[{cdata}]]></content:encoded></item>
<item><title>Description {number}</title><guid>description-{number}</guid>
<description>{escape(payload)}</description></item>
</channel></rss>""".encode()


def atom_with(number, payload):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>XSS Atom {number}</title>
<id>urn:xss:{number}</id><updated>2025-01-01T00:00:00Z</updated>
<entry><title type="html">Atom {number} {escape(escape(payload))}</title><id>urn:xss:{number}:1</id>
<updated>2025-01-01T00:00:00Z</updated><link href="https://xss.example/{number}"/>
<content type="html">{escape(payload)}</content></entry></feed>""".encode()


def import_served(server, path, data, headers, name):
    """Import one feed over HTTP into its own source; return (outcome, detail)."""
    from articles.ingest.feeds import import_feed
    from articles.models import Source, Status

    url = server.serve(path, data, headers=headers)
    source = Source.objects.create(
        name=name[:200],
        slug=Source.unique_slug(name),
        feed_url=url,
        default_status=Status.PUBLISHED,
    )
    try:
        result = import_feed(url, source=source)
    except Exception:
        return "traceback", traceback.format_exc()
    if result.error:
        clear = (
            result.error.strip() and "\n" not in result.error and "Traceback" not in result.error
        )
        return ("error" if clear else "unclear error"), result.error
    items = sum(result.counts.values())
    detail = f"{result.counts['created']} of {items} items"
    if result.problems or result.failures:
        detail += f"; {len(result.problems) + len(result.failures)} problem(s) reported"
    return "imported", detail


def check_pages(client):
    from articles.models import Article
    from tests.factories import make_article

    harmless = client.get(make_article(title="Harmless", source=None).get_absolute_url())
    baseline = Counter(executable_markup(harmless.content.decode(), whole_page=True))
    unsafe, pages = [], 0
    for article in Article.objects.select_related("source").exclude(title="Harmless"):
        pages += 1
        response = client.get(article.get_absolute_url())
        if response.status_code != 200:
            unsafe.append((label(article), [f"HTTP {response.status_code}"]))
            continue
        page = response.content.decode()
        whole = Counter(executable_markup(page, whole_page=True)) - baseline
        # How many <meta> and <link> a page has depends on its tags, image and description; their
        # attributes are still checked, and anything else must be no more than the baseline's.
        extra = [problem for problem in whole if problem not in SHAPE_DEPENDENT]
        problems = executable_markup(page) + [f"page: {problem}" for problem in extra]
        if problems:
            unsafe.append((label(article), problems))
    return pages, unsafe


def label(article):
    return f"{article.source.name}: {article.feed_item_id}"


def report(outcomes, title, verbose):
    kinds = Counter(outcome for outcome, _ in outcomes.values())
    print(
        f"{title}: {len(outcomes)} feeds: {kinds['imported']} imported, "
        f"{kinds['error']} clear errors, {kinds['unclear error']} unclear errors, "
        f"{kinds['traceback']} tracebacks"
    )
    for name, (outcome, detail) in outcomes.items():
        if outcome != "imported" or verbose:
            print(f"  {outcome}: {name}: {detail.strip().splitlines()[-1] if detail else ''}")
    return kinds["unclear error"] + kinds["traceback"]


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if arg != "-v"]
    if len(args) != 1:
        sys.exit(__doc__)
    sys.exit(main(args[0], verbose="-v" in sys.argv))
