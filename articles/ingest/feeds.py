"""Import partner feeds: one transaction per item, idempotent per (source, feed_item_id).

A feed item the source already gave us is compared with what its last import wrote: the same item
is unchanged and nothing is written; a changed one updates the article unless an editor changed it
since (a conflict, left as the editor made it). Each import or poll is recorded as an `ImportRun`.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from articles import revisions
from articles.ingest.editor_changes import article_fingerprint, edited_since_import
from articles.ingest.feeditems import FeedError, parse_feed
from articles.ingest.fetch import Fetched, FetchError, fetch
from articles.ingest.runs import (
    CONFLICT,
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
    ImportResult,
    finish_run,
    start_run,
)
from articles.models import Article, ImportRun, Source

logger = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
SAVE_ATTEMPTS = 3
POLL_ERROR_MAX_LENGTH = 5000


@dataclass
class FeedResult(ImportResult):
    """Outcomes per item (`failures` are the items skipped), and what befell the feed itself."""

    location: str = ""
    source: Source | None = None
    problems: list[str] = field(default_factory=list)  # about the feed; good items still count
    error: str = ""  # the feed as a whole could not be read
    not_modified: bool = False

    @property
    def ok(self):
        return not (self.error or self.failures)

    def report(self):
        """Everything that went wrong, one line each: for `Source.last_poll_error`."""
        lines = [self.error, *self.problems, *(f"{item}: {why}" for item, why in self.failures)]
        return "\n".join(line for line in lines if line)[:POLL_ERROR_MAX_LENGTH]


def is_url(location):
    return "://" in location


def sources_due(now=None) -> QuerySet[Source]:
    """Active sources with a feed whose polling interval has passed (or never polled)."""
    now = now or timezone.now()
    return (
        Source.objects.filter(is_active=True)
        .exclude(feed_url="")
        .alias(due_at=F("last_polled_at") + F("poll_interval"))
        .filter(Q(last_polled_at__isnull=True) | Q(due_at__lte=now))
    )


def poll_source(source, *, dry_run=False, started_by=None, on_result=None) -> FeedResult:
    """Fetch the source's feed conditionally and import it: an unchanged feed costs one 304."""
    return import_feed(
        source.feed_url,
        source=source,
        conditional=True,
        dry_run=dry_run,
        started_by=started_by,
        on_result=on_result,
    )


def import_feed(
    location,
    *,
    source=None,
    source_name="",
    conditional=False,
    dry_run=False,
    started_by=None,
    on_result=None,
) -> FeedResult:
    """Import the feed at `location` (an http(s) URL or a file) into `source`.

    Without a source, the one named `source_name`, else the one polling this URL, else one named
    after the feed's title is used (created if need be). Return a `FeedResult`; never raise for
    what the feed or the network did.
    """
    result = FeedResult(location=location, source=source)
    run = start_run(
        ImportRun.Kind.FEED, [location], dry_run=dry_run, source=source, started_by=started_by
    )
    fetched = None
    try:
        fetched = load_feed(location, source if conditional else None)
        if fetched.not_modified:
            result.not_modified = True
        else:
            parsed = parse_feed(fetched.content, url=fetched.url, response_headers=fetched.headers)
            result.source = source or find_source(source_name, location, parsed.title, dry_run)
            result.problems.extend(parsed.problems)
            for label, reason in parsed.failures:
                result.fail(label, reason)
            for item in parsed.items:
                outcome = save_item(item, result, run, dry_run=dry_run)
                if item.removed and outcome in {CREATED, UPDATED}:
                    result.sanitized.append((item.feed_item_id, item.removed))
                if on_result:
                    on_result(item.feed_item_id, outcome)
    except (FetchError, FeedError, OSError) as exc:
        result.error = str(exc)
    record_run(run, result)
    if not dry_run and result.source and result.source.pk:
        record_poll(result, fetched)
    # Each item is saved with save() and tags.set(): their signals drop the pages they show in.
    return result


def load_feed(location, source=None):
    """The feed's bytes from a URL (conditionally for a `source`) or a file, within the size cap."""
    if is_url(location):
        return fetch(
            location,
            etag=source.feed_etag if source else "",
            last_modified=source.feed_last_modified if source else "",
            accept=FEED_ACCEPT,
        )
    path = Path(location)
    if path.is_dir():
        raise FeedError(f"{location} is a directory, not a feed file")
    if path.stat().st_size > settings.FEED_MAX_BYTES:
        raise FeedError(f"the file is over the limit of {settings.FEED_MAX_BYTES:,} bytes")
    return Fetched(url="", status=200, content=path.read_bytes())


