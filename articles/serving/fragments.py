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
- **Per content** (`per_content`): a part made from an article's row, such as its card in a
  list, keyed by a digest of everything of the row it shows and stamped with the links token (a
  source renamed shows in it): an article unchanged is not rendered again, whichever list shows
  it, whatever else changed, and wherever a new article pushed it.

Tokens live whether or not whole pages are cached (`PUBLIC_PAGE_CACHE_SECONDS = 0` keeps the
fragments, as long as related articles are kept). With the cache down, fragments are computed
on every request, as the pages are.
"""

import hashlib

from django.core.cache import cache

from articles.serving.cache import (
    GENERATION_KEY,
    LINKS_KEY,
    cached_many,
    group_key,
    stamp,
    start_group,
    start_links,
    token_seconds,
    warn_cache_down,
)
from articles.serving.page_groups import LATEST, article_group

# Every kept fragment's key starts with this. The number is the shape of what is kept: change
# it with the shape (a part added to the site parts, say), so that servers running the new code
# never read what the old code kept in a shared cache.
PREFIX = "public-fragments:4:"


def site_wide_keys(name):
    """What `site_wide(name, ...)` reads from the cache: ask for them with a page's other keys."""
    return [GENERATION_KEY, group_key(LATEST), f"{PREFIX}{name}"]


def site_wide(name, compute, found=None):
    """The value `compute()` returned since the site last changed; computed now if none is kept.

    `found`: what a `cache.get_many()` of `site_wide_keys(name)` (and more) returned, if one did.
    """
    generation_key, latest_key, key = site_wide_keys(name)
    try:
        if found is None:
            found = cache.get_many([generation_key, latest_key, key])
        current = stamp(found, latest_key)
    except Exception as exc:
        warn_cache_down(exc)
        return compute()
    kept = found.get(key)
    if kept is not None and kept[0] == current:
        return kept[1]
    value = compute()
    _keep(key, (current, value))
    return value


def article_keys(article_id):
    """What `per_article()` reads from the cache: ask for them with the page's other keys."""
    return [LINKS_KEY, group_key(article_group(article_id)), f"{PREFIX}a:{article_id}"]


def article_stamp(article_id, found):
    """The tokens an article's fragments are checked against: (links, its group), or None.

    `found`: what a `cache.get_many()` of `article_keys()` (and more) returned; a token
    started here is recorded in it, for the next part of the page to find.
    """
    links_key, gkey, _ = article_keys(article_id)
    try:
        if links_key not in found:
            found[links_key] = start_links()
        if gkey not in found:
            found[gkey] = start_group(gkey)
    except Exception as exc:
        warn_cache_down(exc)
        return None
    return (found[links_key], found[gkey])


def kept_for_article(article_id, found):
    """What `per_article()` kept for the article and would return, or None.

    `found`: what a `cache.get_many()` of `article_keys()` (and more) returned.
    """
    links_key, gkey, key = article_keys(article_id)
    kept = found.get(key)
    if kept is not None and kept[0] == (found.get(links_key), found.get(gkey)):
        return kept[1]
    return None


def per_article(article_id, compute, found):
    """The value `compute()` returned since the article (or a source or tag) last changed."""
    kept = kept_for_article(article_id, found)
    if kept is not None:
        return kept
    stamp = article_stamp(article_id, found)
    value = compute()
    if stamp is not None:
        _keep(article_keys(article_id)[2], (stamp, value))
    return value


def per_content(name, items, identity, compute):
    """A value for each of `items`, each kept for its `identity(item)` since links changed.

    `compute(items)` returns the values of the `items` given, in order: it is called once, with
    the items nothing is kept for. One round trip fetches them all, another stores the new ones.
    """
    keys = [
        f"{PREFIX}{name}:"
        + hashlib.blake2b(repr(identity(item)).encode(), digest_size=16).hexdigest()
        for item in items
    ]
    found = cached_many([LINKS_KEY, *keys])
    try:
        stamp = found.get(LINKS_KEY) or start_links()
    except Exception as exc:
        warn_cache_down(exc)
        return compute(items)
    kept = {key: found[key][1] for key in keys if key in found and found[key][0] == stamp}
    missing = [(item, key) for item, key in zip(items, keys, strict=True) if key not in kept]
    if missing:
        made = dict(zip((key for _, key in missing), compute([i for i, _ in missing]), strict=True))
        try:
            cache.set_many({key: (stamp, value) for key, value in made.items()}, token_seconds())
        except Exception as exc:
            warn_cache_down(exc)
        kept.update(made)
    return [kept[key] for key in keys]


def _keep(key, entry):
    try:
        cache.set(key, entry, token_seconds())
    except Exception as exc:
        warn_cache_down(exc)
