from django.core.management.base import BaseCommand, CommandError

from articles.importers.feeds import poll_source, sources_due
from articles.management.feedoutput import FeedOutput


class Command(BaseCommand):
    help = (
        "Poll the feed of every active source whose polling interval has passed. "
        "Meant to run every few minutes from cron or a systemd timer."
    )

    def handle(self, *args, verbosity, **options):
        output = FeedOutput(self, verbosity)
        sources = list(sources_due())
        errors = 0
        for source in sources:
            result = poll_source(source, started_by="poll_feeds", on_result=output.item)
            output.result(result)
            errors += bool(result.error)
        if verbosity >= 1:
            self.stdout.write(f"Polled {len(sources)} source(s), {errors} could not be read.")
        if errors:
            raise CommandError(f"{errors} of {len(sources)} feed(s) could not be read.")
