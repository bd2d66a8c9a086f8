"""The article admin's hooks for writing and finding, kept out of the thin `admin.py`.

(`ImportRunReportMixin` shows an import run's sanitizer report the same way.)

`WritingAdminMixin` goes before the ModelAdmin: a new article is numbered by the system and
starts as a dated draft ("Publish" / "Save draft" set the status), the sanitizer's removals are
told, and the list searches with the site's full-text search. It also adds the body images'
picker and the tag hints to the admin's URLs.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import path
from django.utils.html import format_html, format_html_join

from articles.editorial import body_images, finding, new_article


class WritingAdminMixin:
    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-tags.js"])  # tag hints, list and form

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), finding.TagFilter]

    def get_prepopulated_fields(self, request, obj=None):
        return {**super().get_prepopulated_fields(request, obj), "slug": ["title"]}

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return finding.admin_search(queryset, search_term), False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else new_article.without_article_id(fieldsets)

    def get_changeform_initial_data(self, request):
        return {**new_article.initial_values(), **super().get_changeform_initial_data(request)}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            request.POST = new_article.with_chosen_status(request.POST)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            new_article.create_numbered(obj)
        if form.body_removed:
            removed = form.body_removed.describe()
            messages.warning(request, f"Removed from the body on saving: {removed}.")

    def writing_urls(self):
        view = self.admin_site.admin_view
        picker = view(lambda request: body_images.picker_view(self, request))
        return [
            path("body-images/", picker, name="articles_bodyimage_picker"),
            path("tags/", view(finding.tag_suggestions), name="articles_article_tags"),
        ]


class ImportRunReportMixin:
    """The import run's page lists the markup the sanitizer removed, per file or feed item."""

    @admin.display(description="markup removed")
    def sanitized_list(self, run):
        removed = run.sanitized.values_list("path", "removed")[: self.FAILURES_SHOWN]
        items = format_html_join("", "<li><code>{}</code>: {}</li>", removed)
        return format_html("<ul>{}</ul>", items) if items else "none"
