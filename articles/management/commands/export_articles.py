from django.core.management.base import BaseCommand, CommandError

from articles.ingest.exporter import export_articles, export_queryset
from articles.ingest.frontmatter import FrontMatterError, parse_date


def since_value(text):
    """A date (midnight UTC) or an RFC 3339 datetime, for `--since`."""
    try:
        return parse_date(text)
    except FrontMatterError:
        raise CommandError(f"--since must be a date like 2025-07-01, not {text!r}") from None


class Command(BaseCommand):
    help = "Write articles as article files (TOML front matter + HTML body), in folders by month."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write; created if need be.")
        parser.add_argument("--source", help="Only this source (name or slug).")
        parser.add_argument("--since", help="Only articles dated on or after this date.")
        parser.add_argument("--tag", help="Only articles with this tag (name or slug).")
        parser.add_argument(
            "--include-drafts", action="store_true", help="Drafts too (left out by default)."
        )

    def handle(self, *args, folder, source, since, tag, include_drafts, verbosity, **options):
        articles = export_queryset(
            source=source,
            since=since_value(since) if since else None,
            tag=tag,
            include_drafts=include_drafts,
        )
        try:
            count = export_articles(articles, folder)
        except OSError as exc:
            raise CommandError(f"cannot write to {folder}: {exc}") from exc
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Exported {count} article(s) to {folder}."))
