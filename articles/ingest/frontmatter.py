"""Parse article files: TOML front matter between `+++` lines, then an HTML body.

Pure parsing, no ORM: bytes in, a frozen `ArticleData` out, or `FrontMatterError` with the reason.
"""

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.text import slugify

from articles.sanitize import clean_tags, clean_text

DELIMITER = "+++"
URL_PATH_RE = re.compile(r"^/(?P<month>\d{6})/(?P<article_id>\d+)-(?P<slug>[-\w]+)/?$")
SLUG_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 500
URL_MAX_LENGTH = 1000
TEXT_MAX_LENGTH = 10_000
ARTICLE_ID_MAX = 2**63 - 1
# The shape of the front matter: the format nests nothing (tags are one flat array), so these
# leave room for a partner's extra keys while refusing a file built to exhaust the parser.
MAX_NESTING = 4
MAX_ARRAY_ITEMS = 1000


class FrontMatterError(ValueError):
    """The file is not a valid article; the message says why."""


@dataclass(frozen=True, slots=True)
class ArticleData:
    title: str
    date: dt.datetime
    article_id: int
    slug: str
    body: str
    draft: bool = False
    summary: str = ""
    description: str = ""
    source_link: str = ""
    enclosure: str = ""
    feed_item_id: str = ""
    qrcode: str = ""
    source: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    content_hash: str = ""


def parse_article(data, *, max_bytes=None) -> ArticleData:
    """Parse the bytes of one article file into `ArticleData`; raise `FrontMatterError` if bad."""
    if max_bytes is not None and len(data) > max_bytes:
        raise FrontMatterError(f"file is {len(data):,} bytes, over the limit of {max_bytes:,}")
    content_hash = hashlib.sha256(data).hexdigest()
    text = _decode(data)
    front, body = split_front_matter(text)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"front matter is not valid TOML: {exc}") from None
    except RecursionError:
        raise FrontMatterError(
            f"front matter nests arrays or tables too deeply (the limit is {MAX_NESTING})"
        ) from None
    check_shape(meta)
    return article_from_mapping(meta, body, content_hash=content_hash)


def check_shape(meta):
    """Raise `FrontMatterError` for nesting past MAX_NESTING or arrays past MAX_ARRAY_ITEMS."""
    pending = [(key, value, 1) for key, value in meta.items()]
    while pending:
        key, value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            if len(value) > MAX_ARRAY_ITEMS:
                raise FrontMatterError(
                    f"'{key}' is an array of {len(value):,} items, over {MAX_ARRAY_ITEMS:,}"
                )
            children = value
        else:
            continue
        if depth >= MAX_NESTING:
            raise FrontMatterError(f"'{key}' nests arrays or tables deeper than {MAX_NESTING}")
        pending.extend((key, child, depth + 1) for child in children)