def find_source(name, location, feed_title, dry_run):
    """The source named `name`, else the one polling `location`, else one named after the feed."""
    source = None
    if name:
        source = Source.objects.filter(name=name).first()
    elif is_url(location):
        source = Source.objects.filter(feed_url=location).first()
    if source:
        return source
    name = name or feed_title[:200].strip()
    if not name:
        raise FeedError("the feed has no title to name its source: name one with --source")
    source = Source.objects.filter(name=name).first() or Source(
        name=name, slug=Source.unique_slug(name), feed_url=location if is_url(location) else ""
    )
    if source.pk is None and not dry_run:
        source.save()
    return source


def save_item(item, result, run, *, dry_run=False):
    """Create or update the article for one feed item; count and return the outcome."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                outcome = _save_item(item, result.source, run, dry_run)
            break
        except IntegrityError:
            # Another poller took the same article_id or created the same item: look again.
            if attempt < SAVE_ATTEMPTS:
                continue
            return _fail(result, item, "could not be saved: it kept colliding with another")
        except DatabaseError as exc:
            return _fail(result, item, f"could not be saved: {exc}")
    result.add(outcome)
    return outcome


def _fail(result, item, reason):
    logger.warning("feed item %s in %s: %s", item.feed_item_id, result.location, reason)
    result.fail(item.feed_item_id, reason)
    return FAILED


def item_values(item):
    """The article fields a feed item sets; a missing date leaves the article's date alone."""
    values = {
        "title": item.title,
        "slug": item.slug,
        "summary": item.summary,
        "body": item.body,
        "source_link": item.source_link,
        "enclosure": item.enclosure,
    }
    if item.date is not None:
        values["date"] = item.date
    return values


def _save_item(item, source, run, dry_run):
    article = None
    if source.pk is not None:
        article = (
            Article.objects.select_for_update()
            .filter(source=source, feed_item_id=item.feed_item_id)
            .first()
        )
    if article is None:
        if not dry_run:
            _create(item, source, run.paths[0])
        return CREATED
    if article.content_hash == item.content_hash:
        return UNCHANGED  # the feed says what it said last time, whatever editors did since
    values = item_values(item)
    changed = [name for name, value in values.items() if getattr(article, name) != value]
    current_tags = set(article.tags.names())
    tags_changed = current_tags != set(item.tags)
    if not (changed or tags_changed):
        return UNCHANGED
    if edited_since_import(article, current_tags):
        return CONFLICT
    if not dry_run:
        before = revisions.snapshot(article)
        for name in changed:
            setattr(article, name, values[name])
        if "enclosure" in changed:
            # The header image came from the old enclosure: fetch_enclosures gets the new one.
            article.image = ""
            article.enclosure_error = ""
        _stamp(article, item, run.paths[0])
        article.save()
        if tags_changed:
            article.tags.set(item.tags)
        changes = revisions.diff(before, revisions.snapshot(article))
        revisions.record(article, changes, origin=revisions.Origin.FEED, import_run=run)
    return UPDATED


def _create(item, source, origin):
    values = item_values(item)
    values.setdefault("date", timezone.now())
    article = Article(
        article_id=next_article_id(),
        source=source,
        feed_item_id=item.feed_item_id,
        status=source.default_status,
        **values,
    )
    _stamp(article, item, origin)
    article.save(force_insert=True)
    article.tags.set(item.tags)


def next_article_id():
    """One past the highest article_id: unique thanks to the constraint and a retry on collision."""
    return (Article.objects.aggregate(highest=Max("article_id"))["highest"] or 0) + 1


def _stamp(article, item, origin):
    article.origin = origin
    article.content_hash = item.content_hash
    article.imported_at = timezone.now()
    article.import_fingerprint = article_fingerprint(article, item.tags)


def record_run(run, result):
    """Finish the run's record; the feed's own problems come first among its failures."""
    run.source = result.source if result.source and result.source.pk else None
    problems = [(result.location, problem) for problem in result.problems]
    finish_run(
        run,
        ImportResult(
            counts=result.counts, failures=problems + result.failures, sanitized=result.sanitized
        ),
        error=result.error,
    )


def record_poll(result, fetched):
    """Note the poll on the source; keep the validators only of a feed that was read."""
    changes = {"last_polled_at": timezone.now(), "last_poll_error": result.report()}
    if (
        fetched
        and fetched.status == 200
        and not result.error
        and result.location == (result.source.feed_url)
    ):
        changes.update(feed_etag=fetched.etag[:500], feed_last_modified=fetched.last_modified[:100])
    Source.objects.filter(pk=result.source.pk).update(**changes)
    for name, value in changes.items():
        setattr(result.source, name, value)
