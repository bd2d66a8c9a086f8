"""No lost updates: a save from a form opened on an older version never overwrites what others
saved since.

Every write of an article counts its `version` up in the database (`Article.save()`, and the
bulk writers with `NEXT_VERSION`). The form carries the version it started from and, signed, the
values it showed. Saving locks the article's row (`select_for_update`; SQLite's immediate
transaction holds the write lock) and re-reads it: the same version, the save goes on. An older
one: each field whose stored value is no longer what the form started from was changed by
someone else, and unless the form already says the same, the save stops and the admin shows the
conflict page (`conflicts.py`). Fields nobody else changed go through as the editor left them.
The lock is held until the save commits, so two workers (or servers) cannot both pass the check.

A post without a version (a script posting fields by hand, not the form) is saved as before.
"""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.core import signing

from articles import revisions
from articles.models import Article
from articles.sanitize import sanitize_html

SALT = "articles.editorial.concurrency"
# Not compared: an upload is a deliberate act (and a form that uploads nothing keeps the stored
# image); `image_crop` follows the image and is compared like any other field.
UNCOMPARED = {"image"}


def checked_fields(form_fields):
    """The form's fields that a stale save is checked on: the article's tracked fields."""
    return [
        name for name in form_fields if name in revisions.TRACKED_FIELDS and name not in UNCOMPARED
    ]


def comparable(name, value):
    """`value` of field `name` as it is compared: JSON, UTC, line ends and sanitizing aside."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
    value = revisions.json_value(value)
    if isinstance(value, str):
        if name == "body":
            value = sanitize_html(value)
        value = value.replace("\r\n", "\n").strip()
    if value in ("", None, []):
        return None
    return value


def same(name, a, b):
    return comparable(name, a) == comparable(name, b)


@dataclass(frozen=True)
class StartedFrom:
    """What a form started from: the article's version, its latest revision, the values shown."""

    version: int
    revision: int
    values: dict = field(default_factory=dict)

    def token(self):
        return signing.dumps(
            {"v": self.version, "r": self.revision, "f": self.values}, salt=SALT, compress=True
        )

    @classmethod
    def of(cls, article, fields):
        latest = article.revisions.order_by("-pk").values_list("pk", flat=True).first()
        return cls(article.version, latest or 0, revisions.snapshot(article, fields))

    @classmethod
    def from_token(cls, token, version):
        """The token's start, or one that knows only `version` when the token is unreadable."""
        try:
            data = signing.loads(token or "", salt=SALT)
        except signing.BadSignature:
            return cls(version, 0, {})
        if data.get("v") != version:  # a token of another version: trust neither
            return cls(version, 0, {})
        return cls(data["v"], data["r"], data["f"])


@dataclass
class Conflict:
    """A stale save stopped: the fields others changed that the form would overwrite."""

    fields: list  # names, in the form's order
    theirs: dict  # the stored values (JSON), by name
    mine: dict  # the form's values (JSON), by name
    started: dict  # what the form started from (JSON), by name; empty when unknown
    since: StartedFrom  # where the editor started
    now: StartedFrom  # the article as it is: a resolution starts from here

    def changed_by_me(self, name):
        return not self.started or not same(name, self.started.get(name), self.mine[name])


class VersionCheckedForm(forms.ModelForm):
    """A model form for an article that refuses to overwrite what others saved since it opened.

    After a conflict, the conflict page posts the form back with `resolve:<field>` set to
    `theirs`, `yours` or `edit` (then `edit:<field>` holds the edited value).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    started_from = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.checks_version = True  # the preview reads the form without locking anything
        self.take_theirs = set()
        self.started = None  # what the form started from, when it shows an article
        if self.instance.pk and not self.is_bound:
            self.started = StartedFrom.of(self.instance, checked_fields(self.fields))
            self.initial.update(version=self.started.version, started_from=self.started.token())
        if self.is_bound:
            self.data = self.resolved(self.data)
            if self.instance.pk and self.data.get("version", "").isdigit():
                version = int(self.data["version"])
                self.started = StartedFrom.from_token(self.data.get("started_from"), version)

    def resolved(self, data):
        """The posted data with the conflict page's choices applied."""
        choices = {key[len("resolve:") :]: data[key] for key in data if key.startswith("resolve:")}
        if not choices:
            return data
        data = data.copy()
        for name, choice in choices.items():
            if name not in self.fields:
                continue
            if choice == "theirs":
                self.take_theirs.add(name)
            elif choice == "edit" and f"edit:{name}" in data:
                data[name] = data[f"edit:{name}"]
        return data

    def _post_clean(self):
        if self.instance.pk and self.checks_version and not self._errors:
            self.check_version()
        super()._post_clean()

    def check_version(self):
        """Lock and re-read the article; stop the save if others changed what it would write."""
        version = self.cleaned_data.get("version")
        if version is None:
            return  # not posted by the form
        self.instance.refresh_from_db(from_queryset=Article.objects.select_for_update())
        if "image" in self.fields and "image" not in self.changed_data:
            self.cleaned_data["image"] = self.instance.image
        for name in self.take_theirs:
            self.cleaned_data[name] = stored_value(self.instance, name)
        if self.instance.version == version:
            return
        names = checked_fields(self.fields)
        since = StartedFrom.from_token(self.cleaned_data.get("started_from"), version)
        now = StartedFrom.of(self.instance, names)
        mine = {name: revisions.json_value(self.cleaned_data.get(name)) for name in names}
        stale = [
            name
            for name in names
            if not (since.values and same(name, since.values.get(name), now.values[name]))
            and not same(name, mine[name], now.values[name])
        ]
        if stale:
            self.conflict = Conflict(stale, now.values, mine, since.values, since, now)
            self.add_error(None, "Someone else saved this article since you opened it.")


def started_value(data, name):
    """The value of `name` the posted form started from (as `snapshot()` gives it), or
    `revisions.UNKNOWN` when the post carries no readable start."""
    version = data.get("version", "")
    if not version.isdigit():
        return revisions.UNKNOWN
    values = StartedFrom.from_token(data.get("started_from"), int(version)).values
    return values.get(name, revisions.UNKNOWN)


def stored_value(article, name):
    """The article's stored value of `name`, as a form's cleaned data holds it."""
    if name == "tags":
        return list(article.tags.names())
    return getattr(article, name)
