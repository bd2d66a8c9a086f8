"""Every import run is accountable: outcomes, results and the `ImportRun` record they leave.

File and feed importers share this: they count outcomes in an `ImportResult` and record the run
with `start_run()` / `finish_run()`, so the admin shows who imported what, and what failed and why.
Runs are kept `IMPORT_RUN_RETENTION_DAYS` after they finish, then `prune_runs()` deletes them.
"""

import datetime as dt
import getpass
import os
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import ImportRun, Revision, SanitizedMarkup

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
FAILED = "failed"

# ImportRun's count field for each outcome.
COUNT_FIELDS = {
    CREATED: "created",
    UPDATED: "updated",
    UNCHANGED: "unchanged",
    CONFLICT: "conflicts",
    FAILED: "failed",
}


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)  # updated over an editor's changes
    sanitized: list[tuple[str, str]] = field(default_factory=list)  # (path, what was removed)

    def add(self, outcome):
        self.counts[outcome] += 1

    def fail(self, path, reason):
        self.counts[FAILED] += 1
        self.failures.append((str(path), reason))

    @property
    def ok(self):
        return not self.failures

    def summary(self):
        """One line of counts, as commands print it."""
        counts = self.counts
        return (
            f"{counts[CREATED]} created, {counts[UPDATED]} updated, "
            f"{counts[UNCHANGED]} unchanged, {counts[CONFLICT]} in conflict, "
            f"{counts[FAILED]} failed."
        )


def current_os_user():
    """Who runs this process, as the operating system knows them; empty when it can't say."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid, e.g. in a bare container
        return str(os.getuid()) if hasattr(os, "getuid") else ""


def start_run(kind, paths, *, dry_run=False, forced=False, source=None, started_by=None):
    """Record that a run of `kind` over `paths` (files, folders or feed URLs) starts now."""
    return ImportRun.objects.create(
        kind=kind,
        started_by=current_os_user() if started_by is None else started_by,
        paths=[str(path) for path in paths],
        source=source,
        dry_run=dry_run,
        forced=forced,
    )


def count_values(counts):
    """ImportRun field values for a Counter of outcomes."""
    return {name: counts[outcome] for outcome, name in COUNT_FIELDS.items()}


def save_counts(run, counts):
    """Store the counts so far, so an interrupted run still shows how far it got."""
    ImportRun.objects.filter(pk=run.pk).update(**count_values(counts))


def finish_run(run, result, *, error=""):
    """Store the run's final counts, every failure with its reason, and the time it ended."""
    for name, value in count_values(result.counts).items():
        setattr(run, name, value)
    run.failures = [{"path": path, "reason": reason} for path, reason in result.failures]
    run.error = error
    run.finished_at = timezone.now()
    run.save()
    SanitizedMarkup.objects.bulk_create(
        SanitizedMarkup(run=run, path=path[:1000], removed=removed)
        for path, removed in result.sanitized
    )
    return run


# Runs deleted per statement by `prune_runs`.
PRUNE_BATCH = 500


def retention_days() -> int:
    """Days a finished run is kept, from IMPORT_RUN_RETENTION_DAYS; None when kept forever (0)."""
    days = settings.IMPORT_RUN_RETENTION_DAYS
    return days if days > 0 else None


def expired_runs(before):
    """Runs that finished before `before` and that no revision points at.

    A running or interrupted run (no `finished_at`) never expires. A run a revision points at is
    kept: the article's history names it as the import that changed the article.
    """
    referenced = Revision.objects.filter(import_run=OuterRef("pk"))
    return ImportRun.objects.filter(finished_at__lt=before).exclude(Exists(referenced))


def prune_runs(days, *, dry_run=False, now=None) -> int:
    """Delete the runs that finished over `days` days ago (see `expired_runs`); return how many
    went, or with `dry_run` how many would go."""
    if days < 1:
        raise ValueError(f"Keep import runs for at least one day, not {days}.")
    runs = expired_runs((now or timezone.now()) - dt.timedelta(days=days))
    if dry_run:
        return runs.count()
    # In batches of primary keys: the first prune may meet a year of polls, and a plain delete()
    # loads every row it deletes (failures and all) to look for revisions to unlink.
    deleted = 0
    while pks := list(runs.values_list("pk", flat=True)[:PRUNE_BATCH]):
        _, by_model = ImportRun.objects.filter(pk__in=pks).only("pk").delete()
        deleted += by_model.get(ImportRun._meta.label, 0)
    return deleted
