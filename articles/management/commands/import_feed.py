from django.core.management.base import BaseCommand, CommandError

from articles.ingest.feeds import import_feed
from articles.management.feed_report import FeedReport


class Command(BaseCommand):
    help = "Import an RSS or Atom feed from an http(s) URL or a file."

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="URL_OR_FILE", help="The feed's URL or file.")
        parser.add_argument(
            "--source",
            metavar="NAME",
            default="",
            help="The source (partner wire) to import into; created if new. "
            "Default: the source polling this URL, else one named after the feed's title.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, location, source, dry_run, verbosity, **options):
        output = FeedReport(self, verbosity)
        result = import_feed(
            location,
            source_name=source.strip(),
            dry_run=dry_run,
            on_result=output.item,
        )
        output.result(result, dry_run=dry_run)
        if result.error:
            raise CommandError(f"{location}: {result.error}")
        if result.failures:
            raise CommandError(f"{len(result.failures)} feed item(s) failed to import.")
