"""The article form's companions: presence, drafts, preview and history values, as admin URLs.

Each answers only for an article the editor may change, as the admin's own views decide
(`ModelAdmin.get_object`, `has_change_permission`); `change_form_context()` is what the form's
notices need when it is shown.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.urls import path

from articles import revisions
from articles.editorial import drafts, presence
from articles.editorial.preview import preview_view
from articles.models import Revision


def restore_value_view(request, article, model_admin):
    """GET `?restore=<revision>:<field>:<old|new>`: the value a history Restore button puts back."""
    try:
        revision_id, field, side = request.GET["restore"].split(":")
        revision = article.revisions.get(pk=int(revision_id))
        if side not in {"old", "new"}:
            raise ValueError(side)
        value = revisions.restorable_value(revision, field, side=side)
    except (KeyError, ValueError, Revision.DoesNotExist):
        return HttpResponseBadRequest("Choose a revision and a field to restore.")
    return JsonResponse({"field": field, "value": value})


VIEWS = {
    "presence": presence.presence_view,
    "draft": drafts.draft_view,
    "preview": preview_view,
    "restore-value": restore_value_view,
}


def article_view(model_admin, view):
    """`view(request, article, model_admin)` behind the admin's login and change permission."""

    def wrapped(request, object_id):
        article = model_admin.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No article with that id.")
        if not model_admin.has_change_permission(request, article):
            raise PermissionDenied
        return view(request, article, model_admin)

    return model_admin.admin_site.admin_view(wrapped)


def urls(model_admin):
    """`<id>/presence/`, `<id>/draft/`, `<id>/preview/`, `<id>/restore-value/`."""
    return [
        path(
            f"<path:object_id>/{name}/",
            article_view(model_admin, view),
            name=f"articles_article_{name.replace('-', '_')}",
        )
        for name, view in VIEWS.items()
    ]


def change_form_context(request, article, form):
    """The form's notices when it opens: who else is here, what they saved, this editor's draft."""
    started = form.started
    draft = drafts.of(article, request.user)
    return {
        "presence": presence.status(article, request.user, started.revision if started else 0),
        "started_revision": started.revision if started else 0,
        "draft_notice": drafts.describe(draft) if draft else "",
        "poll_seconds": presence.POLL_SECONDS,
    }
