import sys
from contextlib import nullcontext

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.ingest.files import CONFLICT, FAILED, import_paths


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
        parser.add_argument(
            "--max-size",
            type=int,
            default=settings.ARTICLE_FILE_MAX_BYTES,
            metavar="BYTES",
            help="Refuse files larger than this (default: %(default)s).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes parsing files (default: up to 2; 0 or 1 parses in this process).",
        )

    def handle(self, *args, paths, dry_run, force, max_size, workers, verbosity, **options):
        if max_size < 1:
            raise CommandError("--max-size must be a positive number of bytes.")
        progress = Progress(enabled=verbosity >= 1 and sys.stderr.isatty())

        def report(path, outcome):
            progress.step(outcome)
            if outcome == CONFLICT and verbosity >= 1:
                with progress.paused():
                    self.stdout.write(
                        self.style.WARNING(
                            f"conflict: {path} was edited in the admin; left as it is"
                        )
                    )
            elif verbosity >= 2 and outcome != FAILED:
                with progress.paused():
                    self.stdout.write(f"{outcome}: {path}")

        with progress:
            result = import_paths(
                paths,
                dry_run=dry_run,
                force=force,
                max_bytes=max_size,
                workers=workers,
                on_found=progress.found,
                on_result=report,
            )
        for path, reason in result.failures:
            self.stderr.write(self.style.ERROR(f"{path}: {reason}"))
        summary = f"{'Dry run: ' if dry_run else ''}{result.summary()}"
        if verbosity >= 2:
            summary += f" Recorded as import run {result.run.pk}."
        if not result.ok:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{len(result.failures)} file(s) failed to import.")
        if result.overwritten and verbosity >= 1:
            for path in result.overwritten:
                self.stdout.write(self.style.WARNING(f"overwritten: {path} had editors' changes"))
            self.stdout.write(
                self.style.WARNING(
                    f"--force: {len(result.overwritten)} article(s) edited in the admin "
                    f"{'would be' if dry_run else 'were'} overwritten."
                )
            )
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(summary))


class Progress:
    """A progress bar on a terminal showing files/s and failures so far; nothing otherwise."""

    def __init__(self, *, enabled):
        self.bar = None
        self.enabled = enabled
        self.failed = 0

    def __enter__(self):
        if self.enabled:
            self.bar = tqdm(unit=" files", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
        return self

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.close()

    def found(self, count):
        if self.bar is not None:
            self.bar.reset(total=count)

    def step(self, outcome):
        if self.bar is None:
            return
        if outcome == FAILED:
            self.failed += 1
            self.bar.set_postfix(failed=self.failed, refresh=False)
        self.bar.update()

    def paused(self):
        """Clear the bar while other lines are written to the terminal."""
        return self.bar.external_write_mode() if self.bar is not None else nullcontext()
