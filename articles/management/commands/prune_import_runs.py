from django.core.management.base import BaseCommand, CommandError

from articles.ingest.runs import prune_runs, retention_days


class Command(BaseCommand):
    help = (
        "Delete import runs that finished more than IMPORT_RUN_RETENTION_DAYS days ago. "
        "Runs still running, and runs that revisions point at, are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            metavar="N",
            help="Keep the runs of the last N days instead of IMPORT_RUN_RETENTION_DAYS.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many runs would go; delete nothing."
        )

    def handle(self, *args, days, dry_run, verbosity, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        days = days or retention_days()
        if days is None:
            if verbosity >= 1:
                self.stdout.write(
                    self.style.WARNING(
                        "IMPORT_RUN_RETENTION_DAYS is 0: import runs are kept forever. "
                        "Pass --days N to prune all the same."
                    )
                )
            return
        if verbosity >= 2:
            self.stdout.write(
                f"Looking for import runs that finished over {days} day(s) ago "
                "and that no revision points at."
            )
        count = prune_runs(days, dry_run=dry_run)
        if verbosity >= 1:
            if dry_run:
                self.stdout.write(f"Dry run: {count} import run(s) would be deleted.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Deleted {count} import run(s)."))
