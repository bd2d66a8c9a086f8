"""An article's related articles, chosen by `ArticleQuerySet.related_to` and kept a while.

Choosing them builds the page's costliest query, so the choice is cached per article for half
of PUBLIC_RELATED_REFRESH_SECONDS, whether or not the page cache is on: a newer article appears
among them within that bound. The choice is checked against the article's own tokens
(articles.serving.fragments.article_stamp): a change to the article, its source or its tags
chooses again at once, and a change that would leave a link pointing at a missing or moved
article drops every page (articles.serving.page_groups) and, with them, these lists.
"""

from typing import NamedTuple

from django.core.cache import cache
from django.template.loader import render_to_string

from articles.models import Article
from articles.serving import cache as pages
from articles.serving.fragments import PREFIX, article_keys, article_stamp


class Related(NamedTuple):
    articles: list  # of Article, with their source
    html: str  # templates/articles/_related.html, which shows them


def choose(article, count, tag_ids=None):
    """Related articles chosen now, and their block: nothing is read from the cache or kept.

    `tag_ids`: the article's tags' ids (default: as stored).
    """
    if tag_ids is None:
        tag_ids = article.tags.values_list("pk", flat=True)
    chosen = list(Article.objects.published().related_to(article, tag_ids)[:count])
    return Related(chosen, render_to_string("articles/_related.html", {"related": chosen}))


def related_key(article_id):
    return f"{PREFIX}related:{article_id}"


def cache_keys(article_id):
    """What related_articles() reads from the cache: ask for them with the page's other keys."""
    return [*article_keys(article_id), related_key(article_id)]


def related_articles(article, count, found=None, tag_ids=None):
    """The `count` public articles most related to `article`, and their block of the page.

    `found`: what a `cache.get_many()` of `cache_keys()` (and more) returned, if one did.
    `tag_ids`: a callable returning the article's tags' ids, called only if they are chosen anew.
    """
    key = related_key(article.article_id)
    if found is None:
        found = pages.cached_many(cache_keys(article.article_id))
    stamp = article_stamp(article.article_id, found)
    entry = found.get(key)
    if (
        stamp is not None
        and entry is not None
        and entry[0] == stamp
        and pages.clock() - entry[1] < pages.related_max_age()
    ):
        return entry[2]
    related = choose(article, count, tag_ids() if tag_ids else None)
    if stamp is not None:
        try:
            cache.set(key, (stamp, pages.clock(), related), int(pages.related_max_age()) + 1)
        except Exception as exc:
            pages.warn_cache_down(exc)
    return related
