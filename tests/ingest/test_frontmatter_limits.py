"""Front matter of unusual shape: a clear error per file, never a traceback or a broken page."""

import pytest
from django.core.management import CommandError

from articles.ingest.frontmatter import (
    MAX_ARRAY_ITEMS,
    MAX_NESTING,
    FrontMatterError,
    parse_article,
)
from articles.models import Article
from articles.sanitize import TAGS_MAX
from tests.factories import RawToml, article_file
from tests.importing import run_import


def nested(depth, kind="array"):
    if kind == "array":
        return RawToml("[" * depth + "1" + "]" * depth)
    return RawToml("{a = " * depth + "1" + "}" * depth)


def tag_list(count):
    return RawToml("[" + ", ".join(f'"tag {n}"' for n in range(count)) + "]")


class FrontMatterShapeTests:
    @pytest.mark.parametrize("kind", ["array", "table"])
    def test_nesting_past_python_s_recursion_is_a_front_matter_error(self, kind):
        with pytest.raises(FrontMatterError, match="nests arrays or tables too deeply"):
            parse_article(article_file(extra=nested(5000, kind)).encode())

    @pytest.mark.parametrize("kind", ["array", "table"])
    def test_nesting_past_the_limit_is_refused(self, kind):
        parse_article(article_file(extra=nested(MAX_NESTING - 1, kind)).encode())
        with pytest.raises(FrontMatterError, match=f"'extra' nests .* deeper than {MAX_NESTING}"):
            parse_article(article_file(extra=nested(MAX_NESTING, kind)).encode())

    def test_an_array_past_the_limit_is_refused(self):
        numbers = RawToml("[" + ", ".join(["1"] * (MAX_ARRAY_ITEMS + 1)) + "]")
        with pytest.raises(
            FrontMatterError, match=f"array of 1,001 items, over {MAX_ARRAY_ITEMS:,}"
        ):
            parse_article(article_file(extra=numbers).encode())

    def test_tags_past_the_limit_are_refused(self):
        parse_article(article_file(tags=tag_list(TAGS_MAX)).encode())
        with pytest.raises(FrontMatterError, match=f"over the limit of {TAGS_MAX} per article"):
            parse_article(article_file(tags=tag_list(TAGS_MAX + 1)).encode())


@pytest.mark.django_db
class ImportLimitTests:
    def test_deep_nesting_and_huge_arrays_give_a_clear_per_file_error(self, folder, client):
        bad = {
            "deep.md": article_file(article_id=1, extra=nested(5000)),
            "deep-table.md": article_file(article_id=2, extra=nested(5000, "table")),
            "huge.md": article_file(article_id=3, extra=RawToml("[" + "1," * 100_000 + "]")),
            "tags.md": article_file(article_id=4, tags=tag_list(5000)),
        }
        paths = {name: folder(name, text) for name, text in bad.items()}
        folder("good.md", article_file(article_id=5, tags=tag_list(TAGS_MAX)))
        out, err, error = run_import(folder.path, workers=0)
        assert isinstance(error, CommandError)
        assert "1 created, 0 updated, 0 unchanged, 0 in conflict, 4 failed" in out
        assert f"{paths['deep.md']}: front matter nests arrays or tables too deeply" in err
        assert f"{paths['deep-table.md']}: front matter nests arrays or tables too deeply" in err
        assert f"{paths['huge.md']}: 'extra' is an array of 100,000 items" in err
        assert f"{paths['tags.md']}: 'tags' is an array of 5,000 items" in err
        assert "Traceback" not in err
        article = Article.objects.get()
        assert article.tags.count() == TAGS_MAX
        assert client.get(article.get_absolute_url()).status_code == 200
