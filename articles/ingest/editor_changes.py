"""Editors win: detect whether an article was changed by hand since an importer last wrote it.

Each import stores a fingerprint of the fields editors own, as the import left them. If the
article's fingerprint differs at the next import, someone edited it in between: that import is a
conflict and leaves the article alone unless forced.
"""

import hashlib
import json

EDITOR_FIELDS = ("title", "summary", "description", "enclosure", "image", "image_alt", "status")


def fingerprint(values, tag_names):
    """A stable hash of the editor-owned `values` (a mapping by field name) and the tag names."""
    owned = {name: str(values.get(name) or "") for name in EDITOR_FIELDS}
    owned["tags"] = sorted(tag_names)
    return hashlib.sha256(json.dumps(owned, sort_keys=True).encode()).hexdigest()


def article_fingerprint(article, tag_names):
    return fingerprint({name: getattr(article, name) for name in EDITOR_FIELDS}, tag_names)


def edited_since_import(article, tag_names):
    """True when the article's editor-owned fields differ from what the last import wrote."""
    if not article.import_fingerprint:
        return False  # never imported, or imported before fingerprints: nothing to protect
    return article_fingerprint(article, tag_names) != article.import_fingerprint
