"""The one HTML sanitizer and the one text normaliser: outside text passes here before it is stored.

`clean_text()` drops what XML 1.0 cannot carry (C0 and C1 controls but tab and newlines,
surrogates, U+FFFE/U+FFFF): typed, imported or polled, such characters would otherwise be stored
and break every feed and sitemap that prints them. Forms, the front matter parser and the feed
item parser call it at the boundary; the feed and sitemap writers call it again as a last defence.

What `sanitize_html()` keeps is what the admin's body editor offers: both come from
`BODY_EXTENSIONS`, the editor's extension list, through django-prose-editor's
`allowlist_from_extensions()`, so the editor cannot produce what the sanitizer strips. The only
additions are `ALIASES`, older spellings the editor reads as its own marks (`<b>` is bold, `<i>`
italic).

Whatever is dropped is reported (`sanitize_html_report()`): an editor or an import run is told
which elements, attributes and URLs went. Links to other sites get `rel="nofollow"` (and
`noopener noreferrer`); links to the site itself stay plain.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django_prose_editor.config import allowlist_from_extensions

# The body editor's extensions: the one list both the editor and the sanitizer are built from.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Image": True,
    "Caption": True,
    "HTML": True,
    "History": True,
}
# Tags the editor parses into its own marks: kept, so imported bodies keep their emphasis.
ALIASES = frozenset({"b", "i"})
# Attributes the sanitizer sets itself, never taken from the input (and so never "removed").
MANAGED_ATTRIBUTES = frozenset({"rel"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# Text XML 1.0 cannot carry, and controls no reader sees (tab, newline and return stay).
UNPRINTABLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
EXTERNAL_REL = "noopener noreferrer nofollow"
LINK_RE = re.compile(r'<a((?:\s+[^\s=>]+(?:="[^"]*")?)*)>')
HREF_RE = re.compile(r'\shref="([^"]*)"')


@cache
def allowlist():
    """The nh3 arguments: tags, attributes and URL schemes the body may keep."""
    config = allowlist_from_extensions(BODY_EXTENSIONS)
    attributes = {
        tag: frozenset(attrs) - MANAGED_ATTRIBUTES for tag, attrs in config["attributes"].items()
    }
    return {
        "tags": frozenset(config["tags"]) | ALIASES,
        "attributes": attributes,
        "url_schemes": frozenset(config.get("url_schemes", ())),
    }


def _disguised_scheme(value, schemes):
    """Whether a URL names a scheme outside `schemes` once invisible characters are taken out.

    Browsers read `\u2028javascript:` as a relative link, but a URL that only hides its scheme
    behind spaces, controls or backticks has no honest use in a press release.
    """
    visible = "".join(
        ch for ch in value if ch != "`" and unicodedata.category(ch)[0] not in {"Z", "C"}
    ).lower()
    match = SCHEME_RE.match(visible)
    return bool(match and match[1] not in schemes)


def _attribute_filter(base_url, schemes):
    def keep(tag, attribute, value):
        if attribute not in URL_ATTRIBUTES:
            return value
        if _disguised_scheme(value, schemes):
            return None
        if not base_url:
            return value
        try:
            return urljoin(base_url, value.strip())
        except ValueError:
            return None

    return keep


def is_external(href, site_url=None):
    """Whether a link leads away from the site (`SITE_URL`): an http(s) URL of another host."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return True
    if parts.scheme not in {"http", "https"}:
        return bool(parts.scheme) and parts.scheme != "mailto"
    site = urlsplit(site_url if site_url is not None else settings.SITE_URL)
    return parts.netloc.lower() != site.netloc.lower()


def _add_rel(match, site_url):
    attrs = match[1]
    href = HREF_RE.search(attrs)
    if href and is_external(href[1].replace("&amp;", "&"), site_url):
        return f'<a{attrs} rel="{EXTERNAL_REL}">'
    return match[0]


