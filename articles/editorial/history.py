"""An article's one history: its revisions, read as an editor reads changes.

Every change (an editor's save or bulk action, a restore, a file import, a feed poll) is a
`Revision` (see articles/revisions.py). Both the form's History and the admin's history page show
them through `changes()`: text as a word diff with the full values at hand, tags as added and
removed, anything else as before → after. Nothing is cut short.
"""

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.formats import date_format

from articles.images import crops
from articles.models import Article

TEXT_FIELDS = {"title", "summary", "description", "body", "image_alt", "image_caption"}
# A word diff of two texts this many tokens long or longer compares lines instead: difflib's
# matcher grows with the square of the length.
MAX_DIFF_TOKENS = 6_000
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
PER_PAGE = 50


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    kind: str  # "text", "tags" or "value"
    old: object
    new: object
    diff: tuple = ()  # ("equal" | "delete" | "insert", text) pieces, for text
    added: tuple = ()  # for tags
    removed: tuple = ()


@dataclass
class Entry:
    revision: object
    changes: list = field(default_factory=list)

    @property
    def origin(self):
        return self.revision.get_origin_display()


def label(name):
    """The field's name as the form labels it: `image_alt` reads "alt text"."""
    try:
        return str(Article._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def shown(name, value):
    """A value a revision kept, as an editor reads it: the crop in words, empty said so."""
    if name == "image_crop":
        return crops.describe(value)
    if name == "date" and isinstance(value, str):
        return newsroom_time(value)
    if value is None or value == "" or value == []:
        return "(empty)"
    return value


def newsroom_time(value):
    """A time a revision kept in UTC (ISO 8601), in the newsroom's zone with the zone named."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return date_format(timezone.localtime(moment), "Y-m-d H:i T")


def change(name, old, new):
    """One field's change, ready to show."""
    if name == "tags":
        old, new = set(old or ()), set(new or ())
        return Change(
            name, label(name), "tags", old, new, added=sorted(new - old), removed=sorted(old - new)
        )
    if name in TEXT_FIELDS and isinstance(old, str | None) and isinstance(new, str | None):
        old, new = old or "", new or ""
        return Change(name, label(name), "text", old, new, diff=tuple(word_diff(old, new)))
    return Change(name, label(name), "value", shown(name, old), shown(name, new))


def changes(revision):
    """The revision's changes in the order it kept them."""
    return [change(name, *values) for name, values in revision.changes.items()]


def word_diff(old, new):
    """`(op, text)` pieces that turn `old` into `new`, word by word (line by line when long)."""
    old_tokens, new_tokens = TOKENS.findall(old), TOKENS.findall(new)
    if len(old_tokens) + len(new_tokens) >= MAX_DIFF_TOKENS:
        old_tokens, new_tokens = old.splitlines(True), new.splitlines(True)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield ("equal", "".join(old_tokens[i1:i2]))
            continue
        if i2 > i1:
            yield ("delete", "".join(old_tokens[i1:i2]))
        if j2 > j1:
            yield ("insert", "".join(new_tokens[j1:j2]))


def entries(revisions):
    """Each revision with its changes read."""
    return [Entry(revision, changes(revision)) for revision in revisions]


def page(article, number):
    """One page of the article's whole history, newest first, with who and which import run."""
    revisions = article.revisions.select_related("user", "import_run", "import_run__source")
    result = Paginator(revisions, PER_PAGE).get_page(number)
    result.entries = entries(result.object_list)
    return result
