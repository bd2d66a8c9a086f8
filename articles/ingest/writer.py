"""Write parsed articles to the database in batches: one transaction and a few queries a batch.

For each article the writer decides the outcome first (created, updated, unchanged, a conflict
with an editor's changes, or a failure when the row holding the `article_id`, or the one holding
its source and feed item, is another article: see `identity.py`) and only then writes, all of a
batch in bulk. A batch that trips over the database is tried once more (a concurrent import may
have just committed some of its articles: the second plan finds them), then one article at a time,
so that only an article the database refuses (a constraint, a value it cannot store) fails, and
nothing of it is kept.
"""

from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import Tag

from articles import revisions
from articles.ingest.bulk import insert_rows
from articles.ingest.editor_changes import article_fingerprint, edited_since_import
from articles.ingest.identity import feed_item_holders, refusal
from articles.ingest.loading import Incoming
from articles.ingest.runs import (
    CONFLICT,
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
)
from articles.models import Article, Revision, Source, TaggedArticle
from articles.versions import NEXT_VERSION

OVERWRITTEN = "forced over an editor's changes"
PROVENANCE_FIELDS = ["origin", "content_hash", "import_fingerprint", "imported_at", "updated_at"]


@dataclass(slots=True)
class Plan:
    item: Incoming
    outcome: str
    article: Article | None = None
    changes: dict | None = None
    overrides_editor: bool = False  # forced over an editor's changes
    reason: str | None = None  # why it failed

    @property
    def note(self):
        return self.reason or (OVERWRITTEN if self.overrides_editor else None)


