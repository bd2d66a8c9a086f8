"""Parts of public pages kept apart from the pages, each checked against what it shows.

- **Site-wide** (`site_wide`): the home page's lead, every page's navigation and the parts of
  every page around its content. They are stamped with the generation token of the page cache
  (articles.serving.cache) and the token of the home list's group (page_groups.LATEST), as the
  home page is: whatever drops every cached page (a change to a source or tag, a scheduled
  article coming due) and any change to an article drops them too, on every server sharing the
  cache. A page rendered while nothing changed spends no query on them.
- **Per article** (`per_article`): an article's own part of its page, everything but the
  navigation and its related articles. It is stamped with the token of the article's page group
  (articles.serving.page_groups), dropped by every change to the article, its tags or its image,
  and with the links token, dropped with the generation (a source or tag renamed shows in it).
  An article page rendered again because its related articles are due, because a list it shows
  in changed, or because the generation ended, costs one query for the article and no template
  work for its body.

- **Per content** (`per_content`): a part made from a few articles' rows, such as a list's
  cards, keyed by a digest of everything of those rows it shows and stamped with the links
  token (a source renamed shows in it): the same articles, unchanged, are not rendered again,
  whichever list shows them and whatever else changed.

Tokens live whether or not whole pages are cached (`PUBLIC_PAGE_CACHE_SECONDS = 0` keeps the
fragments, as long as related articles are kept). With the cache down, fragments are computed
on every request, as the pages are.
"""

import hashlib

from django.core.cache import cache

from articles.serving.cache import (
    LINKS_KEY,
    cached_many,
    group_key,
    lookup,
    start_group,
    start_links,
    token_seconds,
    warn_cache_down,
)
from articles.serving.page_groups import LATEST, article_group


def site_wide(name, compute):
    """The value `compute()` returned since the site last changed; computed now if none is kept."""
    key = f"public-fragments:{name}"
    stamp, kept = lookup(key, LATEST)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    value = compute()
    if stamp is not None:
        _keep(key, (stamp, value))
    return value


def article_keys(article_id):
    """What `per_article()` reads from the cache: ask for them with the page's other keys."""
    return [LINKS_KEY, group_key(article_group(article_id)), f"public-fragments:a:{article_id}"]


def article_stamp(article_id, found):
    """The tokens an article's fragments are checked against: (links, its group), or None.

    `found`: what a `cache.get_many()` of `article_keys()` (and more) returned.
    """
    links_key, gkey, _ = article_keys(article_id)
    try:
        return (found.get(links_key) or start_links(), found.get(gkey) or start_group(gkey))
    except Exception as exc:
        warn_cache_down(exc)
        return None


def per_article(article_id, compute, found):
    """The value `compute()` returned since the article (or a source or tag) last changed."""
    stamp = article_stamp(article_id, found)
    key = article_keys(article_id)[2]
    kept = found.get(key)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    value = compute()
    if stamp is not None:
        _keep(key, (stamp, value))
    return value


def per_content(name, identity, compute):
    """The value `compute()` returned for `identity` (what it is made of) since links changed."""
    digest = hashlib.blake2b(repr(identity).encode(), digest_size=16).hexdigest()
    key = f"public-fragments:{name}:{digest}"
    found = cached_many([LINKS_KEY, key])
    try:
        stamp = found.get(LINKS_KEY) or start_links()
    except Exception as exc:
        warn_cache_down(exc)
        return compute()
    kept = found.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    value = compute()
    _keep(key, (stamp, value))
    return value


def _keep(key, entry):
    try:
        cache.set(key, entry, token_seconds())
    except Exception as exc:
        warn_cache_down(exc)
