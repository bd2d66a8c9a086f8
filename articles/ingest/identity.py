"""Whose article is it: the rules that keep a file import from taking over another article.

An article is known by its `article_id`; an article from a feed also by its source and feed item
id, which the database keeps unique (`unique_source_feed_item`). A file that would give either to
a second article fails alone, with a reason naming the article that holds it.
"""

from articles.models import Article

UNTOUCHED = "the existing article was left as it is (--force does not change this)"


def refusal(item, article, holders):
    """Why `item` may not be written, or None; `article` holds its article_id (or is None).

    `holders` is `feed_item_holders()` of the batch.
    """
    if article is not None and not same_article(article, item):
        return other_article(article, item)
    holder = holders.get(feed_item_key(item))
    if holder is not None and holder[0] != item.article_id:
        return feed_item_taken(item, *holder)
    return None


def feed_item_key(item):
    """`(source name, feed item id)` of an `Incoming`, or None when it names no feed item."""
    feed_item_id = item.values["feed_item_id"]
    return (item.source, feed_item_id) if item.source and feed_item_id else None


def feed_item_holders(items):
    """`{(source name, feed item id): (article_id, origin)}` for the feed items `items` name.

    One query, for all of them, whatever their number; none when no item names a feed item.
    """
    by_source = {}
    for item in items:
        if key := feed_item_key(item):
            by_source.setdefault(key[0], set()).add(key[1])
    if not by_source:
        return {}
    # One SELECT a source, joined by UNION ALL: each names the unique index's condition (a feed
    # item id is set), so that SQLite and PostgreSQL look the pairs up in that partial index. As
    # one OR of all sources, SQLite read every article of each source instead, batch after batch.
    selects = [
        Article.objects.filter(source__name=source, feed_item_id__in=sorted(feed_item_ids))
        .exclude(feed_item_id="")
        .order_by()
        .values_list("source__name", "feed_item_id", "article_id", "origin")
        for source, feed_item_ids in sorted(by_source.items())
    ]
    rows = selects[0].union(*selects[1:], all=True)
    return {
        (source, feed_item_id): (article_id, origin)
        for source, feed_item_id, article_id, origin in rows
    }


def same_article(article, item):
    """Whether `item` is `article` again, not another article that carries its `article_id`.

    An article that came from a feed (a source and a feed item id) is the same article only for a
    file naming that source and that feed item, as its export does; a feed gives new articles the
    next free number, so any other file with that number describes something else.
    """
    if article.source is None or not article.feed_item_id:
        return True  # nothing but the article_id to know it by
    return (article.source.name, article.feed_item_id) == (
        item.source,
        item.values["feed_item_id"],
    )


def other_article(article, item):
    """Why `item` may not update `article`, which holds its `article_id`."""
    return (
        f"article_id {item.article_id} is already another article: it came from "
        f"{article.origin or 'an unrecorded origin'} as source {article.source.name!r}, "
        f"feed item {article.feed_item_id!r}, and this file names "
        f"{describe_feed_item(item.source, item.values['feed_item_id'])}; {UNTOUCHED}"
    )


def feed_item_taken(item, article_id, origin):
    """Why `item` may not take its feed item from article `article_id`, which holds it."""
    return (
        f"{describe_feed_item(*feed_item_key(item))} is already article_id {article_id} "
        f"(it came from {origin or 'an unrecorded origin'}), and this file names article_id "
        f"{item.article_id}; {UNTOUCHED}"
    )


def describe_feed_item(source, feed_item_id):
    """`source 'X', feed item '17'`, saying "no source" or "no feed item" for what is missing."""
    return (
        f"{f'source {source!r}' if source else 'no source'}, "
        f"{f'feed item {feed_item_id!r}' if feed_item_id else 'no feed item'}"
    )
