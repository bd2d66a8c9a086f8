"""The cards of a list of articles, as HTML: rendered once for the same articles, unchanged.

A list page (home, month, tag, source) reads its articles' rows in one query; its cards are kept
(articles.serving.fragments.per_content) under a digest of every field a card shows, so a
list rendered again after a change elsewhere, or another list showing the same articles, costs
that query and one lookup. The digest covers the rows themselves, not their `version`: a write
that does not count the version up (the renditions' manifest) still makes new cards.
"""

from django.template.loader import render_to_string

from articles.serving.fragments import per_content

# Every field of an article that templates/articles/_card.html shows (the source's name and
# slug are covered by the links token).
CARD_FIELDS = ("article_id", "title", "slug", "date", "summary", "source_id", "image_renditions")


def cards_html(articles):
    """templates/articles/_cards.html for `articles`, kept for these rows."""
    identity = [tuple(getattr(article, field) for field in CARD_FIELDS) for article in articles]
    return per_content(
        "cards", identity, lambda: render_to_string("articles/_cards.html", {"articles": articles})
    )
