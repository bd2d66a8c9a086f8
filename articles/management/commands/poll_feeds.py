from django.core.management.base import BaseCommand, CommandError

from articles.ingest.feeds import poll_source, sources_due
from articles.ingest.runs import prune_runs, retention_days
from articles.management.feed_report import FeedReport
from articles.models import Source
from articles.serving.cache import exclusive

# Longer than any poll can take (fetches are time-limited), short enough to recover from a crash.
POLL_LOCK_SECONDS = 15 * 60


class Command(BaseCommand):
    help = (
        "Poll the feed of every active source whose polling interval has passed. "
        "Meant to run every few minutes from cron or a systemd timer. "
        "Afterwards, deletes the import runs older than IMPORT_RUN_RETENTION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", metavar="NAME", help="Poll only this source, now, whether due or not."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, source, dry_run, verbosity, **options):
        output = FeedReport(self, verbosity)
        candidates = sources_due()
        if source:
            candidates = Source.objects.filter(name=source).exclude(feed_url="")
            if not candidates.exists():
                raise CommandError(f"No source named {source!r} with a feed URL.")
        sources = list(candidates)
        polled = errors = 0
        for wire in sources:
            # Several app servers may run this command: one polls a source, the others skip it.
            with exclusive(f"poll-feed:{wire.pk}", POLL_LOCK_SECONDS) as won:
                if not won or not candidates.filter(pk=wire.pk).exists():
                    if verbosity >= 2:
                        self.stdout.write(f"{wire}: polled elsewhere, skipped.")
                    continue
                result = poll_source(wire, dry_run=dry_run, on_result=output.item)
            output.result(result, dry_run=dry_run)
            polled += 1
            errors += bool(result.error)
        if verbosity >= 1:
            self.stdout.write(f"Polled {polled} source(s), {errors} could not be read.")
        self.prune(dry_run=dry_run, verbosity=verbosity)
        if errors:
            raise CommandError(f"{errors} of {polled} feed(s) could not be read.")

    def prune(self, *, dry_run, verbosity):
        """Keep the run table bounded without another timer: one query when nothing expired."""
        days = retention_days()
        if dry_run or days is None:
            return
        pruned = prune_runs(days)
        if pruned and verbosity >= 1:
            self.stdout.write(f"Deleted {pruned} import run(s) older than {days} day(s).")
