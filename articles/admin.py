from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles import revisions
from articles.editorial import concurrency, conflicts, drafts, editing, errors, history, workflow
from articles.editorial.changelist import (
    ArticleChangeList,
    AttentionFilter,
    EstimatedCountPaginator,
    MonthFilter,
    PublicationFilter,
)
from articles.editorial.forms import (
    RENDITIONS_FAILED_WARNING,
    ArticleActionForm,
    ArticleAdminForm,
    CleanTextForm,
)
from articles.editorial.writing import ImportRunReportMixin, WritingAdminMixin
from articles.images.renditions import failed as renditions_failed
from articles.models import Article, ImportRun, Revision, Source, Status


class NewsroomAdmin(admin.ModelAdmin):
    form = CleanTextForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(NewsroomAdmin):
    list_display = [
        "name",
        "slug",
        "article_count",
        "is_active",
        "feed_url",
        "last_polled_at",
        "last_poll_ok",
    ]
    list_filter = ["is_active", "default_status", "canonical_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_polled_at", "last_poll_error", "feed_etag", "feed_last_modified"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "url"]}),
        ("Feed", {"fields": ["feed_url", "is_active", "poll_interval", "default_status"]}),
        ("Syndication", {"fields": ["canonical_policy", "include_in_sitemaps"]}),
        (
            "Last poll",
            {"fields": ["last_polled_at", "last_poll_error", "feed_etag", "feed_last_modified"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, source):
        return source.article_count

    @admin.display(description="last poll OK", boolean=True)
    def last_poll_ok(self, source):
        if not source.last_polled_at:
            return None
        return not source.last_poll_error


@admin.register(Article)
class ArticleAdmin(WritingAdminMixin, NewsroomAdmin):
    form = ArticleAdminForm
    action_form = ArticleActionForm
    actions = ["publish", "unpublish", "feature", "unfeature", "add_tag"]
    # What an editor scans for first comes first; on a narrow screen the rest folds away.
    list_display = [
        "title",
        "publication",
        "published_on",
        "tag_list",
        "source",
        "article_id",
        "thumbnail",
    ]
    list_display_links = ["title"]
    list_filter = [
        PublicationFilter,
        AttentionFilter,
        "featured",
        "source",
        MonthFilter,
        ("date", admin.DateFieldListFilter),
    ]
    list_select_related = ["source"]
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice would scan the archive
    # At archive scale: no second, unfiltered COUNT(*) and no estimate-free page count.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = ["title", "summary", "=article_id"]
    readonly_fields = [
        "image_preview",
        "enclosure_error",
        "origin",
        "content_hash",
        "imported_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        ("Content", {"fields": ["title", "slug", "summary", "description", "body"]}),
        (
            "Header image",
            {
                "fields": [
                    "image_preview",
                    "image",
                    "image_crop",
                    "reset_crop",
                    "image_alt",
                    "image_caption",
                    "enclosure",
                    "enclosure_error",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "date", "featured", "tags"]}),
        (
            "Source and provenance",
            {
                "classes": ["collapse"],
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
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_readonly_fields(self, request, obj=None):
        # The article ID is the key for ever: shown on the change form, never editable there.
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "article_id"] if obj is not None else readonly

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_urls(self):
        restore = path(
            "<path:object_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name="articles_article_restore",
        )
        return [restore, *editing.urls(self), *self.writing_urls(), *super().get_urls()]

    @admin.display(description="image")
    def thumbnail(self, article):
        renditions = article.renditions
        if not renditions:
            return ""
        image = renditions.thumbnail
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" class="list-thumbnail">',
            image.url,
            image.width // 2,
            image.height // 2,
        )

    @admin.display(description="date", ordering="date")
    def published_on(self, article):
        return date_format(timezone.localtime(article.date), "Y-m-d H:i")

    @admin.display(description="status", ordering="status")
    def publication(self, article):
        return "Scheduled" if article.is_scheduled else article.get_status_display()

    @admin.display(description="tags")
    def tag_list(self, article):
        return ", ".join(sorted(tag.name for tag in article.tags.all()))

    @admin.display(description="preview")
    def image_preview(self, article):
        renditions = article.renditions
        if renditions:
            image = renditions.webp[0]
            return format_html(
                '<img src="{}" width="{}" height="{}" alt="" class="image-preview">',
                image.url,
                image.width,
                image.height,
            )
        if article.image_url:
            return format_html('<img src="{}" alt="" class="image-preview">', article.image_url)
        return "No header image yet."

    def save_model(self, request, obj, form, change):
        before = Article.objects.get(pk=obj.pk) if change else None
        form.revision_before = revisions.snapshot(before) if before else {}
        super().save_model(request, obj, form, change)
        for warning in form.length_warnings():
            messages.warning(request, warning)
        if obj.image and renditions_failed(obj.image_renditions):
            messages.warning(request, RENDITIONS_FAILED_WARNING)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        changes = revisions.diff(form.revision_before, revisions.snapshot(article))
        revisions.record(article, changes, user=request.user, origin=revisions.Origin.ADMIN)
        drafts.discard(article, request.user)  # saved: the unsaved copy has served

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "conflict", None):
            return conflicts.page(request, self, form)
        if obj is not None:
            context["revisions"] = history.entries(revisions.history(obj))
            context["restorable"] = revisions.RESTORABLE_FIELDS
            if self.has_change_permission(request, obj):
                context.update(editing.change_form_context(request, obj, form))
        context["error_summary"] = errors.summary(context["adminform"].form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        page = history.page(article, request.GET.get("revisions")) if article else None
        return super().history_view(request, object_id, {"history": page, **(extra_context or {})})

    def restore_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No article with that id.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            revision_id, field, side = request.POST["restore"].split(":")
            revision = article.revisions.get(pk=int(revision_id))
            if side not in {"old", "new"}:
                raise ValueError(side)
        except (KeyError, ValueError, Revision.DoesNotExist):
            return HttpResponseBadRequest("Choose a revision and a field to restore.")
        try:
            expected = concurrency.started_value(request.POST, field)
            restored = revisions.restore(
                revision, field, side=side, user=request.user, expected=expected
            )
        except revisions.RestoreError as exc:
            messages.error(request, str(exc))
        else:
            label = Article._meta.get_field(field).verbose_name
            if restored:
                messages.success(request, f"The {label} was restored.")
            else:
                messages.info(request, f"The {label} already had that value.")
        return redirect("admin:articles_article_change", article.pk)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        outcome = workflow.set_status(queryset, Status.PUBLISHED, user=request.user)
        if outcome.refused:
            titles = ", ".join(f"“{a.title}”" for a in outcome.refused[:5])
            more = len(outcome.refused) - 5
            self.message_user(
                request,
                f"Not published, their header image needs alt text first: {titles}"
                + (f" and {more} more." if more > 0 else "."),
                messages.ERROR,
            )
        scheduled = sum(1 for a in outcome.changed if a.is_scheduled)
        if outcome.changed:
            self.message_user(
                request,
                f"Published {len(outcome.changed)} article(s)"
                + (f", {scheduled} of them scheduled for later." if scheduled else "."),
                messages.SUCCESS,
            )

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish(self, request, queryset):
        outcome = workflow.set_status(queryset, Status.DRAFT, user=request.user)
        self.message_user(
            request, f"{len(outcome.changed)} article(s) back to draft.", messages.SUCCESS
        )

    @admin.action(description="Feature selected articles on the home page", permissions=["change"])
    def feature(self, request, queryset):
        changed = workflow.set_featured(queryset, True, user=request.user)
        self.message_user(request, f"Featured {len(changed)} article(s).", messages.SUCCESS)

    @admin.action(description="Unfeature selected articles", permissions=["change"])
    def unfeature(self, request, queryset):
        changed = workflow.set_featured(queryset, False, user=request.user)
        self.message_user(request, f"Unfeatured {len(changed)} article(s).", messages.SUCCESS)

    @admin.action(description="Add tag to selected articles", permissions=["change"])
    def add_tag(self, request, queryset):
        try:
            tag, tagged = workflow.add_tag(queryset, request.POST.get("tag", ""), user=request.user)
        except ValueError:
            self.message_user(request, "Type the tag to add next to the action.", messages.ERROR)
            return
        self.message_user(
            request, f"Tagged {len(tagged)} article(s) “{tag.name}”.", messages.SUCCESS
        )


@admin.register(ImportRun)
class ImportRunAdmin(ImportRunReportMixin, admin.ModelAdmin):
    """The record of every import: read-only, because it is the account of what happened."""

    FAILURES_SHOWN = 500

    list_display = [
        "started_at",
        "kind",
        "started_by",
        "path_list",
        "created",
        "updated",
        "unchanged",
        "conflicts",
        "failed",
        "dry_run",
        "state",
    ]
    list_filter = ["kind", "dry_run", "forced", "source"]
    list_select_related = ["source"]
    search_fields = ["started_by", "error"]
    date_hierarchy = "started_at"
    fields = [
        "kind",
        "state",
        "started_by",
        "started_at",
        "finished_at",
        "path_list",
        "source",
        ("dry_run", "forced"),
        ("created", "updated", "unchanged", "conflicts", "failed"),
        "failure_list",
        "sanitized_list",
        "error",
    ]
    readonly_fields = ["state", "path_list", "failure_list", "sanitized_list"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="paths")
    def path_list(self, run):
        return ", ".join(run.paths)

    @admin.display(description="state")
    def state(self, run):
        if run.error:
            return "stopped"
        return "finished" if run.finished_at else "running or interrupted"

    @admin.display(description="failures")
    def failure_list(self, run):
        failures = run.failures[: self.FAILURES_SHOWN]
        if not failures:
            return "none"
        items = format_html_join(
            "", "<li><code>{}</code>: {}</li>", ((f["path"], f["reason"]) for f in failures)
        )
        more = len(run.failures) - len(failures)
        return format_html("<ul>{}</ul>{}", items, f"… and {more} more" if more > 0 else "")