class ArticleWriter:
    """Write `Incoming` articles batch by batch for one import run; editors' changes win."""

    def __init__(self, *, run=None, dry_run=False, force=False, origin=Revision.Origin.IMPORT):
        self.run = run
        self.dry_run = dry_run
        self.force = force
        self.revision_origin = origin
        self.sources = {}  # name -> Source, kept across batches of the run

    def write(self, items):
        """Write `items`; return one `(outcome, note)` per item, in the order given.

        The note says why an item failed, or that an update went over an editor's changes.
        """
        for _attempt in range(2):  # twice: a concurrent import may just have committed some
            try:
                return [(plan.outcome, plan.note) for plan in self._write(items)]
            except DatabaseError as exc:
                error = exc
        if len(items) == 1:
            return [(FAILED, f"the database refused it: {error}")]
        return [self.write([item])[0] for item in items]

    def _write(self, items):
        """Plan and write `items` in one transaction; return their plans, in the order given."""
        sources = dict(self.sources)
        # One lock order for every batch of every run: concurrent imports wait, never deadlock.
        ordered = sorted(items, key=lambda item: item.article_id)
        try:
            with transaction.atomic():
                plans = self._plan(ordered)
                if not self.dry_run:
                    self._apply(plans)
        except DatabaseError:
            self.sources = sources  # what the failed transaction created is gone
            raise
        by_item = {id(plan.item): plan for plan in plans}
        return [by_item[id(item)] for item in items]

    def _plan(self, items):
        ids = [item.article_id for item in items]
        existing = {
            article.article_id: article
            for article in Article.objects.filter(article_id__in=ids)
            .select_related("source")
            .prefetch_related("tags")
        }
        holders = feed_item_holders(items)
        plans = []
        for item in items:
            article = existing.get(item.article_id)
            # Not even --force: it is about editors' changes, never about whose article this is.
            if reason := refusal(item, article, holders):
                plans.append(Plan(item, FAILED, reason=reason))
                continue
            if article is None:
                plans.append(Plan(item, CREATED))
                continue
            tag_names = [tag.name for tag in article.tags.all()]
            changes = article_changes(article, tag_names, item)
            edited = bool(changes) and edited_since_import(article, tag_names)
            if not changes:
                outcome = UNCHANGED
            elif edited and not self.force:
                outcome = CONFLICT
            else:
                outcome = UPDATED
            plans.append(Plan(item, outcome, article, changes, overrides_editor=edited))
        return plans

    def _apply(self, plans):
        now = timezone.now()
        creates = [plan for plan in plans if plan.outcome == CREATED]
        updates = [plan for plan in plans if plan.outcome == UPDATED]
        self._resolve_sources({plan.item.source for plan in creates + updates})
        tag_ids = self._resolve_tags({tag for plan in creates + updates for tag in plan.item.tags})
        pks = self._create(creates, now)
        self._update(updates, now)
        retag = [(pks[plan.item.article_id], plan.item.tags) for plan in creates]
        retag += [(plan.article.pk, plan.item.tags) for plan in updates if "tags" in plan.changes]
        set_tags(retag, tag_ids, replace=any("tags" in plan.changes for plan in updates))
        revisions.record_many(
            [(plan.article, plan.changes) for plan in updates],
            origin=self.revision_origin,
            import_run=self.run,
        )

    def _create(self, plans, now):
        """Insert the new articles; return their primary keys by article_id."""
        if not plans:
            return {}
        rows = []
        for plan in plans:
            item = plan.item
            source = self.sources.get(item.source)
            rows.append(
                {
                    **item.values,
                    "article_id": item.article_id,
                    "source_id": source.pk if source else None,
                    "import_fingerprint": item.fingerprint,
                    "origin": item.origin,
                    "content_hash": item.content_hash,
                }
            )
        insert_rows(
            Article, rows, common={"imported_at": now, "created_at": now, "updated_at": now}
        )
        ids = [plan.item.article_id for plan in plans]
        return dict(Article.objects.filter(article_id__in=ids).values_list("article_id", "pk"))

    def _update(self, plans, now):
        if not plans:
            return
        fields = set(PROVENANCE_FIELDS)
        for plan in plans:
            article, item = plan.article, plan.item
            for name in plan.changes.keys() & item.values.keys():
                setattr(article, name, item.values[name])
                fields.add(name)
            if "source" in plan.changes:
                article.source = self.sources.get(item.source)
                fields.add("source")
            article.origin = item.origin
            article.content_hash = item.content_hash
            article.imported_at = article.updated_at = now
            article.import_fingerprint = article_fingerprint(article, item.tags)
            article.version = NEXT_VERSION  # an editor's form opened before this is stale
        Article.objects.bulk_update([plan.article for plan in plans], [*sorted(fields), "version"])

    def _resolve_sources(self, names):
        """Fill `self.sources` for `names`, creating the sources seen for the first time."""
        wanted = names - self.sources.keys() - {""}
        if not wanted:
            return
        self.sources.update(
            (source.name, source) for source in Source.objects.filter(name__in=wanted)
        )
        for name in sorted(wanted - self.sources.keys()):
            self.sources[name], _ = Source.objects.get_or_create(
                name=name, defaults={"slug": Source.unique_slug(name)}
            )

    def _resolve_tags(self, names):
        """Tag ids by name, any case ("Energy" is "energy"), creating the missing tags in bulk."""
        if not names:
            return {}
        ids = self._tag_ids_by_key({name.lower() for name in names})
        missing = {}
        for name in sorted(names):  # one new tag per spelling group, its first spelling
            if name.lower() not in ids:
                missing.setdefault(name.lower(), name)
        if missing:
            Tag.objects.bulk_create(
                [Tag(name=name, slug=Tag().slugify(name)) for name in missing.values()],
                ignore_conflicts=True,
            )
            ids.update(self._tag_ids_by_key(set(missing)))
            for key, name in sorted(missing.items()):
                if key not in ids:
                    # Its slug is taken by another name: taggit numbers it.
                    ids[key] = Tag.objects.get_or_create(name=name)[0].pk
        return {name: ids[name.lower()] for name in names}

    @staticmethod
    def _tag_ids_by_key(keys):
        tags = Tag.objects.annotate(key=Lower("name")).filter(key__in=keys)
        return dict(tags.values_list("key", "pk"))


def set_tags(tagging, tag_ids, *, replace):
    """Give each article of the `(pk, tag names)` pairs exactly those tags, in bulk."""
    if not tagging:
        return
    if replace:
        TaggedArticle.objects.filter(content_object__in=[pk for pk, _ in tagging]).delete()
    insert_rows(
        TaggedArticle,
        [
            {"content_object_id": pk, "tag_id": tag_id}
            for pk, names in tagging
            # Two spellings of one tag ("Energy", "energy") tag the article once.
            for tag_id in dict.fromkeys(tag_ids[name] for name in names)
        ],
    )


def article_changes(article, tag_names, item):
    """`{field: [old, new]}` for each field the import would change, as JSON values."""
    changes = {
        name: [revisions.json_value(getattr(article, name)), revisions.json_value(value)]
        for name, value in item.values.items()
        if getattr(article, name) != value
    }
    old_source = article.source.name if article.source else ""
    if old_source != item.source:
        changes["source"] = [old_source, item.source]
    if set(tag_names) != set(item.tags):
        changes["tags"] = [sorted(tag_names), sorted(item.tags)]
    return changes
