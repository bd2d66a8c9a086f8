from django import template
from django.urls import NoReverseMatch, reverse

from articles.editorial import dashboard

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
