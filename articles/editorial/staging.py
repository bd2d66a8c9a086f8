"""Uploads kept across a failed save: an editor never picks the same file twice.

A browser cannot put a file back into a file input, so when the form is refused for another
field, the verified upload is written to storage under `staged-uploads/` and the form carries a
signed token naming it. The next post without a new file takes the staged one; the token is
signed (a post cannot name any other stored file) and lapses after `MAX_AGE` seconds; staged
files older than that (a form abandoned after its refusal) are deleted whenever another is staged.
"""

import datetime as dt
import mimetypes
import uuid
from pathlib import PurePosixPath

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.html import format_html

FOLDER = "staged-uploads"
MAX_AGE = 24 * 60 * 60
SALT = "articles.editorial.staging"


def stage(upload):
    """Keep `upload` in storage and return the token that gives it back."""
    prune()
    upload.seek(0)
    name = PurePosixPath(upload.name).name
    stored = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}/{name}", ContentFile(upload.read()))
    upload.seek(0)
    return signing.dumps(stored, salt=SALT)


def stored_name(token):
    """The storage name a token signs, or None for a forged, stale or foreign token."""
    try:
        name = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(name, str) or not name.startswith(f"{FOLDER}/") or ".." in name:
        return None
    return name


def unstage(token):
    """The staged upload `token` names, as a fresh upload; None when it is gone or invalid."""
    name = stored_name(token or "")
    if name is None:
        return None
    try:
        with default_storage.open(name) as staged:
            data = staged.read()
    except OSError:
        return None
    filename = PurePosixPath(name).name
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return SimpleUploadedFile(filename, data, content_type)


def discard(token):
    """Delete the staged file `token` names (once the article has its own copy)."""
    name = stored_name(token or "")
    if name is not None:
        default_storage.delete(name)


def prune(now=None):
    """Delete the staged files whose tokens have lapsed; return how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=MAX_AGE)
    deleted = 0
    try:
        folders, _ = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for folder in folders:
        for name in default_storage.listdir(f"{FOLDER}/{folder}")[1]:
            path = f"{FOLDER}/{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted


class StagedFileInput(AdminFileWidget):
    """The admin's file input, which gives back the upload a failed save staged.

    The staged file is named under the input, with its token in a hidden field; choosing another
    file (or clearing) wins over it.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.staged = None  # (token, file name) of the upload this form keeps

    @staticmethod
    def token_name(name):
        return f"{name}-staged"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is not None:  # a new file, or the clear box
            return upload
        token = data.get(self.token_name(name))
        if self.staged and self.staged[0] == token:
            return unstage(token)
        staged = unstage(token)
        if staged is not None:
            self.staged = (token, staged.name)
        return staged

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and not self.staged

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.staged:
            return html
        token, filename = self.staged
        return html + format_html(
            '<input type="hidden" name="{}" value="{}">'
            '<p class="staged-upload">Kept from your last try: <strong>{}</strong>. It is saved '
            "with the article unless you choose another file.</p>",
            self.token_name(name),
            token,
            filename,
        )


def keep(form, name):
    """After a failed validation, stage the upload `form` accepted for field `name`."""
    widget = form.fields[name].widget
    upload = form.cleaned_data.get(name)
    if isinstance(upload, UploadedFile) and not widget.staged:
        widget.staged = (stage(upload), PurePosixPath(upload.name).name)


def release(form, name):
    """After a successful save, delete the staged copy the article no longer needs."""
    widget = form.fields[name].widget
    if widget.staged:
        discard(widget.staged[0])
        widget.staged = None
