from django.core.management.base import BaseCommand, CommandError

from articles.importers.files import FAILED, import_paths


class Command(BaseCommand):
    help = "Import article files (TOML front matter + HTML body) from files and folders."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="Article files or folders (searched recursively)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        def report(path, outcome):
            if verbosity >= 2 and outcome != FAILED:
                self.stdout.write(f"{outcome}: {path}")

        result = import_paths(paths, dry_run=dry_run, on_result=report)
        for path, reason in result.failures:
            self.stderr.write(self.style.ERROR(f"{path}: {reason}"))
        counts = result.counts
        summary = (
            f"{'Dry run: ' if dry_run else ''}{counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['failed']} failed."
        )
        if not result.ok:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{len(result.failures)} file(s) failed to import.")
        self.stdout.write(self.style.SUCCESS(summary))
