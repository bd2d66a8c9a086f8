"""An article's related articles, chosen by `ArticleQuerySet.related_to` and kept a while.

Choosing them builds the page's costliest query, so the choice is cached per article for half
of PUBLIC_RELATED_REFRESH_SECONDS, whether or not the page cache is on: a newer article appears
among them within that bound. The choice is checked against the article's own tokens
(articles.serving.fragments.article_stamp): a change to the article, its source or its tags
chooses again at once, and a change that would leave a link pointing at a missing or moved
article drops every page (articles.serving.page_groups) and, with them, these lists.
"""

from django.core.cache import cache

from articles.models import Article
from articles.serving import cache as pages
from articles.serving.fragments import article_keys, article_stamp


def related_key(article):
    return f"related:{article.article_id}"


def cache_keys(article):
    """What related_articles() reads from the cache: ask for them with the page's other keys."""
    return [*article_keys(article.article_id), related_key(article)]


def related_articles(article, count, found=None, tag_ids=None):
    """The `count` public articles most related to `article`, a list.

    `found`: what a `cache.get_many()` of `cache_keys()` (and more) returned, if one did.
    `tag_ids`: a callable returning the article's tags' ids, called only if they are chosen anew.
    """
    if found is None:
        found = pages.cached_many(cache_keys(article))
    stamp = article_stamp(article.article_id, found)
    entry = found.get(related_key(article))
    if (
        stamp is not None
        and entry is not None
        and entry[0] == stamp
        and pages.clock() - entry[1] < pages.related_max_age()
    ):
        return entry[2]
    tags = tag_ids() if tag_ids else article.tags.values_list("pk", flat=True)
    chosen = list(Article.objects.published().related_to(article, tags)[:count])
    if stamp is not None:
        try:
            entry = (stamp, pages.clock(), chosen)
            cache.set(related_key(article), entry, int(pages.related_max_age()) + 1)
        except Exception as exc:
            pages.warn_cache_down(exc)
    return chosen
