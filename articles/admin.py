from django.contrib import admin
from django.db import models
from django.db.models import Count

from articles.forms import ArticleAdminForm
from articles.models import Article, Source


class NewsroomAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(NewsroomAdmin):
    list_display = ["name", "slug", "article_count", "is_active", "feed_url", "last_polled_at"]
    list_filter = ["is_active", "default_status", "canonical_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_polled_at", "last_poll_error", "feed_etag", "feed_last_modified"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, source):
        return source.article_count


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = ArticleAdminForm
    list_display = ["title", "article_id", "source", "date", "status", "tag_list"]
    list_filter = ["status", "source", ("date", admin.DateFieldListFilter)]
    list_select_related = ["source"]
    search_fields = ["title", "summary", "=article_id"]
    date_hierarchy = "date"
    readonly_fields = [
        "origin",
        "content_hash",
        "imported_at",
        "created_at",
        "updated_at",
        "enclosure_error",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "body"]}),
        (
            "Header image",
            {"fields": ["enclosure", "enclosure_error", "image", "image_alt", "image_caption"]},
        ),
        ("Publishing", {"fields": ["status", "date", "tags"]}),
        (
            "Source and provenance",
            {
                "fields": [
                    "source",
                    "source_link",
                    "article_id",
                    "feed_item_id",
                    "qrcode",
                    "origin",
                    "content_hash",
                    "imported_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="tags")
    def tag_list(self, article):
        return ", ".join(sorted(tag.name for tag in article.tags.all()))
