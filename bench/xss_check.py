"""Import every public XSS vector as an article body and check the page carries nothing executable.

Usage: python bench/xss_check.py ../shared/corpora/xss/xss_vectors.jsonl

Each vector goes through the real import (front matter + body → sanitizer → database) and the real
article page; the rendered page is parsed with the standard library's HTML parser and every element,
attribute and URL that could run script is reported. Exits non-zero if any vector survives.
"""

import json
import sys
from pathlib import Path

from pagecheck import page_problems, setup_django


def main(corpus):
    workdir = setup_django("newsroom-xss-")
    from django.test import Client

    from articles.ingest.files import import_paths
    from articles.models import Article

    vectors = [json.loads(line)["payload"] for line in Path(corpus).read_text().split("\n") if line]
    for number, payload in enumerate(vectors, start=1):
        front = f'+++\ntitle = "Vector {number}"\ndate = "2025-01-01T00:00:00Z"\n'
        front += f"article_id = {number}\n+++\n"
        (workdir / f"{number}.md").write_text(front + payload, encoding="utf-8")
    result = import_paths([workdir])
    client = Client()
    failures = {}
    for article in Article.objects.all():
        if problems := page_problems(client, article):
            failures[article.article_id] = problems
    not_imported = len(vectors) - Article.objects.count()
    print(f"{len(vectors)} vectors: {Article.objects.count()} imported, {not_imported} refused")
    for path, reason in result.failures:
        print(f"  refused {Path(path).name}: {reason}")
    print(f"{len(vectors) - len(failures)} passed, {len(failures)} failed")
    for article_id, problems in sorted(failures.items()):
        print(
            f"  vector {article_id}: {'; '.join(problems)}\n    {vectors[article_id - 1][:200]!r}"
        )
    return 1 if failures or not_imported else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
