"""An article's own part of its page: what changes only when the article, its source or tags do.

Its <head> metadata (description, canonical URL, social cards, JSON-LD) and the article itself
(header, image, body, tags, link to the original, QR code), rendered from two templates and kept
as HTML by articles.serving.fragments. The page around them adds what changes otherwise: the
navigation, the related articles and, for staff, the banner of an article not yet public.
"""

from django.conf import settings
from django.template.loader import render_to_string

from articles.models import Article
from articles.public import seo

# What templates/articles/article_detail.html shows of an article around its kept part, and
# what its URL, whether it is public and its related articles are decided by: kept with the
# part, so that a page whose part is kept reads nothing from the database. Whatever changes
# these drops the part (articles.serving.fragments.per_article).
AROUND_FIELDS = ("pk", "article_id", "slug", "date", "status", "title", "source_id")


def around(kept):
    """The article a kept part was made from, with AROUND_FIELDS alone (never saved)."""
    return Article(**kept["around"])


def render(article, tags):
    """The two parts of `article`'s page, with its `tags`, and the fields around them.

    {"meta": ..., "article": ..., "around": {field: value for AROUND_FIELDS}}.
    """
    full_url = article.get_full_url()
    context = {
        "article": article,
        "tags": tags,
        "SITE_NAME": settings.SITE_NAME,
        "canonical_url": seo.canonical_url(article),
        "json_ld": seo.json_ld_script(seo.news_article(article, tags)),
        "social_image": seo.social_image(article),
        "qr_code": seo.qr_code_svg(full_url),
    }
    return {
        "meta": render_to_string("articles/_article_meta.html", context),
        "article": render_to_string("articles/_article.html", context),
        "around": {field: getattr(article, field) for field in AROUND_FIELDS},
    }
