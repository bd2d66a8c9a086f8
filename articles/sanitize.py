"""The one HTML sanitizer: third-party markup passes through here before it is stored."""

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
