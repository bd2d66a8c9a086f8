"""Helpers for tests of imports and exports."""

from io import StringIO

from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.models import Article, Revision, Source, TaggedArticle


def run_import(*paths, **options):
    """Run `import_articles`; return (stdout, stderr, the CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def database_state():
    """Everything an import may write, to compare before and after."""
    return (
        sorted(Article.objects.values_list()),
        sorted(TaggedArticle.objects.values_list("content_object_id", "tag__name")),
        sorted(Source.objects.values_list("name", flat=True)),
        Tag.objects.count(),
        Revision.objects.count(),
    )
