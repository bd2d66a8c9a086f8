"""The error summary at the top of the article form: every refused field, named and linked.

The admin says "Please correct the error below" and leaves the editor to find the field, which
may sit far down or in a collapsed fieldset. The summary names each field in error with its first
message and links to the input that takes it (a split or multi-part field's first input), which
static/js/admin-errors.js focuses, opening a collapsed fieldset on the way.
"""

from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorDict


@dataclass(frozen=True)
class FieldError:
    label: str
    message: str
    target: str  # the id of the input to focus; empty for errors of the whole form


def summary(form):
    """The form's errors in the order its fields appear, those of the whole form first."""
    errors = form.errors if form.is_bound else ErrorDict()
    items = [FieldError("", message, "") for message in errors.get("__all__", [])]
    for bound in form:
        if bound.name in errors:
            items.append(FieldError(str(bound.label), errors[bound.name][0], input_id(bound)))
    return items


def input_id(bound):
    """The id of the first input a bound field renders: `id_date_0` for a split date and time."""
    widget = bound.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id
