"""Which cached public pages a change touches: the one place that decides it.

Every public URL belongs to one *group*, read from the URL alone (no query): an article's page
(`article:<id>`), the home list (`latest`), a month (`month:YYYYMM`), a tag or a source with its
feeds (`tag:<slug>`, `source:<slug>`), the site's feeds (`feed`), search (`search`), the news
sitemap (`news-sitemap`), the other sitemaps (`sitemaps`), and `other` for any page not named
here (robots.txt, and whatever a later URL adds: every change refreshes it, so an unknown page
is never stale). The page cache stamps
each page with its group's token; a change drops the tokens of the groups it touches, so other
pages stay cached.

A saved article touches its own page, the lists, feeds and sitemaps it appears in (before and
after the change: a new month, source or tag refreshes the old one too), search and `other`.
The news sitemap lists new articles at once; the sitemap index and its sections (a URL and a
lastmod per page, for the whole archive: seconds to render at 100,000 articles, too long to
redo at every save or feed poll) show new URLs and lastmods when the generation ends
(PUBLIC_PAGE_CACHE_SECONDS at most), or at once when an article leaves the site or moves.
Other articles' pages link to it from their related-articles block; those blocks are refreshed
on a schedule instead (`PUBLIC_RELATED_REFRESH_SECONDS`): each article page is rendered again
once it is that old. A change that would leave links elsewhere pointing at a wrong address (an
article leaving the public site, or its URL changing) or that moves the next scheduled time (a
scheduled article saved) touches `EVERYTHING`: the whole cache is dropped, as before.

`paths_of()` turns groups into URL paths, so a front cache can purge the same set.
"""

from dataclasses import dataclass

from django.urls import Resolver404, resolve, reverse

from articles.models import Article

EVERYTHING = "*"
OTHER = "other"
ARTICLE_GROUP_PREFIX = "article:"
# The home list, whose token also stamps what every page shows of the whole site (the
# navigation, the lead: articles.serving.fragments).
LATEST = "latest"
# The site-wide pages every article change refreshes.
SITE_WIDE = (LATEST, "feed", "search", "news-sitemap", OTHER)
SITEMAPS = "sitemaps"
_BY_URL_NAME = {
    "latest": "latest",
    "feed": "feed",
    "feed-atom": "feed",
    "search": "search",
    "sitemap": "sitemaps",
    "news-sitemap": "news-sitemap",
    "sitemap-section": "sitemaps",
}


def group_of(path):
    """The group of the public page at `path` (the URL's path, without its query)."""
    try:
        match = resolve(path)
    except Resolver404:
        return OTHER
    if match.namespace != "articles":
        return OTHER
    kwargs, name = match.kwargs, match.url_name or ""
    if "article_id" in kwargs:  # the canonical path and the spellings that redirect to it
        return article_group(kwargs["article_id"])
    if name == "month":
        return f"month:{kwargs['month']:%Y%m}"
    if name.startswith(("tag", "source")):
        return f"{name.split('-')[0]}:{kwargs['slug']}"
    return _BY_URL_NAME.get(name, OTHER)


def article_group(article_id):
    return f"{ARTICLE_GROUP_PREFIX}{article_id}"


def is_article_group(group):
    return group.startswith(ARTICLE_GROUP_PREFIX)


@dataclass(frozen=True)
class ArticleState:
    """What decides where an article shows: read before a save and after it."""

    article_id: int
    path: str
    month: str
    status: str
    date: object
    source_slug: str | None

    @classmethod
    def of(cls, article, source_slug):
        return cls(
            article_id=article.article_id,
            path=article.get_absolute_url(),
            month=f"{article.date:%Y%m}",
            status=article.status,
            date=article.date,
            source_slug=source_slug,
        )

    @classmethod
    def stored(cls, pk):
        """The state of the article with `pk` as stored, or None if there is no such row."""
        article = (
            Article.objects.filter(pk=pk)
            .select_related("source")
            .only("article_id", "slug", "date", "status", "source__slug")
            .first()
        )
        return cls.of(article, article.source and article.source.slug) if article else None

    @property
    def is_public(self):
        return Article(status=self.status, date=self.date).is_public

    @property
    def is_scheduled(self):
        return Article(status=self.status, date=self.date).is_scheduled

    def groups(self):
        found = {article_group(self.article_id), f"month:{self.month}", *SITE_WIDE}
        if self.source_slug:
            found.add(f"source:{self.source_slug}")
        return found


def article_change(before, after, tag_slugs=()):
    """The groups a change of one article from `before` to `after` (None: no row) touches.

    `tag_slugs` are the tags it has, had or gained: their pages and feeds are refreshed too.
    """
    if before is not None and before.is_public and not _still_at(before, after):
        return {EVERYTHING}  # links on other pages would point at a 404 or a redirect
    if after is not None and after.is_scheduled:
        return {EVERYTHING}  # the current generation must end when it is due
    groups = {OTHER}
    for state in (before, after):
        if state is not None:
            groups |= state.groups()
    groups.update(f"tag:{slug}" for slug in tag_slugs)
    return groups


def _still_at(before, after):
    return after is not None and after.is_public and after.path == before.path


def paths_of(groups):
    """The URL paths of `groups` (any query string; `*` matches any text), for a front cache."""
    if EVERYTHING in groups:
        return ["/*"]
    paths = []
    for group in sorted(groups):
        kind, _, value = group.partition(":")
        if kind == "article":
            paths.append(f"/*/{value}-*")
        elif kind == "month":
            paths.append(f"/{value}/")
        elif kind in ("tag", "source"):
            listing = reverse(f"articles:{kind}", kwargs={"slug": value})
            paths += [listing, f"{listing}feed/", f"{listing}feed/atom/"]
        elif kind == "latest":
            paths.append(reverse("articles:latest"))
        elif kind == "feed":
            paths += [reverse("articles:feed"), reverse("articles:feed-atom")]
        elif kind == "search":
            paths.append(reverse("articles:search"))
        elif kind == "news-sitemap":
            paths.append(reverse("articles:news-sitemap"))
        elif kind == SITEMAPS:
            paths += [reverse("articles:sitemap"), "/sitemap-*.xml"]
        elif kind == OTHER:
            paths.append(reverse("articles:robots"))
    return paths