def sanitize_html(html, *, base_url="", site_url=None) -> str:
    """Return `html` with everything executable removed: only known-safe markup survives.

    With a `base_url` (where a feed came from), relative links and images are made absolute.
    Links to other sites than `site_url` (default `SITE_URL`) get `rel="nofollow ..."`.
    """
    rules = allowlist()
    clean = nh3.clean(
        html,
        tags=set(rules["tags"]),
        attributes={tag: set(attrs) for tag, attrs in rules["attributes"].items()},
        url_schemes=set(rules["url_schemes"]),
        link_rel=None,
        strip_comments=True,
        attribute_filter=_attribute_filter(base_url, rules["url_schemes"]),
    )
    return LINK_RE.sub(lambda match: _add_rel(match, site_url), clean)


@dataclass
class Removed:
    """What the sanitizer took out of some HTML: element and attribute names, and URLs."""

    elements: Counter = field(default_factory=Counter)
    attributes: Counter = field(default_factory=Counter)
    urls: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.elements or self.attributes or self.urls)

    def describe(self):
        """One line for an editor: "elements <h1> (2), <iframe>; attributes style; URLs ..."."""

        def counted(counter, fmt):
            return ", ".join(
                fmt.format(name) + (f" ({n})" if n > 1 else "")
                for name, n in sorted(counter.items())
            )

        parts = []
        if self.elements:
            parts.append("elements " + counted(self.elements, "<{}>"))
        if self.attributes:
            parts.append("attributes " + counted(self.attributes, "{}"))
        if self.urls:
            parts.append("URLs " + ", ".join(self.urls[:5]) + (" …" if len(self.urls) > 5 else ""))
        return "; ".join(parts)


# A start tag and its attributes, read leniently: good enough to name what the sanitizer drops.
START_TAG_RE = re.compile(r"<([a-zA-Z][^\s/>]*)([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>")
ATTRIBUTE_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
DROPPED_CONTENT_RE = re.compile(
    r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)", re.IGNORECASE | re.DOTALL
)


def removed_markup(html):
    """What `sanitize_html(html)` drops: elements, attributes and URLs, by name."""
    rules = allowlist()
    removed = Removed()
    for match in DROPPED_CONTENT_RE.finditer(html):
        if match[1]:
            removed.elements[match[1].lower()] += 1
    for match in START_TAG_RE.finditer(DROPPED_CONTENT_RE.sub("", html)):
        tag = match[1].lower()
        if tag not in rules["tags"]:
            removed.elements[tag] += 1
            continue
        allowed = rules["attributes"].get(tag, frozenset())
        for name, value in ATTRIBUTE_RE.findall(match[2]):
            name = name.lower()
            if name in MANAGED_ATTRIBUTES:
                continue
            if name not in allowed:
                removed.attributes[name] += 1
            elif name in URL_ATTRIBUTES:
                url = unescape(value.strip("\"'"))
                if _disguised_scheme(url, rules["url_schemes"]):
                    removed.urls.append(url[:80])
    return removed


def sanitize_html_report(html, *, base_url="", site_url=None):
    """`sanitize_html()`, and a `Removed` saying what it took out."""
    return sanitize_html(html, base_url=base_url, site_url=site_url), removed_markup(html)


def clean_text(value):
    """Return `value` without the characters XML 1.0 cannot carry (and invisible controls)."""
    return UNPRINTABLE_RE.sub("", value) if value else value


# Tags: taggit's name column holds 100 characters; an article page joins its tags in one query,
# so a list of thousands would break it (SQLite's "too many SQL variables"), and no reader
# needs more than a few dozen.
TAG_MAX_LENGTH = 100
TAGS_MAX = 50


def clean_tags(names):
    """Normalise tag names (whitespace collapsed, unprintables dropped, first of duplicates).

    Tags are case-insensitive (TAGGIT_CASE_INSENSITIVE): "Energy" after "energy" is a duplicate.
    Raise `ValueError` saying why for a tag over TAG_MAX_LENGTH or more than TAGS_MAX tags.
    """
    tags = {}  # by lower-cased name; a dict keeps the order
    for name in names:
        tag = " ".join(clean_text(name).split())
        if len(tag) > TAG_MAX_LENGTH:
            raise ValueError(f"tag is longer than {TAG_MAX_LENGTH} characters: {tag[:40]!r}...")
        if tag:
            tags.setdefault(tag.lower(), tag)
    if len(tags) > TAGS_MAX:
        raise ValueError(f"{len(tags):,} tags, over the limit of {TAGS_MAX} per article")
    return tuple(tags.values())
