"""Write articles back out in the article format: TOML front matter between `+++` lines, then
the body. One file per article, in folders by month; importing the files reproduces the articles,
and Hugo builds them as a site (`title`, `date`, `draft`, `url`, `tags` are Hugo's own keys).
"""

import datetime as dt
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote

import tomli_w
from django.db.models import Q, QuerySet

from articles.ingest.frontmatter import DELIMITER
from articles.models import Article, Status


def export_queryset(
    *, source=None, since=None, tag=None, include_drafts=False
) -> QuerySet[Article]:
    """The articles an export writes: all published ones, narrowed by the given filters.

    `source` and `tag` match a name or a slug; `since` is an aware datetime.
    """
    articles = Article.objects.select_related("source").prefetch_related("tags")
    if not include_drafts:
        articles = articles.exclude(status=Status.DRAFT)
    if source:
        articles = articles.filter(Q(source__name=source) | Q(source__slug=source))
    if since:
        articles = articles.filter(date__gte=since)
    if tag:
        articles = articles.filter(Q(tags__name=tag) | Q(tags__slug=tag))
    return articles.distinct().order_by("date", "article_id")


def export_articles(articles, folder) -> int:
    """Write each of `articles` to `folder`/YYYY/MM/<article_id>.md; return how many."""
    folder = Path(folder)
    count = 0
    for article in articles.iterator(chunk_size=1000):
        path = folder / article_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, article_text(article))
        count += 1
    return count


def article_path(article):
    return Path(f"{article.date:%Y}", f"{article.date:%m}", f"{article.article_id}.md")


def article_text(article):
    """The article in the article format, as `import_articles` reads it."""
    meta = {
        "title": article.title,
        "date": rfc3339(article.date),
        "draft": article.status == Status.DRAFT,
        "summary": article.summary,
        "description": article.description,
        "source_link": article.source_link,
        "enclosure": article.enclosure,
        "article_id": article.article_id,
        "feed_item_id": feed_item_id(article.feed_item_id),
        # The path as a reader sees it: a unicode slug stays unicode, not percent-encoded.
        "url": unquote(article.get_absolute_url()),
        "qrcode": article.qrcode,
        "source": article.source.name if article.source else "",
        "tags": sorted(tag.name for tag in article.tags.all()),
    }
    front = tomli_w.dumps({key: value for key, value in meta.items() if value not in ("", [])})
    return f"{DELIMITER}\n{front}{DELIMITER}\n\n{article.body}\n"


def rfc3339(value):
    """`2025-07-15T14:15:21Z`: UTC, with fractions of a second only when there are any."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def feed_item_id(value):
    """A numeric feed item id as the integer partner feeds write; any other id as a string."""
    if value.isascii() and value.isdecimal() and str(int(value)) == value and int(value) < 2**63:
        return int(value)
    return value


def write_atomically(path, text):
    """Replace `path` with `text` so that a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
