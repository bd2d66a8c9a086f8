from django import template
from django.urls import NoReverseMatch, reverse

from articles import revisions
from articles.editorial import dashboard
from articles.images import crops

register = template.Library()


@register.inclusion_tag("admin/_dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    """The editors' dashboard, for those who may see articles."""
    request = context["request"]
    if not request.user.has_perm("articles.view_article"):
        return {"show": False}
    try:
        runs_url = reverse("admin:articles_importrun_changelist")
    except NoReverseMatch:
        runs_url = None
    return {
        "show": True,
        "attention": dashboard.attention(),
        "conflicts": dashboard.conflicts(),
        "runs_url": runs_url,
        "chart": dashboard.imports_chart(dashboard.recent_imports()),
        "changelist_url": reverse("admin:articles_article_changelist"),
        "days": dashboard.DAYS,
    }


@register.filter
def field_label(name):
    """The article field's name as the form labels it: `image_alt` reads "alt text"."""
    return revisions.field_label(name)


@register.filter
def revision_value(value, field):
    """A value a revision kept, as the history shows it: the crop in words, the rest as is."""
    if field == "image_crop":
        return crops.describe(value)
    return value
