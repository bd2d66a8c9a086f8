"""Finding articles in the editors' list: the site's full-text search, a tag filter, tag hints.

The search is `articles.public.search`'s, over every article whatever its status (words in the
body, title and summary, stemmed and ranked as readers get them), plus the articles with a tag
or source of that name and the article whose id it is. The tag filter is a text box with
suggestions, not a list of every tag: it costs the same with 30 tags as with 30,000.
"""

from django.contrib import admin
from django.db.models import Q
from django.http import JsonResponse
from taggit.models import Tag

from articles.models import Source, TaggedArticle
from articles.public import search

SUGGESTIONS = 10


def admin_search(queryset, text):
    """The list's search: full-text matches, then tag, source and article id matches."""
    text = " ".join(text.split())
    also = Q(pk__in=TaggedArticle.objects.filter(tag__name__iexact=text).values("content_object"))
    also |= Q(source__in=Source.objects.filter(name__iexact=text).values("pk"))
    if text.isdigit():
        also |= Q(article_id=int(text))
    return search.search_including(text, queryset, also)


class TagFilter(admin.SimpleListFilter):
    """Articles with one tag, typed (with suggestions) rather than picked from every tag."""

    title = "tag"
    parameter_name = "tag"
    template = "admin/articles/article/tag_filter.html"

    def has_output(self):
        return True  # the text box, even before any tag is chosen

    def lookups(self, request, model_admin):
        # Only the chosen tag, so the admin accepts the parameter; no list of all the tags.
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tagged = TaggedArticle.objects.filter(tag__name__iexact=self.value())
        return queryset.filter(pk__in=tagged.values("content_object"))

    def choices(self, changelist):
        yield {
            "value": self.value() or "",
            "clear_url": changelist.get_query_string(remove=[self.parameter_name, "p"]),
            "hidden": [
                (key, value)
                for key, values in changelist.params.items()
                if key not in {self.parameter_name, "p"}
                for value in (values if isinstance(values, list) else [values])
            ],
        }


def tag_suggestions(request):
    """Up to ten tag names starting with `q` (any case), in order: JSON for the hints."""
    prefix = " ".join(request.GET.get("q", "").split())[:100]
    names = []
    if prefix:
        names = list(
            Tag.objects.filter(name__istartswith=prefix)
            .order_by("name")
            .values_list("name", flat=True)[:SUGGESTIONS]
        )
    return JsonResponse({"tags": names})
