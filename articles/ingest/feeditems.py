"""Parse partner RSS/Atom feeds into article values: pure, no ORM.

feedparser reads every RSS and Atom flavour, recovers what it can from ill-formed XML and never
expands entity declarations beyond single characters or fetches external ones. Its own sanitizer
is off: it keeps `javascript:` in `img src` and repeats content it chokes on. Bodies go through
the project's one sanitizer, `sanitize_html` (nh3), after it.
"""

import datetime as dt
import hashlib
import html
import io
import json
import re
from dataclasses import asdict, dataclass
from urllib.parse import urljoin

import feedparser
import nh3
from django.utils.html import linebreaks

from articles.ingest.frontmatter import (
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    FrontMatterError,
    slug_for_title,
    validate_http_url,
)
from articles.sanitize import TAG_MAX_LENGTH, TAGS_MAX, clean_tags, clean_text, sanitize_html_report

FEED_ITEM_ID_MAX_LENGTH = 500
SUMMARY_MAX_LENGTH = 600
UNTITLED_TITLE_LENGTH = 100
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
IMAGE_SUFFIX_RE = re.compile(r"\.(jpe?g|png|gif|webp)$", re.IGNORECASE)
BLOCK_END_RE = re.compile(r"<(br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>", re.IGNORECASE)
TAG_RE = re.compile(r"<[a-zA-Z/!]")
ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


class FeedError(ValueError):
    """The document is not a feed at all; the message says why."""


class ItemError(ValueError):
    """One feed item cannot become an article; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    feed_item_id: str
    title: str
    slug: str
    date: dt.datetime | None  # None: the item names no date
    body: str
    summary: str = ""
    source_link: str = ""
    enclosure: str = ""
    tags: tuple[str, ...] = ()
    removed: str = ""  # the markup the sanitizer took out of the body, described

    @property
    def content_hash(self):
        values = asdict(self)
        del values["removed"]  # follows from the body; hashes stay those of earlier polls
        values["date"] = self.date.isoformat() if self.date else None
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    version: str
    items: tuple[FeedItem, ...]
    failures: tuple[tuple[str, str], ...] = ()  # (item, reason) for items that were skipped
    problems: tuple[str, ...] = ()  # about the feed as a whole; its good items still count


def parse_feed(data, *, url="", response_headers=None) -> ParsedFeed:
    """Parse feed bytes into a `ParsedFeed`; raise `FeedError` for anything that is not a feed.

    `url` is where the feed came from: relative links resolve against it.
    """
    headers = {name.lower(): value for name, value in (response_headers or {}).items()}
    # No Content-Location for feedparser: it would resolve a relative guid against the URL, and an
    # item's id must not change with the address the feed was fetched from. Links resolve here.
    headers.pop("content-location", None)
    headers.setdefault("content-type", "application/xml")  # a file has none: let the XML say
    if not data.strip():
        raise FeedError("the document is empty")
    # A stream, never a string: feedparser would treat a string as a URL or path to open.
    try:
        result = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    except Exception as exc:  # hostile bytes can trip any parser: one clear error, not a crash
        raise FeedError(f"the feed could not be parsed: {exc!r}") from None
    if not result.version and not result.entries:
        raise FeedError(_not_a_feed_reason(data, result))
    feed = result.feed
    base = url or feed.get("link", "")
    problems = []
    if result.bozo:
        reason = _describe(result.get("bozo_exception"))
        problems.append(f"the feed is ill-formed or mislabelled: {reason}")
    items, failures = _items(result.entries, base)
    return ParsedFeed(
        title=_plain(feed.get("title", ""), feed.get("title_detail")),
        link=_http_url_or_blank(feed.get("link", ""), base),
        version=result.version or "",
        items=items,
        failures=failures,
        problems=tuple(problems),
    )


def _items(entries, base):
    """The entries that make articles, first of each id only, and why the others were skipped."""
    items, failures, seen = [], [], {}
    for number, entry in enumerate(entries, start=1):
        label = f"item {number}"
        try:
            item = item_from_entry(entry, base=base)
        except ItemError as exc:
            failures.append((label, str(exc)))
            continue
        if item.feed_item_id in seen:
            failures.append(
                (label, f"duplicate id {item.feed_item_id!r}: {seen[item.feed_item_id]} kept")
            )
            continue
        seen[item.feed_item_id] = label
        items.append(item)
    return tuple(items), tuple(failures)


def _not_a_feed_reason(data, result):
    head = data[:2048].lstrip().lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "this is an HTML page, not an RSS or Atom feed"
    if result.bozo:
        return f"not an RSS or Atom feed: {_describe(result.get('bozo_exception'))}"
    return "not an RSS or Atom feed: no channel, feed or items found"


def _describe(exc):
    if exc is None:
        return "unknown problem"
    text = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    return f"{text} (line {line})" if line else text or type(exc).__name__


def item_from_entry(entry, *, base=""):
    """Map one feedparser entry to a `FeedItem`; raise `ItemError` if it cannot be an article."""
    link = _http_url_or_blank(entry.get("link", ""), base)
    item_id = clean_text(entry.get("id") or "").strip() or link
    if not item_id:
        raise ItemError("the item has neither a guid/id nor a link")
    if len(item_id) > FEED_ITEM_ID_MAX_LENGTH:
        raise ItemError(f"the item's id is over {FEED_ITEM_ID_MAX_LENGTH} characters")
    body, summary, removed = _body_and_summary(entry, base)
    title = _plain(entry.get("title", ""), entry.get("title_detail"))[:TITLE_MAX_LENGTH].strip()
    # RSS lets an item have only a description: its opening words stand in for the headline.
    title = title or _truncate(summary, UNTITLED_TITLE_LENGTH)
    if not title:
        raise ItemError(f"item {item_id[:100]!r} has neither a title nor any text")
    return FeedItem(
        feed_item_id=item_id,
        title=title,
        slug=slug_for_title(title),
        date=entry_date(entry),
        body=body,
        summary=summary,
        source_link=link,
        enclosure=_enclosure(entry, base),
        tags=_tags(entry.get("tags") or ()),
        removed=removed.describe() if removed else "",
    )


def entry_date(entry):
    """The item's publication (else update) time, aware in UTC; None when it names none."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # FeedParserDict.get would alias keys, with a warning
        if parsed:
            try:
                return dt.datetime(*parsed[:6], tzinfo=dt.UTC)  # feedparser gives UTC
            except (TypeError, ValueError):
                continue
    return None


