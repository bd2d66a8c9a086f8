"""What the page checks under bench/ share: a Django set up on a scratch database, and the finder
of executable markup inside an article page's body.
"""

import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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

    def __init__(self, *, whole_page=False):
        super().__init__(convert_charrefs=True)
        self.floor = 1 if whole_page else 0
        self.depth = self.floor  # > 0: inside <div class="body"> (or anywhere, for a whole page)
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
            self.depth = max(self.depth - 1, self.floor)

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


def setup_django(prefix, **environ):
    """Set Django up on a fresh, migrated SQLite file in a temporary folder; return the folder."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # plain static storage
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'check.sqlite3'}"
    os.environ.update(environ)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    return workdir


def page_problems(client, article, *, whole_page=False):
    """What could execute in the body of `article`'s page, or a non-200 status."""
    response = client.get(article.get_absolute_url())
    if response.status_code != 200:
        return [f"HTTP {response.status_code}"]
    return executable_markup(response.content.decode(), whole_page=whole_page)


def executable_markup(page, *, whole_page=False):
    """What could execute in the body (or anywhere) of the HTML `page`."""
    finder = ExecutableFinder(whole_page=whole_page)
    finder.feed(page)
    return finder.problems
