"""Helpers for tests of imports and exports."""

from io import StringIO

from django.core.management import CommandError, call_command


def run_import(*paths, **options):
    """Run `import_articles`; return (stdout, stderr, the CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None
