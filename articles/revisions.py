"""Article history: every change by an editor or an import, kept as a revision.

Callers take a `snapshot()` before and after they change an article and `record()` the `diff()`;
importers that write many articles at once use `record_many()`. Editors can `restore()` the
summary, description, body or image crop a revision shows.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article, Revision
from articles.sanitize import sanitize_html

TRACKED_FIELDS = (
    "title",
    "slug",
    "date",
    "status",
    "featured",
    "summary",
    "description",
    "body",
    "enclosure",
    "image",
    "image_crop",
    "image_alt",
    "image_caption",
    "source",
    "source_link",
    "feed_item_id",
    "qrcode",
    "article_id",
    "tags",
)
RESTORABLE_FIELDS = ("summary", "description", "body", "image_crop")

Origin = Revision.Origin


def json_value(value):
    """`value` as it is kept in a revision: JSON, readable by a person."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):  # the image crop: its edges keep their names
        return {key: json_value(v) for key, v in value.items()}
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()  # what forms show and editors see
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(json_value(v) for v in value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return str(value)


def snapshot(article, fields=TRACKED_FIELDS):
    """The article's current values of `fields` (tags as sorted names), ready for `diff()`."""
    values = {}
    for name in fields:
        if name == "tags":
            values[name] = sorted(article.tags.names()) if article.pk else []
        elif name == "source":
            values[name] = article.source.name if article.source_id else ""
        else:
            values[name] = json_value(getattr(article, name))
    return values


def diff(old, new) -> dict:
    """`{field: [old, new]}` for each field whose value differs between the two mappings."""
    changes = {}
    for name, value in new.items():
        before, after = json_value(old.get(name)), json_value(value)
        if before != after and not (is_empty(before) and is_empty(after)):
            changes[name] = [before, after]
    return changes


def is_empty(value):
    return value is None or value == "" or value == []


def record(article, changes, *, user=None, origin=Origin.ADMIN, import_run=None) -> Revision | None:
    """Keep `changes` (`{field: [old, new]}`) to `article` as a revision; None when empty."""
    if not changes:
        return None
    return Revision.objects.create(
        article=article,
        changes=changes,
        user=user if user and user.is_authenticated else None,
        origin=origin,
        import_run=import_run,
    )


def record_many(
    changes_by_article, *, user=None, origin=Origin.IMPORT, import_run=None
) -> list[Revision]:
    """Keep one revision per `(article, changes)` pair in one query, skipping empty changes."""
    revisions = [
        Revision(
            article=article,
            changes=changes,
            user=user if user and user.is_authenticated else None,
            origin=origin,
            import_run=import_run,
        )
        for article, changes in changes_by_article
        if changes
    ]
    return Revision.objects.bulk_create(revisions)


class RestoreError(ValueError):
    """The revision has no restorable value for that field."""


UNKNOWN = object()


def restore(revision, field, *, side="old", user=None, expected=UNKNOWN) -> Revision | None:
    """Set `field` of the revision's article back to its value before (`old`) or after (`new`)
    that revision, and keep the restore as a revision itself; None when nothing changes.

    `expected` is the field's value (as `snapshot()` gives it) on the form the editor restores
    from: when someone changed the field since, the restore is refused, not written over it.
    """
    value = restorable_value(revision, field, side=side)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        before = getattr(article, field)
        if expected is not UNKNOWN and json_value(before) != expected:
            raise RestoreError(
                f"Someone changed the {field} since you opened the form: "
                "reload to see it before restoring."
            )
        if field == "image_crop":
            value = restorable_crop(article, value)
        if before == value:
            return None
        setattr(article, field, value)
        # For the crop, saving makes the renditions anew (articles.images.renditions.refresh).
        article.save(update_fields=[field, "updated_at"])
        return record(article, {field: [before, value]}, user=user, origin=Origin.RESTORE)


def restorable_value(revision, field, *, side="old"):
    """The value of `field` before (`old`) or after (`new`) the revision, as it would be stored."""
    if field not in RESTORABLE_FIELDS:
        raise RestoreError(
            f"The {field} cannot be restored: only the summary, description, body and crop can."
        )
    if field not in revision.changes:
        raise RestoreError(f"Revision {revision.pk} did not change the {field}.")
    value = revision.changes[field][0 if side == "old" else 1]
    if field != "image_crop":
        value = value or ""
    if field == "body":
        value = sanitize_html(value)
    return value


def restorable_crop(article, crop):
    """`crop` as the article would store it, or `RestoreError` when it does not fit its image."""
    article.image_crop = crop
    try:
        article.clean_image_crop()
    except ValidationError as exc:
        reasons = " ".join(exc.message_dict["image_crop"])
        raise RestoreError(f"That crop cannot be restored: {reasons}") from None
    return article.image_crop


def history(article, limit=50) -> list[Revision]:
    """The article's latest revisions, newest first, with who made them."""
    return list(article.revisions.select_related("user", "import_run")[:limit])
