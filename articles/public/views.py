from functools import cache

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Source
from articles.public import article_page, frontpage, related, search, seo
from articles.public.pagination import UncountedPaginator
from articles.serving import fragments
from articles.serving.cache import cached_many

RELATED_ARTICLES = 4


class ArticleListView(ListView):
    """Published articles, newest first, without bodies, in pages that are never counted."""

    template_name = "articles/article_list.html"
    paginator_class = UncountedPaginator

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        if self.paginator_class is UncountedPaginator and self.request.GET.get("page") == "last":
            raise Http404("An uncounted list has no last page.")
        return super().paginate_queryset(queryset, page_size)

    def get_queryset(self):
        return Article.objects.published().for_cards()


class LatestArticlesView(ArticleListView):
    """The home page: the editors' featured lead on its first page, then the latest others."""

    def get_queryset(self):
        self.site_parts = frontpage.site_parts()  # the lead with them: one lookup
        self.lead_stories = frontpage.lead_stories(self.site_parts)
        articles = super().get_queryset()
        if self.lead_stories:  # shown above the list, on the first page: never twice
            articles = articles.exclude(pk__in=[a.pk for a in self.lead_stories])
        return articles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead = self.lead_stories if context["page_obj"].number == 1 else []
        return {
            **context,
            "lead": lead[0] if lead else None,
            "featured": lead[1:],
            "site_parts": self.site_parts,
        }


class MonthArchiveView(ArticleListView):
    template_name = "articles/article_archive_month.html"

    def get_queryset(self):
        return super().get_queryset().in_month(self.kwargs["month"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(month=self.kwargs["month"], **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not context["object_list"]:
            # Any of 120,000 months makes an empty page: cheap to render, never stored, so
            # anonymous requests cannot fill the page cache with them.
            patch_cache_control(response, no_store=True)
        return response


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


class SearchView(ArticleListView):
    """Full-text search, best match first; bodies are loaded for the snippets."""

    template_name = "articles/search.html"
    paginator_class = Paginator  # the number of matches is worth a count

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[: search.MAX_QUERY_LENGTH]
        articles = Article.objects.published().select_related("source")
        return search.search(self.query, articles)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query, terms=search.parse_query(self.query), **kwargs
        )


class ArticleDetailView(DetailView):
    """An article, fetched by its id; any other spelling of its URL answers 301.

    What the page keeps of the article (articles.public.article_page), its related articles and
    the site's parts around it are looked up first, in one round trip, by the id in the URL:
    when the article's part is current, the fields kept with it stand for its row.
    """

    context_object_name = "article"
    found = None  # what get_object() found in the cache

    def get_object(self, queryset=None):
        article_id = self.kwargs["article_id"]
        # One round trip for all the page keeps apart: its own part, related articles, site parts.
        self.found = cached_many({*related.cache_keys(article_id), *frontpage.SITE_PARTS_KEYS})
        kept = fragments.kept_for_article(article_id, self.found)
        if kept is not None:  # the row it was made from, kept with it: no query
            article = article_page.around(kept)
        else:
            article = get_object_or_404(
                Article.objects.select_related("source"), article_id=article_id
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

    def get_context_data(self, **kwargs):
        article = self.object
        tags = cache(lambda: list(article.tags.all()))  # read at most once, if anything is redone
        page, chosen = self.article_parts(article, tags)
        return super().get_context_data(
            page=page,
            related_articles=chosen.articles,
            related_html=chosen.html,
            site_parts=frontpage.site_parts(self.found),
            **kwargs,
        )

    def article_parts(self, article, tags):
        """The article's own part and its related articles, as kept (serving.fragments)."""
        page = fragments.per_article(
            article.article_id, lambda: article_page.render(article, tags()), self.found
        )
        chosen = related.related_articles(
            article, RELATED_ARTICLES, self.found, tag_ids=lambda: [tag.pk for tag in tags()]
        )
        return page, chosen


@require_safe
def robots_txt(request):
    """Crawlers may read everything public except search results; the sitemaps are named.

    The search page itself (no query) is a page like the others; its results are not.

    The admin is not named: its address may be kept private (ADMIN_URL), and it needs a login.
    """
    sitemaps = [reverse("articles:sitemap"), reverse("articles:news-sitemap")]
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('articles:search')}?",
        "",
        *(f"Sitemap: {seo.absolute_url(path)}" for path in sitemaps),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
