"""Data migrations do what they say on a database that needs them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.public.search import install_search_index

BEFORE = [("articles", "0011_article_featured")]
AFTER = [("articles", "0012_body_images_and_tags")]


@pytest.fixture
def migrator():
    """A migration executor; the database is brought back to the latest state afterwards."""
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    install_search_index()  # SQLite drops triggers with a table a migration rebuilt


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_0012_merges_tag_case_variants_and_their_articles(migrator):
    executor = migrator
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Article = apps.get_model("articles", "Article")
    Tag = apps.get_model("taggit", "Tag")
    Tagged = apps.get_model("articles", "TaggedArticle")
    tags = {
        name: Tag.objects.create(name=name, slug=slug)
        for name, slug in [
            ("Clean energy", "clean-energy"),
            ("clean energy", "clean-energy-1"),
            ("CLEAN ENERGY", "clean-energy-2"),
            ("Wind", "wind"),
        ]
    }
    articles = [
        Article.objects.create(article_id=n, title=f"A{n}", slug=f"a{n}", date="2025-07-15T00:00Z")
        for n in range(1, 5)
    ]
    for article, names in zip(
        articles,
        [
            ["clean energy", "Wind"],
            ["clean energy"],
            ["Clean energy", "CLEAN ENERGY"],  # both spellings: tagged once afterwards
            ["Wind"],
        ],
        strict=True,
    ):
        for name in names:
            Tagged.objects.create(content_object=article, tag=tags[name])

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Tag = apps.get_model("taggit", "Tag")
    Tagged = apps.get_model("articles", "TaggedArticle")
    # "clean energy" had the most articles: it stays, with every article of the others.
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Wind", "clean energy"]
    tagged = sorted(Tagged.objects.values_list("content_object__article_id", "tag__name"))
    assert tagged == [
        (1, "Wind"),
        (1, "clean energy"),
        (2, "clean energy"),
        (3, "clean energy"),
        (4, "Wind"),
    ]
