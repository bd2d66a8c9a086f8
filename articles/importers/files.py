"""Import article files into the database: one transaction per article, idempotent by id."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.cache import invalidate_public_pages
from articles.frontmatter import FrontMatterError, parse_article
from articles.importers.protection import article_fingerprint, edited_since_import
from articles.models import Article, Source, Status
from articles.sanitize import sanitize_html

logger = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".md", ".txt"})

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
FAILED = "failed"


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, path, reason):
        self.counts[FAILED] += 1
        self.failures.append((str(path), reason))

    @property
    def ok(self):
        return not self.failures


def find_article_files(paths):
    """Yield article files under `paths` (files, or folders searched recursively), sorted."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            )
        else:
            yield path


def import_paths(paths, *, dry_run=False, force=False, on_result=None):
    """Import every article file under `paths`; one bad file never stops the others."""
    result = ImportResult()
    seen = {}
    for path in find_article_files(paths):
        try:
            data = parse_article(read_file(path), max_bytes=settings.ARTICLE_FILE_MAX_BYTES)
            if data.article_id in seen:
                raise FrontMatterError(
                    f"duplicate article_id {data.article_id}: also in {seen[data.article_id]}"
                )
            seen[data.article_id] = path
            outcome = save_article(data, origin=str(path), dry_run=dry_run, force=force)
        except (FrontMatterError, OSError) as exc:
            result.fail(path, str(exc))
            outcome = FAILED
        else:
            result.counts[outcome] += 1
        if on_result:
            on_result(path, outcome)
    if result.counts[CREATED] or result.counts[UPDATED]:
        invalidate_public_pages()
    return result


def read_file(path):
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise FrontMatterError("is a directory") from None
    except FileNotFoundError:
        raise FrontMatterError("no such file") from None


def article_values(data):
    """The model field values an article file sets, with its body sanitized."""
    return {
        "title": data.title,
        "slug": data.slug,
        "date": data.date,
        "status": Status.DRAFT if data.draft else Status.PUBLISHED,
        "summary": data.summary,
        "description": data.description,
        "body": sanitize_html(data.body),
        "source_link": data.source_link,
        "enclosure": data.enclosure,
        "feed_item_id": data.feed_item_id,
        "qrcode": data.qrcode,
    }


def save_article(data, *, origin, dry_run=False, force=False):
    """Create or update the article from `data`; return the outcome.

    An article an editor changed since its last import is a conflict and stays as the editor left
    it, unless `force`.
    """
    with transaction.atomic():
        values = article_values(data)
        article = (
            Article.objects.select_related("source").filter(article_id=data.article_id).first()
        )
        if article is None:
            if not dry_run:
                article = Article(article_id=data.article_id, **values)
                article.source = get_source(data.source)
                stamp_provenance(article, data, origin)
                article.import_fingerprint = article_fingerprint(article, data.tags)
                article.save(force_insert=True)
                article.tags.set(data.tags)
            return CREATED
        changed = [name for name, value in values.items() if getattr(article, name) != value]
        source_changed = (article.source.name if article.source else "") != data.source
        current_tags = set(article.tags.names())
        tags_changed = current_tags != set(data.tags)
        if not (changed or source_changed or tags_changed):
            return UNCHANGED
        if not force and edited_since_import(article, current_tags):
            return CONFLICT
        if not dry_run:
            for name in changed:
                setattr(article, name, values[name])
            if source_changed:
                article.source = get_source(data.source)
            stamp_provenance(article, data, origin)
            article.import_fingerprint = article_fingerprint(article, data.tags)
            article.save()
            if tags_changed:
                article.tags.set(data.tags)
        return UPDATED


def stamp_provenance(article, data, origin):
    article.origin = origin
    article.content_hash = data.content_hash
    article.imported_at = timezone.now()


def get_source(name):
    """The source called `name`, created on first sight; None for no name."""
    if not name:
        return None
    source = Source.objects.filter(name=name).first()
    if source is None:
        source = Source.objects.create(name=name, slug=Source.unique_slug(name))
    return source
