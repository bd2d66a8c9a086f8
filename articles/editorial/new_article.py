"""Writing a new article in the admin: nothing to invent, nothing that goes live by accident.

The system numbers it (the next free article_id, as feed articles get theirs), the slug comes
from the title when left empty, the date starts at now and the status at draft. "Publish" and
"Save draft" are buttons of the form, so the choice is made in the open.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.ingest.feeds import next_article_id
from articles.ingest.frontmatter import slug_for_title
from articles.models import Article, Status

ATTEMPTS = 5
PUBLISH, SAVE_DRAFT = "_publish", "_save_draft"


def initial_values():
    """What the add form starts with."""
    return {"date": timezone.now(), "status": Status.DRAFT}


def without_article_id(fieldsets):
    """The add form's fieldsets: a new article's id is the system's to give."""
    return [
        (name, {**options, "fields": [f for f in options["fields"] if f != "article_id"]})
        for name, options in fieldsets
    ]


def slug_or_title(slug, title):
    """The slug the editor typed, else one made from the title."""
    return slug or slug_for_title(title or "")


def chosen_status(post):
    """The status the pressed button asks for ("Publish" or "Save draft"), or None."""
    if PUBLISH in post:
        return Status.PUBLISHED
    if SAVE_DRAFT in post:
        return Status.DRAFT
    return None


def with_chosen_status(post):
    """A copy of the form data with the status set by the pressed button, saved and continued."""
    status = chosen_status(post)
    if status is None:
        return post
    post = post.copy()
    post["status"] = status
    post["_continue"] = "1"
    return post


def create_numbered(article):
    """Insert `article` under the next free article_id, retrying when another writer took it."""
    for attempt in range(ATTEMPTS):
        article.article_id = next_article_id()
        try:
            with transaction.atomic():
                article.save(force_insert=True)
            return article
        except IntegrityError:
            if attempt == ATTEMPTS - 1 or not _taken(article.article_id):
                raise
    return article


def _taken(article_id):
    return Article.objects.filter(article_id=article_id).exists()
