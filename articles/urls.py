from django.urls import path, register_converter

from articles import views
from articles.converters import ArticleSlugConverter, YearMonthConverter

register_converter(YearMonthConverter, "yyyymm")
register_converter(ArticleSlugConverter, "article_slug")

app_name = "articles"

urlpatterns = [
    path("", views.LatestArticlesView.as_view(), name="latest"),
    path("<yyyymm:month>/", views.MonthArchiveView.as_view(), name="month"),
    path(
        "<yyyymm:month>/<int:article_id>-<article_slug:slug>",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    # Stale or sloppy spellings of an article URL: the view answers 301 to the canonical one.
    path("<yyyymm:month>/<int:article_id>-<article_slug:slug>/", views.ArticleDetailView.as_view()),
    path("<yyyymm:month>/<int:article_id>", views.ArticleDetailView.as_view()),
    path("<yyyymm:month>/<int:article_id>/", views.ArticleDetailView.as_view()),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("sources/<slug:slug>/", views.SourceView.as_view(), name="source"),
]
