"""Every receiver, wired here: what follows a change to the content, or a login.

- The public page cache follows the content (articles, sources, tags and the links between them):
  an article's change drops the pages it shows in (articles.serving.page_groups decides which),
  a source's or tag's change drops them all.
- Renditions follow the header image and its crop on every save and delete, whoever makes it.
- The search index is put back after every `migrate` (see articles.public.search).
- The login throttle counts failures and forgets them on success.

Bulk writes (bulk_create, QuerySet.update) send no signals: their callers do what is needed.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from taggit.models import Tag

from articles.images import renditions
from articles.models import Article, Source, TaggedArticle
from articles.public.search import install_search_index
from articles.serving import page_groups, throttle
from articles.serving.cache import invalidate_page_groups, invalidate_public_pages
from articles.serving.page_groups import ArticleState


def content_changed(sender, created=False, **kwargs):
    # A new source or tag shows nowhere until an article has it (that change refreshes its pages).
    if not created:
        invalidate_public_pages()


def tags_changed(sender, action, reverse, **kwargs):
    # An article's own taggings send post_save/post_delete (below); a tag's side drops all.
    if action.startswith("post_") and reverse:
        invalidate_public_pages()


def article_about_to_save(sender, instance, raw=False, **kwargs):
    """Remember where the article showed before this save, for article_changed."""
    instance._state_before_save = (
        None if raw or instance.pk is None else ArticleState.stored(instance.pk)
    )


def article_changed(sender, instance, raw=False, **kwargs):
    if raw:
        invalidate_public_pages()
        return
    before = getattr(instance, "_state_before_save", None)
    invalidate_article_pages(instance, before=before)


def article_deleted_from_pages(sender, instance, **kwargs):
    invalidate_public_pages()  # other pages link to it


def tagging_changed(sender, instance, raw=False, **kwargs):
    """A tag given or taken: the article's pages and the tag's."""
    state = None if raw else ArticleState.stored(instance.content_object_id)
    tag = Tag.objects.filter(pk=instance.tag_id).values_list("slug", flat=True).first()
    if state is None or tag is None:  # the article or tag is being deleted
        invalidate_public_pages()
        return
    invalidate_page_groups(page_groups.article_change(state, state, [tag]))


def invalidate_article_pages(article, *, before=None):
    """Drop the pages `article` shows in now, and those it showed in `before` (an ArticleState)."""
    source_slug = article.source.slug if article.source_id else None
    after = ArticleState.of(article, source_slug)
    tags = article.tags.values_list("slug", flat=True)
    invalidate_page_groups(page_groups.article_change(before, after, tags))


# What public pages show: articles, their sources, tags and the links between them.
for model in (Source, Tag):
    post_save.connect(content_changed, sender=model, dispatch_uid=f"public-pages-save-{model}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"public-pages-del-{model}")
pre_save.connect(article_about_to_save, sender=Article, dispatch_uid="public-pages-article-pre")
post_save.connect(article_changed, sender=Article, dispatch_uid="public-pages-article-save")
post_delete.connect(
    article_deleted_from_pages, sender=Article, dispatch_uid="public-pages-article-del"
)
post_save.connect(tagging_changed, sender=TaggedArticle, dispatch_uid="public-pages-tagging")
post_delete.connect(tagging_changed, sender=TaggedArticle, dispatch_uid="public-pages-untag")
m2m_changed.connect(tags_changed, sender=TaggedArticle, dispatch_uid="public-pages-tags")


def refresh_renditions(article):
    """Bring the article's renditions in line with its image and crop; remove outdated files.

    Does nothing when they already match. The new manifest is written with `update()`, which
    sends no signal, so this drops the article's public pages itself.
    """
    name = article.image.name if article.image else ""
    remade = renditions.remake(article.image_renditions, name, article.image_crop)
    if remade is None:
        return
    transaction.on_commit(lambda: renditions.delete(remade.obsolete))
    article.image_renditions, article.image_crop = remade.manifest, remade.crop
    Article.objects.filter(pk=article.pk).update(
        image_renditions=remade.manifest, image_crop=remade.crop
    )
    invalidate_article_pages(article)


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_renditions(instance)


def article_deleted(sender, instance, **kwargs):
    name = instance.image.name if instance.image else ""
    obsolete = renditions.files_of(instance.image_renditions, name)
    transaction.on_commit(lambda: renditions.delete(obsolete))


post_save.connect(article_saved, sender=Article, dispatch_uid="renditions-follow-image")
post_delete.connect(article_deleted, sender=Article, dispatch_uid="renditions-removed")


def migrated(sender, app_config, using, **kwargs):
    if app_config.label == Article._meta.app_label:
        install_search_index(using)


post_migrate.connect(migrated, dispatch_uid="search-index")


def login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        throttle.record_failure(credentials.get("username", ""), throttle.client_address(request))


def logged_in(sender, request, user, **kwargs):
    throttle.clear_failures(user.get_username())


user_login_failed.connect(login_failed, dispatch_uid="throttle-login-failed")
user_logged_in.connect(logged_in, dispatch_uid="throttle-logged-in")
