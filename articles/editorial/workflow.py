"""Editors' bulk changes: publish, unpublish, (un)feature, tag. Each is kept as a revision."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from taggit.models import Tag

from articles import revisions
from articles.models import Article, Status, TaggedArticle
from articles.sanitize import clean_tags
from articles.serving.cache import invalidate_public_pages
from articles.versions import NEXT_VERSION


@dataclass
class Outcome:
    changed: list = field(default_factory=list)
    refused: list = field(default_factory=list)


def selected(queryset) -> QuerySet[Article]:
    """The articles of `queryset` (a changelist's, with its joins and prefetches), plainly."""
    return Article.objects.filter(pk__in=queryset.values("pk"))


def set_status(queryset, status, *, user=None) -> Outcome:
    """Give every article of `queryset` `status`; publishing refuses those lacking alt text."""
    with transaction.atomic():
        targets = selected(queryset).exclude(status=status)
        outcome = Outcome()
        if status == Status.PUBLISHED:
            outcome.refused = list(targets.missing_alt_text().only("pk", "title"))
            targets = targets.exclude(pk__in=[a.pk for a in outcome.refused])
        outcome.changed = list(targets.only("pk", "title", "status", "date"))
        write(outcome.changed, "status", status, user=user)
    return outcome


def set_featured(queryset, featured, *, user=None):
    """Put every article of `queryset` on top of the home page (`featured`), or take it off."""
    with transaction.atomic():
        changed = list(
            selected(queryset).exclude(featured=featured).only("pk", "title", "featured")
        )
        # Where an article stands on the home page is no change to the article: no "Updated".
        write(changed, "featured", featured, user=user, touch=False)
    return changed


def write(articles, name, value, *, user=None, touch=True):
    """Set the field `name` to `value` on `articles` in one UPDATE, each kept as a revision.

    `touch` also moves their `updated_at` (what feeds, sitemaps and "Updated" lines read).
    """
    values = {name: value, "version": NEXT_VERSION}
    if touch:
        values["updated_at"] = timezone.now()
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(**values)
    revisions.record_many(
        ((a, {name: [getattr(a, name), value]}) for a in articles),
        user=user,
        origin=revisions.Origin.ADMIN,
    )
    for article in articles:
        setattr(article, name, value)
    invalidate_public_pages()


def add_tag(queryset, name, *, user=None):
    """Tag every article of `queryset` with `name` (an existing tag of that name, any case)."""
    names = clean_tags([name])  # the one rule for a tag's name; ValueError if over-long
    if not names:
        raise ValueError("a tag needs a name")
    name = names[0]
    with transaction.atomic():
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        articles = list(
            selected(queryset).exclude(tags=tag).only("pk", "title").prefetch_related("tags")
        )
        TaggedArticle.objects.bulk_create(
            [TaggedArticle(content_object=article, tag=tag) for article in articles]
        )
        Article.objects.filter(pk__in=[a.pk for a in articles]).update(
            updated_at=timezone.now(), version=NEXT_VERSION
        )
        changes = []
        for article in articles:
            old = sorted(t.name for t in article.tags.all())
            changes.append((article, {"tags": [old, sorted([*old, tag.name])]}))
        revisions.record_many(changes, user=user, origin=revisions.Origin.ADMIN)
        invalidate_public_pages()
    return tag, articles