def _body_and_summary(entry, base):
    contents = entry.get("content") or []
    content = next((c for c in contents if c.get("type") in HTML_TYPES), None) or (
        contents[0] if contents else None
    )
    summary_detail = entry.get("summary_detail") or {}
    summary_html = _as_html(entry.get("summary", ""), summary_detail.get("type"))
    if content is not None:
        body = _as_html(content.get("value", ""), content.get("type"))
    else:
        body = summary_html  # RSS puts the whole release in <description> when nothing else
    summary = _truncate(_text_of_html(summary_html), SUMMARY_MAX_LENGTH)
    clean, removed = sanitize_html_report(body, base_url=base)
    return clean_text(clean).strip(), summary, removed


def _as_html(value, content_type):
    if not value or content_type in HTML_TYPES:
        return value or ""
    return linebreaks(value, autoescape=True)  # plain text: escape it and keep its paragraphs


def _plain(value, detail=None):
    """Text without markup or entities, whitespace collapsed: for titles and tags."""
    if (detail or {}).get("type") in HTML_TYPES or "&" in value or "<" in value:
        value = _text_of_html(value)
    return " ".join(clean_text(value).split())


def _text_of_html(value):
    text = _strip_tags(BLOCK_END_RE.sub(" ", value))
    if TAG_RE.search(text):
        text = _strip_tags(text)  # markup escaped twice, as wires do in RSS titles
    elif ENTITY_RE.search(text):
        text = html.unescape(text)  # entities escaped twice: `&amp;nbsp;` means a space
    return " ".join(clean_text(text).split())


def _strip_tags(value):
    # nh3, not Django's strip_tags: the standard library's HTMLParser under that one raises
    # AssertionError on hostile declarations such as '<![><img src="]>'.
    return html.unescape(nh3.clean(value, tags=set()))


def _truncate(text, limit):
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + "…"


def _http_url_or_blank(value, base=""):
    value = (value or "").strip()
    if not value:
        return ""
    if base:
        value = urljoin(base, value)
    if len(value) > URL_MAX_LENGTH:
        return ""
    try:
        return validate_http_url(value)
    except FrontMatterError:
        return ""


def _enclosure(entry, base):
    """The first image among <enclosure>, media:content and media:thumbnail; http(s) only."""
    candidates = [
        (link.get("href"), link.get("type"))
        for link in entry.get("links") or ()
        if link.get("rel") == "enclosure"
    ]
    candidates += [
        (media.get("url"), media.get("type") or media.get("medium"))
        for media in entry.get("media_content") or ()
    ]
    candidates += [(media.get("url"), "image") for media in entry.get("media_thumbnail") or ()]
    for href, kind in candidates:
        kind = (kind or "").lower()
        looks_like_image = kind.startswith("image") or (
            not kind and IMAGE_SUFFIX_RE.search((href or "").split("?")[0])
        )
        url = _http_url_or_blank(href, base) if looks_like_image else ""
        if url:
            return url
    return ""


def _tags(raw_tags):
    """The item's categories as tags: over-long ones skipped, the first TAGS_MAX kept."""
    tags = [_plain(raw.get("label") or raw.get("term") or "") for raw in raw_tags]
    tags = dict.fromkeys(tag for tag in tags if tag and len(tag) <= TAG_MAX_LENGTH)
    return clean_tags(list(tags)[:TAGS_MAX])
