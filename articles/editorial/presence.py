"""Who else is at an article: editors with its form open, and saves made since yours opened.

An open form says so every `POLL_SECONDS` (static/js/admin-concurrency.js); an editor counts as
present for `PRESENT_SECONDS` after the last word, so a closed tab drops out on its own. The
records live in the shared cache (Redis in production, so every worker and server sees them),
one entry per article; two heartbeats at the same instant may lose one, which the next
heartbeat mends: presence is a courtesy, the version check is what protects the content.
"""

import contextlib
import datetime as dt
import time

from django.core.cache import cache
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from articles.editorial import history
from articles.models import Revision

POLL_SECONDS = 15
PRESENT_SECONDS = 45


def ago(when):
    """ "just now", "2 minutes ago", "3 hours ago": how long since `when`, roughly."""
    if timezone.now() - when < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(when).split(',')[0]} ago"


def key(article_pk):
    return f"presence:article:{article_pk}"


def name_of(user):
    return user.get_full_name() or user.get_username()


def here(article_pk, user):
    """Record that `user` has the article's form open; the others who do, longest first."""
    now = time.time()
    try:
        entries = cache.get(key(article_pk)) or {}
    except Exception:  # the cache is down: nobody is known to be here
        return []
    entries = {uid: e for uid, e in entries.items() if now - e["seen"] < PRESENT_SECONDS}
    mine = entries.get(str(user.pk))
    entries[str(user.pk)] = {
        "name": name_of(user),
        "since": mine["since"] if mine else now,
        "seen": now,
    }
    with contextlib.suppress(Exception):  # the cache is down: this editor goes unseen
        cache.set(key(article_pk), entries, PRESENT_SECONDS * 2)
    others = [e for uid, e in entries.items() if uid != str(user.pk)]
    return sorted(others, key=lambda e: e["since"])


def open_notices(others):
    """ "Maria has this article open, since 10:42" for each other editor."""
    notices = []
    for entry in others:
        since = timezone.localtime(dt.datetime.fromtimestamp(entry["since"], tz=dt.UTC))
        notices.append(f"{entry['name']} has this article open, since {since:%H:%M}.")
    return notices


def saved_notices(article_pk, user, since_revision):
    """ "Tom saved a new summary 2 minutes ago" for each change by others after `since_revision`."""
    later = (
        Revision.objects.filter(article_id=article_pk, pk__gt=since_revision)
        .exclude(user=user)
        .select_related("user")
        .order_by("-pk")[:5]
    )
    notices = []
    for revision in later:
        who = name_of(revision.user) if revision.user else revision.get_origin_display()
        *others, last = [history.label(name) for name in revision.changes]
        fields = f"{', '.join(others)} and {last}" if others else last
        notices.append(f"{who} saved a new {fields} {ago(revision.created_at)}.")
    return notices


def status(article, user, since_revision):
    """What the form's notice shows: who has it open, what others saved since it opened."""
    return {
        "open": open_notices(here(article.pk, user)),
        "saved": saved_notices(article.pk, user, since_revision),
        "reload": reverse("admin:articles_article_change", args=[article.pk]),
    }


def presence_view(request, article, model_admin):
    """GET: say this editor is here; answer who else is and what they saved since."""
    try:
        since = int(request.GET.get("revision", ""))
    except ValueError:
        since = 0
    return JsonResponse(
        status(article, request.user, since), headers={"Cache-Control": "no-store, private"}
    )
