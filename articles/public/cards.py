"""The cards of a list of articles, as HTML: each rendered once for its article, unchanged.

A list page (home, month, tag, source) reads its articles' rows in one query, without their
sources (read, in one more query, only for cards made anew); each card is kept
(articles.serving.fragments.per_content) under a digest of every field it shows, so a list
rendered again after a change elsewhere, with a new article on top, or another list showing the
same articles costs that query, one lookup and the new cards. The digest covers the row itself,
not its `version`: a write that does not count the version up (the renditions' manifest) still
makes a new card.
"""

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.models import CARD_FIELDS
from articles.serving.fragments import per_content


def card_identity(article):
    """What the card of `article` shows (its source's name and slug: the links token)."""
    return tuple(getattr(article, f"{f}_id" if f == "source" else f) for f in CARD_FIELDS)


def render_cards(articles):
    """templates/articles/_card.html for each of `articles`, their sources read in one query."""
    prefetch_related_objects(articles, "source")
    return [render_to_string("articles/_card.html", {"article": article}) for article in articles]


def cards_html(articles):
    """The cards of `articles` (ArticleQuerySet.for_cards()), joined; kept per article."""
    return mark_safe("".join(per_content("card", articles, card_identity, render_cards)))
