"""Import every public XSS vector as an article body and check the page carries nothing executable.

Usage: python bench/xss_check.py ../shared/corpora/xss/xss_vectors.jsonl

Each vector goes through the real import (front matter + body → sanitizer → database) and the real
article page; the rendered page is parsed with the standard library's HTML parser and every element,
attribute and URL that could run script is reported. Exits non-zero if any vector survives.
"""

import json
import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXECUTABLE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "style", "link", "meta", "base", "svg", "math", "template",
    "noscript", "xml", "isindex", "video", "audio", "source",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "background",
    "poster",
    "data",
}
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class ExecutableFinder(HTMLParser):
    """Collect what could execute inside the article body of a rendered page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <div class="body">
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in {"br", "hr", "img"}
            self.check(tag, attrs)
        elif tag == "div" and attrs.get("class") == "body":
            self.depth = 1

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.check(tag, dict(attrs))

    def handle_endtag(self, tag):
        if self.depth and tag not in {"br", "hr", "img"}:
            self.depth -= 1

    def check(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name}= handler on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                url = "".join(value.split()).lower()
                if ":" in url.split("/")[0] and not url.startswith(SAFE_SCHEMES):
                    self.problems.append(f"{name}={value[:60]!r} on <{tag}>")


def main(corpus):
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        "tests.settings"  # plain static storage, no collectstatic
    )
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-xss-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'xss.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from articles.importers.files import import_paths
    from articles.models import Article

    setup_test_environment()
    call_command("migrate", verbosity=0)
    vectors = [json.loads(line)["payload"] for line in Path(corpus).read_text().split("\n") if line]
    for number, payload in enumerate(vectors, start=1):
        front = f'+++\ntitle = "Vector {number}"\ndate = "2025-01-01T00:00:00Z"\n'
        front += f"article_id = {number}\n+++\n"
        (workdir / f"{number}.md").write_text(front + payload, encoding="utf-8")
    result = import_paths([workdir])
    client = Client()
    failures = {}
    for article in Article.objects.all():
        response = client.get(article.get_absolute_url())
        finder = ExecutableFinder()
        finder.feed(response.content.decode())
        if response.status_code != 200 or finder.problems:
            failures[article.article_id] = finder.problems or [f"HTTP {response.status_code}"]
    not_imported = len(vectors) - Article.objects.count()
    print(f"{len(vectors)} vectors: {Article.objects.count()} imported, {not_imported} refused")
    for path, reason in result.failures:
        print(f"  refused {Path(path).name}: {reason}")
    print(f"{len(vectors) - len(failures)} passed, {len(failures)} failed")
    for article_id, problems in sorted(failures.items()):
        print(
            f"  vector {article_id}: {'; '.join(problems)}\n    {vectors[article_id - 1][:200]!r}"
        )
    return 1 if failures or not_imported else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
