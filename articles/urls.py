from django.urls import path, register_converter

from articles.public import siteicons, sitemaps, syndication, views
from articles.public.converters import ArticleIdConverter, ArticleSlugConverter, YearMonthConverter

register_converter(YearMonthConverter, "yyyymm")
register_converter(ArticleIdConverter, "article_id")
register_converter(ArticleSlugConverter, "article_slug")

app_name = "articles"

urlpatterns = [
    path("", views.LatestArticlesView.as_view(), name="latest"),
    path("<yyyymm:month>/", views.MonthArchiveView.as_view(), name="month"),
    path(
        "<yyyymm:month>/<article_id:article_id>-<article_slug:slug>",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    # Stale or sloppy spellings of an article URL: the view answers 301 to the canonical one.
    path(
        "<yyyymm:month>/<article_id:article_id>-<article_slug:slug>/",
        views.ArticleDetailView.as_view(),
    ),
    path("<yyyymm:month>/<article_id:article_id>", views.ArticleDetailView.as_view()),
    path("<yyyymm:month>/<article_id:article_id>/", views.ArticleDetailView.as_view()),
    path("tags/<article_slug:slug>/", views.TagView.as_view(), name="tag"),
    path("sources/<article_slug:slug>/", views.SourceView.as_view(), name="source"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Feeds: RSS 2.0 and Atom, for the site, each tag and each source.
    path("feed/", syndication.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", syndication.LatestArticlesAtomFeed(), name="feed-atom"),
    path("tags/<article_slug:slug>/feed/", syndication.TagFeed(), name="tag-feed"),
    path("tags/<article_slug:slug>/feed/atom/", syndication.TagAtomFeed(), name="tag-feed-atom"),
    path("sources/<article_slug:slug>/feed/", syndication.SourceFeed(), name="source-feed"),
    path(
        "sources/<article_slug:slug>/feed/atom/",
        syndication.SourceAtomFeed(),
        name="source-feed-atom",
    ),
    # The site icon and the web app manifest.
    path("favicon.ico", siteicons.favicon, name="favicon"),
    path("manifest.webmanifest", siteicons.manifest, name="manifest"),
    # Crawlers.
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
]
