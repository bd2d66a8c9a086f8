"""Small factories for test rows and article files."""

import datetime as dt
import itertools

from django.utils import timezone

from articles.models import Article, Source, Status

_ids = itertools.count(900_000)


def make_source(name="Test Wire", **fields):
    source, _ = Source.objects.get_or_create(
        name=name, defaults={"slug": Source.unique_slug(name), **fields}
    )
    return source


def make_article(*, tags=(), **fields):
    article_id = fields.pop("article_id", None) or next(_ids)
    fields.setdefault("title", f"Article {article_id}")
    fields.setdefault("slug", f"article-{article_id}")
    fields.setdefault("date", timezone.now() - dt.timedelta(days=1))
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("summary", f"Summary of article {article_id}.")
    fields.setdefault("body", f"<p>Body of article {article_id}.</p>")
    article = Article.objects.create(article_id=article_id, **fields)
    if tags:
        article.tags.set(tags)
    return article


def article_file(**overrides):
    """The text of an article file; `None` drops a key, strings are written as TOML strings."""
    body = overrides.pop("body", "<p>Hello world.</p>")
    meta = {
        "title": "Test headline",
        "date": "2025-07-15T14:15:21Z",
        "article_id": 4242,
        "summary": "A summary.",
        "source": "Test Wire",
    }
    meta.update(overrides)
    lines = []
    for key, value in meta.items():
        if value is None:
            continue
        lines.append(f"{key} = {toml_value(value)}")
    return "+++\n" + "\n".join(lines) + "\n+++\n\n" + body + "\n"


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, RawToml):
        return str(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class RawToml(str):
    """A value written into the front matter as it is (a TOML datetime, a table...)."""


def renditions_manifest(image="images/x.png"):
    """What articles.images.renditions keeps for an uploaded `image`, without making any file."""
    folder = "renditions/" + image.rsplit(".", 1)[0]
    return {
        "source": image,
        "thumbnail": {"name": f"{folder}/thumbnail.webp", "width": 160, "height": 90},
        "webp": [{"name": f"{folder}/w800.webp", "width": 800, "height": 450}],
        "jpeg": [{"name": f"{folder}/w800.jpg", "width": 800, "height": 450}],
        "social": {"name": f"{folder}/social.jpg", "width": 1200, "height": 630},
    }
