"""Download imported header images (enclosures) into media storage, cleaned by Pillow.

The download happens outside any transaction; the article row is then locked, checked to still
want that image, and saved. A failure is written to `Article.enclosure_error` and the run goes on.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from articles.images.verify import ImageError, clean_image
from articles.ingest.editor_changes import article_fingerprint, edited_since_import
from articles.ingest.fetch import FetchError, fetch
from articles.models import Article

logger = logging.getLogger(__name__)

IMAGE_ACCEPT = "image/jpeg, image/png, image/webp, image/gif;q=0.8"
FETCHED = "fetched"
FAILED = "failed"
SKIPPED = "skipped"  # the article changed while its image downloaded


class EnclosureError(Exception):
    """The enclosure could not become the article's header image; the message says why."""


@dataclass
class EnclosureResult:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (article_id, reason)


def pending(source=None, *, retry_failed=False) -> QuerySet[Article]:
    """Articles with an enclosure URL and no stored image yet, newest first."""
    articles = Article.objects.exclude(enclosure="").filter(image="")
    if not retry_failed:
        articles = articles.filter(enclosure_error="")
    if source is not None:
        articles = articles.filter(source=source)
    return articles.order_by("-date", "-article_id").only("pk", "article_id", "enclosure")


def fetch_enclosures(articles, *, on_result=None) -> EnclosureResult:
    """Fetch the header image of each article; one failure never stops the others."""
    result = EnclosureResult()
    for article in articles:
        try:
            outcome = fetch_enclosure(article)
        except EnclosureError as exc:
            result.failures.append((article.article_id, str(exc)))
            outcome = FAILED
        result.counts[outcome] += 1
        if on_result:
            on_result(article, outcome)
    return result


def fetch_enclosure(article):
    """Download, clean and store `article`'s enclosure; raise `EnclosureError` after noting why."""
    url = article.enclosure
    try:
        image = download_image(url)
    except EnclosureError as exc:
        Article.objects.filter(pk=article.pk, enclosure=url).update(enclosure_error=str(exc))
        raise
    with transaction.atomic():
        current = Article.objects.select_for_update().filter(pk=article.pk).first()
        if current is None or current.enclosure != url or current.image:
            return SKIPPED
        tags = set(current.tags.names())
        pristine = not edited_since_import(current, tags)
        name = f"{current.article_id}-{current.slug[:60]}.{image.extension}"
        current.image.save(name, ContentFile(image.data), save=False)
        current.enclosure_error = ""
        if pristine:
            # The importer, not an editor, set this image: later polls may still update.
            current.import_fingerprint = article_fingerprint(current, tags)
        current.save(update_fields=["image", "enclosure_error", "import_fingerprint", "updated_at"])
    return FETCHED


def download_image(url):
    """The image at `url`, verified and re-encoded by `clean_image`; `EnclosureError` if not."""
    try:
        fetched = fetch(url, accept=IMAGE_ACCEPT, max_bytes=settings.IMAGE_UPLOAD_MAX_BYTES)
    except FetchError as exc:
        raise EnclosureError(f"download failed: {exc}") from None
    if not fetched.content_type.startswith("image/"):
        served_as = fetched.content_type or "no content type"
        raise EnclosureError(f"not an image: the server sent {served_as}")
    try:
        return clean_image(fetched.content)
    except ImageError as exc:
        raise EnclosureError(str(exc)) from None
