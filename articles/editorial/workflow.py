"""Editors' bulk changes: publish, unpublish, tag. Each change is kept as a revision."""

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
        Article.objects.filter(pk__in=[a.pk for a in outcome.changed]).update(
            status=status, updated_at=timezone.now(), version=NEXT_VERSION
        )
        revisions.record_many(
            ((a, {"status": [a.status, status]}) for a in outcome.changed),
            user=user,
            origin=revisions.Origin.ADMIN,
        )
        for article in outcome.changed:
            article.status = status
        invalidate_public_pages()
    return outcome


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
