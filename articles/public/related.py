"""An article's related articles, chosen by `ArticleQuerySet.related_to` and kept a while.

Choosing them builds the page's costliest query, so the choice is cached per article (and per
its source and tags) for half of PUBLIC_RELATED_REFRESH_SECONDS, whether or not the page cache
is on: a newer article appears among them within that bound. A change that would leave a link
pointing at a missing or moved article drops every page (articles.serving.page_groups) and,
with them, these lists (they are checked against the links token, dropped with the pages).
"""

from django.core.cache import cache

from articles.models import Article
from articles.serving import cache as pages


def related_key(article, tag_ids):
    return f"related:{article.pk}:{article.source_id or ''}:{'.'.join(sorted(map(str, tag_ids)))}"


def cache_keys(article, tag_ids):
    """What related_articles() reads from the cache: ask for them with the page's other keys."""
    return [pages.LINKS_KEY, related_key(article, tag_ids)]


def related_articles(article, tag_ids, count, found=None):
    """The `count` public articles most related to `article`, whose tags are `tag_ids`.

    `found`: what a `cache.get_many()` of `cache_keys()` (and more) returned, if one did.
    """
    key = related_key(article, tag_ids)
    try:
        if found is None:
            found = cache.get_many(cache_keys(article, tag_ids))
        token = found.get(pages.LINKS_KEY) or pages.start_links()
    except Exception as exc:
        pages.warn_cache_down(exc)
        token, found = None, {}
    entry = found.get(key)
    if (
        entry is not None
        and entry[0] == token
        and pages.clock() - entry[1] < pages.related_max_age()
    ):
        return entry[2]
    chosen = list(Article.objects.published().related_to(article, tag_ids)[:count])
    if token is not None:
        try:
            cache.set(key, (token, pages.clock(), chosen), int(pages.related_max_age()) + 1)
        except Exception as exc:
            pages.warn_cache_down(exc)
    return chosen
