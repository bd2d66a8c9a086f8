"""How the feed commands report: one line per feed, problems and failures, conflicts in yellow."""

from articles.ingest.runs import CONFLICT, FAILED


class FeedReport:
    def __init__(self, command, verbosity):
        self.command = command
        self.style = command.style
        self.verbosity = verbosity

    def item(self, item_id, outcome):
        if outcome == CONFLICT:
            self.command.stdout.write(
                self.style.WARNING(f"conflict: {item_id} was edited in the admin; left as it is")
            )
        elif self.verbosity >= 2 and outcome != FAILED:
            self.command.stdout.write(f"{outcome}: {item_id}")

    def result(self, result, *, dry_run=False):
        name = f"{result.source.name}: " if result.source else ""
        if result.error:
            self.command.stderr.write(self.style.ERROR(f"{name}{result.location}: {result.error}"))
            return
        for problem in result.problems:
            self.command.stderr.write(self.style.WARNING(f"{result.location}: {problem}"))
        for item, reason in result.failures:
            self.command.stderr.write(self.style.ERROR(f"{result.location}: {item}: {reason}"))
        if result.not_modified:
            self.command.stdout.write(f"{name}not modified since the last poll.")
            return
        summary = f"{'Dry run: ' if dry_run else ''}{name}{result.summary()}"
        style = self.style.SUCCESS if result.ok else self.style.WARNING
        self.command.stdout.write(style(summary))
