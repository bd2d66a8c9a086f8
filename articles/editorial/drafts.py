"""An editor's unsaved form, kept on the server as their own draft of the article.

The form's script (static/js/admin-drafts.js) posts the form's fields every few seconds while
they differ from what was saved; reopening the article offers to restore or discard them. A
draft holds the whole form, its version and started-from token too: restored, it is checked
against the version it was typed on, so an old draft never overwrites newer work unseen.
Only its editor reads it. Saving the article drops it.
"""

import json

from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.utils import timezone

from articles.editorial import presence
from articles.versions import ArticleDraft

MAX_BYTES = 2 * 1024 * 1024  # a body of a few hundred kilobytes, with room to spare
NOT_KEPT = {"csrfmiddlewaretoken"}


def keep(article, user, data):
    """Keep `data` (`{name: [values]}`) as `user`'s draft of `article`."""
    data = {name: values for name, values in data.items() if name not in NOT_KEPT}
    draft, _ = ArticleDraft.objects.update_or_create(
        article=article, user=user, defaults={"data": data}
    )
    return draft


def of(article, user):
    """`user`'s draft of `article`, or None."""
    return ArticleDraft.objects.filter(article=article, user=user).first()


def discard(article, user):
    ArticleDraft.objects.filter(article=article, user=user).delete()


def describe(draft):
    when = timezone.localtime(draft.updated_at)
    return (
        f"You have unsaved changes to this article from {when:%d %b %Y, %H:%M} "
        f"({presence.ago(when)})."
    )


def parsed(body):
    """The posted draft's fields, or None when they are not `{name: [string, ...]}`."""
    if len(body) > MAX_BYTES:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if not all(
        isinstance(values, list) and all(isinstance(v, str) for v in values)
        for values in data.values()
    ):
        return None
    return data


def draft_view(request, article, model_admin):
    """GET: the editor's draft; POST: keep the posted fields as it; DELETE: discard it."""
    if request.method == "GET":
        draft = of(article, request.user)
        answer = {"draft": None}
        if draft:
            answer["draft"] = {"data": draft.data, "message": describe(draft)}
        return JsonResponse(answer, headers={"Cache-Control": "no-store, private"})
    if request.method == "POST":
        data = parsed(request.body)
        if data is None:
            return HttpResponseBadRequest("Post the form's fields as JSON.")
        keep(article, request.user, data)
    elif request.method == "DELETE":
        discard(article, request.user)
    else:
        return HttpResponseNotAllowed(["GET", "POST", "DELETE"])
    response = JsonResponse({"ok": True})
    response.public_pages_unchanged = True  # a draft is nobody's but its editor's
    return response
