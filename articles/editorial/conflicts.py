"""The conflict page: a save stopped because others changed the article since the form opened.

Per field: who changed it and when, their value and the editor's side by side, and a choice:
keep theirs, take yours, or edit (text fields). The editor's whole form rides along in hidden
inputs, so saving from this page loses nothing they typed; it starts from the article as it is
now, so a change made while they decide is caught again.
"""

from dataclasses import dataclass

from django import forms
from django.template.response import TemplateResponse

from articles.editorial import history
from articles.editorial.concurrency import comparable
from articles.editorial.presence import ago
from articles.images import crops
from articles.models import Revision, Status

NOT_CARRIED = {"csrfmiddlewaretoken", "version", "started_from"}
BUTTONS = {"_save", "_continue", "_addanother", "_saveasnew"}
TEXT_WIDGETS = (forms.TextInput, forms.Textarea, forms.URLInput)
LONG = 200  # characters past which the page shows a word diff as well


@dataclass
class FieldConflict:
    name: str
    label: str
    theirs: str
    yours: str
    changes: (
        list  # (who, when, how long ago) of the revisions that changed it since the form opened
    )
    choice: str  # preselected: "yours" when the editor changed the field, else "theirs"
    edit: str | None  # the editor's text to edit, for text fields
    diff: list  # ("equal" | "delete" | "insert", text) from theirs to yours, for long values


def display(name, value):
    """A stored or posted value as the page shows it."""
    if comparable(name, value) is None:
        return "(empty)"
    if name == "image_crop":
        return crops.describe(value)
    if name == "status":
        return Status(value).label
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def who_changed(article, since_revision):
    """`{field: [(who, when, how long ago), ...]}` from the revisions after `since_revision`."""
    changed = {}
    later = Revision.objects.filter(article=article, pk__gt=since_revision).select_related("user")
    for revision in later.order_by("pk")[:200]:
        who = (
            (revision.user.get_full_name() or revision.user.get_username())
            if revision.user
            else revision.get_origin_display()
        )
        for name in revision.changes:
            changed.setdefault(name, []).append(
                (who, revision.created_at, ago(revision.created_at))
            )
    return changed


def field_conflicts(form):
    conflict = form.conflict
    changed = who_changed(form.instance, conflict.since.revision)
    rows = []
    for name in conflict.fields:
        theirs, yours = display(name, conflict.theirs[name]), display(name, conflict.mine[name])
        editable = isinstance(form.fields[name].widget, TEXT_WIDGETS) and name in form.data
        long = max(len(theirs), len(yours)) > LONG
        rows.append(
            FieldConflict(
                name=name,
                label=form.fields[name].label or name,
                theirs=theirs,
                yours=yours,
                changes=changed.get(name, []),
                choice="yours" if conflict.changed_by_me(name) else "theirs",
                edit=form.data.get(name, "") if editable else None,
                diff=list(history.word_diff(theirs, yours)) if long else [],
            )
        )
    return rows


def carried(form):
    """The editor's posted fields, as hidden `(name, value)` pairs for the page to post back.

    An upload rides along as the token of its staged copy (see staging.py), as after any refusal.
    """
    pairs = [
        (key, value)
        for key, values in form.data.lists()
        if key not in NOT_CARRIED | BUTTONS and not key.startswith(("resolve:", "edit:"))
        for value in values
    ]
    if staged := staged_upload(form):
        pairs.append((form.fields["image"].widget.token_name("image"), staged[0]))
    return pairs


def staged_upload(form):
    """`(token, file name)` of the header image the editor chose, kept for the next post."""
    field = form.fields.get("image")
    return getattr(field.widget, "staged", None) if field else None


def page(request, model_admin, form):
    """The conflict page (409) for the stopped save of `form`, inside the admin."""
    conflict = form.conflict
    title = conflict.theirs.get("title") or str(form.instance.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": form.instance,
        "article_title": title,
        "title": f"Someone else changed “{title}”",
        "conflicts": field_conflicts(form),
        "carried": carried(form),
        "version": conflict.now.version,
        "started_from": conflict.now.token(),
        "staged_upload": staged_upload(form),
        "lost_upload": "image" in form.files and not staged_upload(form),
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/articles/article/conflict.html", context, status=409)
