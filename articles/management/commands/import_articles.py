from django.core.management.base import BaseCommand, CommandError

from articles.importers.files import CONFLICT, FAILED, import_paths


class Command(BaseCommand):
    help = "Import article files (TOML front matter + HTML body) from files and folders."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="Article files or folders (searched recursively)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite articles that editors changed since their last import.",
        )

    def handle(self, *args, paths, dry_run, force, verbosity, **options):
        def report(path, outcome):
            if outcome == CONFLICT:
                self.stdout.write(
                    self.style.WARNING(f"conflict: {path} was edited in the admin; left as it is")
                )
            elif verbosity >= 2 and outcome != FAILED:
                self.stdout.write(f"{outcome}: {path}")

        result = import_paths(paths, dry_run=dry_run, force=force, on_result=report)
        for path, reason in result.failures:
            self.stderr.write(self.style.ERROR(f"{path}: {reason}"))
        counts = result.counts
        summary = (
            f"{'Dry run: ' if dry_run else ''}{counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['conflict']} in conflict, {counts['failed']} failed."
        )
        if not result.ok:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{len(result.failures)} file(s) failed to import.")
        if force and counts["updated"]:
            self.stdout.write(self.style.WARNING("--force: editors' changes were overwritten."))
        self.stdout.write(self.style.SUCCESS(summary))