def _decode(data):
    if not data.strip():
        raise FrontMatterError("file is empty")
    if b"\x00" in data:
        raise FrontMatterError("file is binary (contains NUL bytes), not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            f"file is not UTF-8 text: {exc.reason} at byte {exc.start}"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text):
    """Split normalised text into (front matter, body); raise if the `+++` fence is missing."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != DELIMITER:
        raise FrontMatterError("file does not start with a '+++' front matter line")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == DELIMITER:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]).strip()
    raise FrontMatterError("front matter is not closed by a '+++' line")


def article_from_mapping(meta, body, *, content_hash=""):
    """Validate a front matter mapping and build `ArticleData` from it."""
    title = _text(meta, "title", required=True, max_length=TITLE_MAX_LENGTH)
    if not title.strip():
        raise FrontMatterError("'title' is empty")
    date = parse_date(meta.get("date"))
    article_id = _article_id(meta.get("article_id"))
    return ArticleData(
        title=title.strip(),
        date=date,
        article_id=article_id,
        slug=_slug(meta, article_id, title),
        body=clean_text(body),
        draft=_bool(meta, "draft"),
        summary=_text(meta, "summary").strip(),
        description=_text(meta, "description").strip(),
        source_link=_http_url(meta, "source_link"),
        enclosure=_http_url(meta, "enclosure"),
        feed_item_id=_feed_item_id(meta.get("feed_item_id")),
        qrcode=_http_url(meta, "qrcode"),
        source=_text(meta, "source", max_length=200).strip(),
        tags=_tags(meta.get("tags")),
        content_hash=content_hash,
    )


def parse_date(value) -> dt.datetime:
    """Return an aware UTC datetime from an RFC 3339 string or a TOML date/datetime."""
    if value is None:
        raise FrontMatterError("'date' is required")
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise FrontMatterError(f"'date' is not an RFC 3339 date: {value!r}") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            # A local datetime names no zone: the newsroom's files are written in UTC.
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    raise FrontMatterError(f"'date' must be a date string, not {type(value).__name__}")


def _text(meta, key, *, required=False, max_length=TEXT_MAX_LENGTH):
    value = meta.get(key)
    if value is None:
        if required:
            raise FrontMatterError(f"'{key}' is required")
        return ""
    if not isinstance(value, str):
        raise FrontMatterError(f"'{key}' must be a string, not {type(value).__name__}")
    if len(value) > max_length:
        raise FrontMatterError(f"'{key}' is {len(value):,} characters, over {max_length:,}")
    return clean_text(value)


def _bool(meta, key):
    value = meta.get(key, False)
    if not isinstance(value, bool):
        raise FrontMatterError(f"'{key}' must be true or false, not {value!r}")
    return value


def _article_id(value):
    if value is None:
        raise FrontMatterError("'article_id' is required: it is the article's stable public number")
    if isinstance(value, bool) or not isinstance(value, int):
        raise FrontMatterError(f"'article_id' must be an integer, not {value!r}")
    if not 0 < value <= ARTICLE_ID_MAX:
        raise FrontMatterError(f"'article_id' must be a positive integer, not {value}")
    return value


def _feed_item_id(value):
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FrontMatterError(f"'feed_item_id' must be an integer or a string, not {value!r}")
    value = clean_text(str(value)).strip()
    if len(value) > 500:
        raise FrontMatterError("'feed_item_id' is longer than 500 characters")
    return value


def _http_url(meta, key):
    value = _text(meta, key, max_length=URL_MAX_LENGTH).strip()
    if not value:
        return ""
    return validate_http_url(value, key)


def validate_http_url(value, key="url"):
    """Return `value` if it is an absolute http(s) URL; raise `FrontMatterError` otherwise."""
    try:
        parts = urlsplit(value)
    except ValueError:
        raise FrontMatterError(f"'{key}' is not a valid URL: {value!r}") from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise FrontMatterError(f"'{key}' must be an http(s) URL, not {value[:100]!r}")
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise FrontMatterError(f"'{key}' contains whitespace or control characters")
    return value


def _slug(meta, article_id, title):
    url = _text(meta, "url", max_length=URL_MAX_LENGTH).strip()
    if url:
        match = URL_PATH_RE.match(url)
        if not match:
            raise FrontMatterError(f"'url' must look like /YYYYMM/<article_id>-<slug>, not {url!r}")
        if int(match["article_id"]) != article_id:
            raise FrontMatterError(
                f"'url' names article {match['article_id']} but 'article_id' is {article_id}"
            )
        return match["slug"][:SLUG_MAX_LENGTH]
    return slug_for_title(title)


def slug_for_title(title):
    """Slugify a headline; a title with no letters or digits at all still gets a slug."""
    slug = slugify(title) or slugify(title, allow_unicode=True) or "article"
    return slug[:SLUG_MAX_LENGTH].strip("-") or "article"


def _tags(value):
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise FrontMatterError("'tags' must be an array of strings")
    try:
        return clean_tags(value)
    except ValueError as exc:
        raise FrontMatterError(f"'tags': {exc}") from None
