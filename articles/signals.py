"""Receivers: the public page cache follows the content; the login throttle counts failures."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from articles import throttle
from articles.cache import invalidate_public_pages
from articles.models import Article, Source, TaggedArticle


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


def login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        throttle.record_failure(credentials.get("username", ""), throttle.client_address(request))


def logged_in(sender, request, user, **kwargs):
    throttle.clear_failures(user.get_username())


user_login_failed.connect(login_failed, dispatch_uid="throttle-login-failed")
user_logged_in.connect(logged_in, dispatch_uid="throttle-logged-in")
