from django.core.management.base import BaseCommand, CommandError

from articles.cache import exclusive
from articles.importers.feeds import poll_source, sources_due
from articles.management.feedoutput import FeedOutput

# Longer than any poll can take (fetches are time-limited), short enough to recover from a crash.
POLL_LOCK_SECONDS = 15 * 60


class Command(BaseCommand):
    help = (
        "Poll the feed of every active source whose polling interval has passed. "
        "Meant to run every few minutes from cron or a systemd timer."
    )

    def handle(self, *args, verbosity, **options):
        output = FeedOutput(self, verbosity)
        sources = list(sources_due())
        polled = errors = 0
        for source in sources:
            # Several app servers may run this command: one polls a source, the others skip it.
            with exclusive(f"poll-feed:{source.pk}", POLL_LOCK_SECONDS) as won:
                if not won or not sources_due().filter(pk=source.pk).exists():
                    if verbosity >= 2:
                        self.stdout.write(f"{source}: polled elsewhere, skipped.")
                    continue
                result = poll_source(source, on_result=output.item)
            output.result(result)
            polled += 1
            errors += bool(result.error)
        if verbosity >= 1:
            self.stdout.write(f"Polled {polled} source(s), {errors} could not be read.")
        if errors:
            raise CommandError(f"{errors} of {polled} feed(s) could not be read.")
