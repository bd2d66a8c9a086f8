"""Every receiver, wired here: what follows a change to the content, or a login.

- The public page cache follows the content (articles, sources, tags and the links between them).
- Renditions follow the header image and its crop on every save and delete, whoever makes it.
- The search index is put back after every `migrate` (see articles.public.search).
- The login throttle counts failures and forgets them on success.

Bulk writes (bulk_create, QuerySet.update) send no signals: their callers do what is needed.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from taggit.models import Tag

from articles.images import renditions
from articles.models import Article, Source, TaggedArticle
from articles.public.search import install_search_index
from articles.serving import throttle
from articles.serving.cache import invalidate_public_pages


def content_changed(sender, **kwargs):
    invalidate_public_pages()


def tags_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        invalidate_public_pages()


# What public pages show: articles, their sources, tags and the links between them.
for model in (Article, Source, Tag, TaggedArticle):
    post_save.connect(content_changed, sender=model, dispatch_uid=f"public-pages-save-{model}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"public-pages-del-{model}")
m2m_changed.connect(tags_changed, sender=TaggedArticle, dispatch_uid="public-pages-tags")


def refresh_renditions(article):
    """Bring the article's renditions in line with its image and crop; remove outdated files.

    Does nothing when they already match. The new manifest is written with `update()`, which
    sends no signal, so this drops the public pages itself.
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
    invalidate_public_pages()


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
