from django.core.management.base import BaseCommand, CommandError

from articles.ingest.enclosures import FAILED, FETCHED, SKIPPED, fetch_enclosures, pending
from articles.models import Source


class Command(BaseCommand):
    help = (
        "Download imported header images (enclosures) into media storage, verified and "
        "re-encoded; failures are noted on the article and shown in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", metavar="NAME", help="Only this source's articles.")
        parser.add_argument(
            "--limit", type=int, metavar="N", help="At most N articles, newest first."
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Try again the articles whose image failed before.",
        )

    def handle(self, *args, source, limit, retry_failed, verbosity, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number.")
        selected = None
        if source:
            selected = Source.objects.filter(name=source).first()
            if selected is None:
                raise CommandError(f"No source named {source!r}.")
        articles = pending(selected, retry_failed=retry_failed)[:limit]

        def report(article, outcome):
            if verbosity >= 2:
                self.stdout.write(f"{outcome}: article {article.article_id} {article.enclosure}")

        result = fetch_enclosures(articles, on_result=report)
        for article_id, reason in result.failures:
            self.stderr.write(self.style.ERROR(f"article {article_id}: {reason}"))
        counts = result.counts
        summary = (
            f"{counts[FETCHED]} fetched, {counts[FAILED]} failed, "
            f"{counts[SKIPPED]} skipped (changed meanwhile)."
        )
        style = self.style.WARNING if result.failures else self.style.SUCCESS
        self.stdout.write(style(summary))
