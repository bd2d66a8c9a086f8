"""The one HTML sanitizer and the one text normaliser: outside text passes here before it is stored.

`clean_text()` drops what XML 1.0 cannot carry (C0 and C1 controls but tab and newlines,
surrogates, U+FFFE/U+FFFF): typed, imported or polled, such characters would otherwise be stored
and break every feed and sitemap that prints them. Forms, the front matter parser and the feed
item parser call it at the boundary; the feed and sitemap writers call it again as a last defence.
"""

import re
import unicodedata
from urllib.parse import urljoin

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl",
        "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start"},
}
# Text XML 1.0 cannot carry, and controls no reader sees (tab, newline and return stay).
UNPRINTABLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _drop_disguised_schemes(tag, attribute, value):
    """Drop a URL that names a scheme once invisible characters are taken out.

    Browsers read `\u2028javascript:` as a relative link, but a URL that only hides its scheme
    behind spaces, controls or backticks has no honest use in a press release.
    """
    if attribute not in URL_ATTRIBUTES:
        return value
    visible = "".join(
        ch for ch in value if ch != "`" and unicodedata.category(ch)[0] not in {"Z", "C"}
    ).lower()
    match = SCHEME_RE.match(visible)
    if match and match[1] not in URL_SCHEMES:
        return None
    return value


def _absolute_against(base_url):
    """An attribute filter that also makes relative URLs absolute against `base_url`."""

    def resolve(tag, attribute, value):
        value = _drop_disguised_schemes(tag, attribute, value)
        if value is None or attribute not in URL_ATTRIBUTES:
            return value
        try:
            return urljoin(base_url, value.strip())
        except ValueError:
            return None

    return resolve


def sanitize_html(html, *, base_url="") -> str:
    """Return `html` with everything executable removed: only known-safe markup survives.

    With a `base_url` (where a feed came from), relative links and images are made absolute.
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_absolute_against(base_url) if base_url else _drop_disguised_schemes,
    )


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

    Raise `ValueError` saying why for a tag over TAG_MAX_LENGTH or more than TAGS_MAX tags.
    """
    tags = {}  # a dict keeps the order
    for name in names:
        tag = " ".join(clean_text(name).split())
        if len(tag) > TAG_MAX_LENGTH:
            raise ValueError(f"tag is longer than {TAG_MAX_LENGTH} characters: {tag[:40]!r}...")
        if tag:
            tags[tag] = None
    if len(tags) > TAGS_MAX:
        raise ValueError(f"{len(tags):,} tags, over the limit of {TAGS_MAX} per article")
    return tuple(tags)
