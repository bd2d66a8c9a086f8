"""Find, read and parse article files: the CPU-bound half of a file import.

Nothing here queries the database. `Reader` reads and hashes a file: `Known` (its exact bytes were
imported before), `Raw` or `Failed` (with the reason); `parse_raw()`, the costly part, turns `Raw`
into `Incoming` (field values ready to write) and can run in forked worker processes.
"""

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from articles.ingest.editor_changes import fingerprint
from articles.ingest.frontmatter import FrontMatterError, parse_article
from articles.models import Status
from articles.sanitize import removed_markup, sanitize_html

ARTICLE_SUFFIXES = frozenset({".md", ".txt"})


@dataclass(frozen=True, slots=True)
class Known:
    """A file whose exact bytes were imported before: unchanged, never parsed again."""

    path: str
    article_id: int


@dataclass(frozen=True, slots=True)
class Raw:
    """A file read but not parsed yet."""

    path: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Failed:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Incoming:
    """One article to write: where it came from, its natural key and the values to store."""

    origin: str
    article_id: int
    content_hash: str
    source: str
    tags: tuple[str, ...]
    values: dict
    fingerprint: str  # of the editor-owned values as this import would leave them
    removed: str = ""  # the markup the sanitizer took out of the body, described

    @classmethod
    def from_data(cls, origin, data):
        values = article_values(data)
        removed = removed_markup(data.body)
        return cls(
            origin=str(origin),
            article_id=data.article_id,
            content_hash=data.content_hash,
            source=data.source,
            tags=data.tags,
            values=values,
            fingerprint=fingerprint(values, data.tags),
            removed=removed.describe() if removed else "",
        )


def article_values(data):
    """The model field values an article file sets, with its body sanitized."""
    return {
        "title": data.title,
        "slug": data.slug,
        "date": data.date,
        "status": (Status.DRAFT if data.draft else Status.PUBLISHED).value,
        "summary": data.summary,
        "description": data.description,
        "body": sanitize_html(data.body).strip(),
        "source_link": data.source_link,
        "enclosure": data.enclosure,
        "feed_item_id": data.feed_item_id,
        "qrcode": data.qrcode,
    }


def find_article_files(paths):
    """Yield `(path, root)` for each article file under `paths`, in a stable order.

    A folder is searched recursively without entering symlinked folders. A symlinked file in it
    carries the folder as its root, so that it is read only if it leads to a file inside. A file
    named directly has no root: whoever named it chose it.
    """
    for path in map(str, paths):
        if not os.path.isdir(path):
            yield path, ""
            continue
        root = os.path.realpath(path)
        folders = [path]
        while folders:
            with os.scandir(folders.pop()) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    continue
                if os.path.splitext(entry.name)[1].lower() in ARTICLE_SUFFIXES:
                    yield entry.path, root if entry.is_symlink() else ""
            folders.extend(
                entry.path for entry in reversed(entries) if entry.is_dir(follow_symlinks=False)
            )


class Reader:
    """Read one `(path, root)`: `Known` if imported byte for byte before, else `Raw` or `Failed`."""

    def __init__(self, known_hashes, max_bytes):
        self.known_hashes = known_hashes  # {content_hash: article_id} of what is in the database
        self.max_bytes = max_bytes

    def __call__(self, candidate):
        path, root = candidate
        try:
            content = read_article_file(path, root=root, max_bytes=self.max_bytes)
        except FrontMatterError as exc:
            return Failed(path, str(exc))
        article_id = self.known_hashes.get(hashlib.sha256(content).hexdigest())
        if article_id is not None:
            return Known(path, article_id)
        return Raw(path, content)


def parse_raw(raw):
    """Parse and sanitize a `Raw` file into `Incoming`, or `Failed` with the reason."""
    try:
        return Incoming.from_data(raw.path, parse_article(raw.content))
    except FrontMatterError as exc:
        return Failed(raw.path, str(exc))


def read_article_file(path, *, root="", max_bytes):
    """The bytes of a regular file up to `max_bytes`; a symlink only if it leads inside `root`."""
    try:
        if root and not Path(path).resolve().is_relative_to(root):
            raise FrontMatterError(f"symlink leads outside {root}; not followed")
        # Non-blocking, so that a FIFO is refused rather than waited on.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            info = os.fstat(descriptor)
            if stat.S_ISDIR(info.st_mode):
                raise FrontMatterError("is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise FrontMatterError("is not a regular file")
            if info.st_size > max_bytes:
                raise FrontMatterError(
                    f"file is {info.st_size:,} bytes, over the limit of {max_bytes:,}"
                )
            with open(descriptor, "rb", closefd=False) as file:
                content = file.read(info.st_size + 1)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise FrontMatterError("no such file") from None
    except OSError as exc:
        raise FrontMatterError(exc.strerror or str(exc)) from None
    if len(content) != info.st_size:
        raise FrontMatterError("file changed while it was read; import it again")
    return content
