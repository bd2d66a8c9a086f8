"""An article's related articles: the rule that chooses them, and the choice kept a while.

The rule: among the `WINDOW` newest public articles, those that share a tag with the article or
have its source; most shared tags first, then newest. Looking among the newest keeps the cost
the same at 1,000 articles as at 100,000 (ranking every article sharing a tag took a second).
The window (ids and sources, read from `article_public_idx`) is kept for the site
(articles.serving.fragments.site_wide: it changes with any article), so a choice costs one
lookup of tags among those ids and one query for the articles chosen.

The choice is kept per article for half of PUBLIC_RELATED_REFRESH_SECONDS, whether or not the
page cache is on: a newer article appears among them within that bound. The choice is checked
against the article's own tokens (articles.serving.fragments.article_stamp): a change to the
article, its source or its tags chooses again at once, and a change that would leave a link
pointing at a missing or moved article drops every page (articles.serving.page_groups) and,
with them, these lists.
"""

from collections import Counter
from typing import NamedTuple

from django.core.cache import cache
from django.template.loader import render_to_string

from articles.models import Article, TaggedArticle
from articles.serving import cache as pages
from articles.serving.fragments import (
    PREFIX,
    article_keys,
    article_stamp,
    site_wide,
    site_wide_keys,
)

WINDOW = 500


class Related(NamedTuple):
    articles: list  # of Article, with their source
    html: str  # templates/articles/_related.html, which shows them


def newest_public(found=None):
    """The WINDOW newest public articles as (pk, source_id), newest first: kept for the site.

    `found`: what a `cache.get_many()` of `cache_keys()` (and more) returned, if one did.
    """
    return site_wide("related-window", newest_public_now, found)


def newest_public_now():
    articles = Article.objects.published().order_by("-date", "-article_id")
    return list(articles.values_list("pk", "source_id")[:WINDOW])


def ranked(article, tag_ids, newest):
    """The pks of `newest` ((pk, source_id), newest first) related to `article`, best first.

    Each has `shared[pk]` of `tag_ids`, or `article`'s source; the article itself is left out.
    """
    me = article.pk
    others = [(pk, source) for pk, source in newest if pk != me]
    shared = Counter(TaggedArticle.tagged_among([pk for pk, _ in others], tag_ids))
    source = article.source_id
    related = [pk for pk, their in others if shared[pk] or (source and their == source)]
    return sorted(related, key=lambda pk: -shared[pk]), shared  # stable: newest first in a tie


def choose(article, count, tag_ids=None, newest=None):
    """Related articles chosen now, and their block: the choice itself is not kept.

    `tag_ids`: the article's tags' ids (default: as stored). `newest`: the window (default:
    `newest_public()`). Each article chosen has `shared_tags`, how many of the tags it shares.
    """
    if tag_ids is None:
        tag_ids = article.tags.values_list("pk", flat=True)
    tag_ids = list(tag_ids)
    chosen = []
    if tag_ids or article.source_id:
        best, shared = ranked(article, tag_ids, newest_public() if newest is None else newest)
        best = best[:count]
        # published() again: the window may predate an article leaving the site this instant.
        rows = (
            Article.objects.published()
            .filter(pk__in=best)
            .select_related("source")
            .only("article_id", "title", "slug", "date", "source__name", "source__slug")
            .order_by()  # in the order of `best`, below
        )
        found = {row.pk: row for row in rows}
        chosen = [found[pk] for pk in best if pk in found]
        for row in chosen:
            row.shared_tags = shared[row.pk]
    return Related(chosen, render_to_string("articles/_related.html", {"related": chosen}))


def related_key(article_id):
    return f"{PREFIX}related:{article_id}"


def cache_keys(article_id):
    """What related_articles() reads from the cache: ask for them with the page's other keys."""
    return [*article_keys(article_id), related_key(article_id), *site_wide_keys("related-window")]


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
    related = choose(article, count, tag_ids() if tag_ids else None, newest_public(found))
    if stamp is not None:
        try:
            cache.set(key, (stamp, pages.clock(), related), int(pages.related_max_age()) + 1)
        except Exception as exc:
            pages.warn_cache_down(exc)
    return related
