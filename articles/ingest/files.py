"""Import article files: parse on every core, write in batches, skip what was imported before.

A file whose exact bytes were imported before (its SHA-256 is some article's `content_hash`) is
unchanged and never parsed. The others are parsed, in worker processes for large runs, and written
by `ArticleWriter` a batch per transaction: a killed run leaves whole batches, a bad file fails
alone, and an article an editor changed since its last import is a conflict unless forced.
"""

import multiprocessing
import os
from collections import deque

from django.conf import settings

from articles.ingest.identity import describe_feed_item, feed_item_key
from articles.ingest.loading import (
    ARTICLE_SUFFIXES,
    Failed,
    Incoming,
    Known,
    Raw,
    Reader,
    find_article_files,
    parse_raw,
)
from articles.ingest.runs import (
    CONFLICT,
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
    ImportResult,
    finish_run,
    save_counts,
    start_run,
)
from articles.ingest.writer import ArticleWriter
from articles.models import Article, ImportRun
from articles.serving.cache import invalidate_public_pages

__all__ = [
    "ARTICLE_SUFFIXES",
    "CONFLICT",
    "CREATED",
    "FAILED",
    "UNCHANGED",
    "UPDATED",
    "ImportResult",
    "find_article_files",
    "import_paths",
]

BATCH_SIZE = 500
# Below this many files a worker pool costs more to start than it saves.
POOL_THRESHOLD = 400
# Files go to the workers in chunks; at most this many chunks wait for the writer.
POOL_CHUNK = 250
POOL_CHUNKS_AHEAD = 8


def import_paths(
    paths,
    *,
    dry_run=False,
    force=False,
    max_bytes=None,
    workers=None,
    on_found=None,
    on_result=None,
) -> ImportResult:
    """Import every article file under `paths`; one bad file never stops the others.

    Record the run as an `ImportRun` (on `result.run`); call `on_found(count)` once the files are
    listed and `on_result(path, outcome)` as each is done. With `force`, files imported before
    are read again too, so the files win over editors.
    """
    max_bytes = settings.ARTICLE_FILE_MAX_BYTES if max_bytes is None else max_bytes
    result = ImportResult()
    result.run = run = start_run(ImportRun.Kind.FILES, paths, dry_run=dry_run, forced=force)
    try:
        candidates = list(find_article_files(paths))
        if on_found:
            on_found(len(candidates))
        reader = Reader({} if force else known_hashes(), max_bytes)
        writer = ArticleWriter(run=run, dry_run=dry_run, force=force)
        importer = _FileImport(result, writer, on_result)
        for loaded in load_all(candidates, reader, workers):
            importer.take(loaded)
        importer.flush()
    except BaseException as exc:
        finish_run(run, result, error=f"stopped by {type(exc).__name__}: {exc}")
        raise
    finally:
        if not dry_run and (result.counts[CREATED] or result.counts[UPDATED]):
            invalidate_public_pages()  # bulk writes send no signals
    finish_run(run, result)
    return result


def known_hashes():
    """`{content_hash: article_id}` of every imported article: what needs no parsing again."""
    return dict(Article.objects.exclude(content_hash="").values_list("content_hash", "article_id"))


def load_all(candidates, reader, workers=None):
    """Yield `Known`, `Failed` or `Incoming` for each candidate.

    Files are read and hashed here; those to parse go to `workers` processes a chunk at a time,
    with a bounded number of chunks ahead of the consumer, so memory stays flat however large the
    run, and parsed chunks are handed on as soon as they are ready.
    """
    workers = default_workers() if workers is None else workers
    if workers < 2 or len(candidates) < POOL_THRESHOLD:
        for candidate in candidates:
            loaded = reader(candidate)
            yield parse_raw(loaded) if isinstance(loaded, Raw) else loaded
        return
    # fork: workers start in milliseconds with Django already set up.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending, chunk = deque(), []
        for candidate in candidates:
            loaded = reader(candidate)
            if not isinstance(loaded, Raw):
                yield loaded
                continue
            chunk.append(loaded)
            if len(chunk) == POOL_CHUNK:
                pending.append(pool.map_async(parse_raw, chunk, chunksize=50))
                chunk = []
            while pending and (pending[0].ready() or len(pending) > POOL_CHUNKS_AHEAD):
                yield from pending.popleft().get()
        if chunk:
            pending.append(pool.map_async(parse_raw, chunk, chunksize=50))
        while pending:
            yield from pending.popleft().get()


def default_workers():
    return min(2, os.cpu_count() or 1)


class _FileImport:
    """Sort loaded files into outcomes and batches; remember which file had which id."""

    def __init__(self, result, writer, on_result=None):
        self.result = result
        self.writer = writer
        self.on_result = on_result
        self.seen = {}  # article_id -> first path that had it
        # source -> {feed_item_id: article_id of the first file with it}; nested rather than
        # keyed by pairs, so that a run of 100,000 files keeps one copy of each source's name.
        self.feed_items = {}
        self.batch = []

    def take(self, loaded):
        if isinstance(loaded, Failed):
            return self.done(loaded.path, FAILED, loaded.reason)
        path = loaded.origin if isinstance(loaded, Incoming) else loaded.path
        if reason := self.claim(loaded, path):
            return self.done(path, FAILED, reason)
        if isinstance(loaded, Known):
            return self.done(path, UNCHANGED)
        self.batch.append(loaded)
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def claim(self, loaded, path):
        """Make `path` the run's file for its article_id and feed item, or say who has one."""
        if loaded.article_id in self.seen:
            return (
                f"duplicate article_id {loaded.article_id}: also in {self.seen[loaded.article_id]}"
            )
        # A Known file's feed item is its article's: the writer finds it in the database.
        key = feed_item_key(loaded) if isinstance(loaded, Incoming) else None
        if key is not None:
            source, feed_item_id = key
            taken = self.feed_items.setdefault(source, {})
            if (article_id := taken.get(feed_item_id)) is not None:
                return (
                    f"duplicate feed item ({describe_feed_item(*key)}): "
                    f"also in {self.seen[article_id]} as article_id {article_id}"
                )
            taken[feed_item_id] = loaded.article_id
        self.seen[loaded.article_id] = path
        return None

    def flush(self):
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        for item, (outcome, note) in zip(batch, self.writer.write(batch), strict=True):
            if outcome == UPDATED and note:
                self.result.overwritten.append(item.origin)
            if item.removed and outcome in {CREATED, UPDATED}:
                self.result.sanitized.append((item.origin, item.removed))
            self.done(item.origin, outcome, note)
        if not self.writer.dry_run:
            save_counts(self.writer.run, self.result.counts)

    def done(self, path, outcome, reason=None):
        if outcome == FAILED:
            self.result.fail(path, reason)
        else:
            self.result.add(outcome)
        if self.on_result:
            self.on_result(path, outcome)
