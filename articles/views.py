from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.encoding import iri_to_uri
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Source


class ArticleListView(ListView):
    """Published articles, newest first, without bodies."""

    template_name = "articles/article_list.html"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class LatestArticlesView(ArticleListView):
    pass


class MonthArchiveView(ArticleListView):
    template_name = "articles/article_archive_month.html"

    def get_queryset(self):
        return super().get_queryset().in_month(self.kwargs["month"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(month=self.kwargs["month"], **kwargs)


class TagView(ArticleListView):
    template_name = "articles/article_tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SourceView(ArticleListView):
    template_name = "articles/article_source.html"

    def get_queryset(self):
        self.source = get_object_or_404(Source, slug=self.kwargs["slug"])
        return super().get_queryset().filter(source=self.source)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)


class ArticleDetailView(DetailView):
    """An article, fetched by its id; any other spelling of its URL answers 301."""

    context_object_name = "article"

    def get_object(self, queryset=None):
        article = get_object_or_404(
            Article.objects.select_related("source").prefetch_related("tags"),
            article_id=self.kwargs["article_id"],
        )
        if not (article.is_public or self.request.user.is_staff):
            raise Http404("No article found matching the query")
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if iri_to_uri(request.path) != canonical:
            query = request.META.get("QUERY_STRING")
            return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))
