import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from articles.models import Article, Status
from articles.public.search import Term, highlight, install_search_index, parse_query, search
from tests.factories import make_article, make_source
from tests.pages import page_cache_on, warm_generation

HOSTILE_QUERIES = [
    '"',
    '"unbalanced phrase',
    "a OR b NOT c AND (d",
    "title:solar",
    "NEAR(solar battery, 2)",
    "*",
    "^solar",
    "sol*ar*",
    "'; DROP TABLE articles_article; --",
    "\\",
    "\x00",
    "solar & | ! <-> :*",
    "🙂",
    "x" * 5000,
    '"" ""',
    "{title body}: x",
]


def test_parses_words_phrases_and_prefixes():
    assert parse_query('Solar "battery storage" elect*') == [
        Term(("solar",)),
        Term(("battery", "storage")),
        Term(("elect",), prefix=True),
    ]


def test_parse_turns_syntax_into_separators():
    assert parse_query('title:solar OR "x') == [
        Term(("title", "solar")),
        Term(("or",)),
        Term(("x",)),
    ]
    assert parse_query('*  "" ^ ()') == []


def test_highlight_escapes_everything_but_its_own_marks():
    snippet = highlight(
        "<p>Fish &amp; <b>chips</b> <script>x</script> & solar</p>", parse_query("solar")
    )
    assert snippet == "Fish &amp; chips x &amp; <mark>solar</mark>"


def test_highlight_keeps_paragraphs_apart_and_inline_markup_together():
    snippet = highlight("<p>First ends.</p><p>Second <b>bold</b>ly <i>solar</i>.</p>", [])
    assert snippet == "First ends. Second boldly solar."


def test_highlight_escapes_markup_in_matched_words_context():
    snippet = highlight("&lt;img src=x onerror=alert(1)&gt; solar", parse_query("solar"))
    assert "<img" not in snippet
    assert "&lt;img" in snippet
    assert snippet.endswith("<mark>solar</mark>")


def test_highlight_cuts_a_window_around_the_first_match():
    text = (
        " ".join(f"w{i}" for i in range(200)) + " needle " + " ".join(f"v{i}" for i in range(200))
    )
    snippet = highlight(text, parse_query("needle"), words=10)
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>needle</mark>" in snippet
    assert len(snippet.split()) == 12


def test_highlight_marks_prefixes():
    assert highlight("Electric electrons", parse_query("electr*")) == (
        "<mark>Electric</mark> <mark>electrons</mark>"
    )


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("Energy Wire")
        cls.solar = make_article(
            title="Solar farm opens",
            summary="A new farm.",
            body="<p>The county's largest solar array feeds the grid.</p>",
            source=cls.source,
        )
        cls.battery = make_article(
            title="Battery plant",
            body="<p>Grid-scale battery storage arrives; solar mentioned once.</p>",
        )
        cls.phrase = make_article(
            title="Storage news",
            body="<p>Long-duration battery storage is the theme.</p>",
        )
        cls.draft = make_article(title="Solar draft", status=Status.DRAFT)
        cls.future = make_article(
            title="Solar tomorrow", date=timezone.now() + dt.timedelta(days=1)
        )

    def titles(self, text):
        return [a.title for a in search(text)]

    def test_ranks_title_matches_first(self):
        assert self.titles("solar") == ["Solar farm opens", "Battery plant"]

    def test_finds_only_published_articles(self):
        assert "Solar draft" not in self.titles("solar")
        assert "Solar tomorrow" not in self.titles("solar")

    def test_every_word_must_match(self):
        assert self.titles("solar grid county") == ["Solar farm opens"]

    def test_phrase_query_needs_the_words_in_order(self):
        assert set(self.titles('"battery storage"')) == {"Battery plant", "Storage news"}
        assert self.titles('"storage battery"') == []

    def test_prefix_query(self):
        assert set(self.titles("arr*")) == {"Solar farm opens", "Battery plant"}
        assert self.titles("arr") == []

    def test_stemming_finds_other_forms(self):
        assert "Battery plant" in self.titles("arriving")

    def test_index_follows_updates_and_deletes(self):
        Article.objects.filter(pk=self.phrase.pk).update(body="<p>Now about wind turbines.</p>")
        assert self.titles("turbines") == ["Storage news"]
        assert self.titles("long duration") == []
        Article.objects.filter(pk=self.phrase.pk).delete()
        assert self.titles("turbines") == []

    def test_markup_is_not_searchable_text_in_snippets(self):
        response = self.client.get("/search/", {"q": "county"})
        self.assertContains(response, "The <mark>county</mark>&#x27;s largest solar array")

    def test_hostile_queries_never_fail(self):
        for query in HOSTILE_QUERIES:
            with self.subTest(query=query[:40]):
                response = self.client.get("/search/", {"q": query})
                assert response.status_code == 200

    def test_results_page_shows_snippets_and_count(self):
        response = self.client.get("/search/", {"q": "battery"})
        self.assertContains(response, "2 articles found")
        self.assertContains(response, "<mark>battery</mark> storage")
        self.assertContains(response, '<meta name="robots" content="noindex, follow">')

    def test_the_search_page_without_a_query_may_be_indexed(self):
        response = self.client.get("/search/")
        self.assertNotContains(response, "noindex")
        self.assertContains(response, '<meta name="description"')
        self.assertContains(response, f'<link rel="canonical" href="{settings.SITE_URL}/search/">')

    def test_query_is_escaped_on_the_page(self):
        response = self.client.get("/search/", {"q": "<script>alert(1)</script>"})
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_no_results_page(self):
        response = self.client.get("/search/", {"q": "zeppelin"})
        self.assertContains(response, "No articles match “zeppelin”")

    def test_empty_query_shows_the_form_and_no_results_message(self):
        response = self.client.get("/search/")
        self.assertContains(response, 'role="search"')
        self.assertNotContains(response, "No articles match")

    def test_pagination_keeps_the_query(self):
        for i in range(3):
            make_article(title=f"Kelp report {i}", body="<p>kelp</p>")
        with self.settings(ARTICLES_PER_PAGE=2):
            response = self.client.get("/search/", {"q": "kelp"})
        self.assertContains(response, 'href="?q=kelp&amp;page=2"')

    @page_cache_on
    def test_costs_a_fixed_number_of_queries(self):
        for i in range(15):
            make_article(title=f"Solar {i}", source=make_source(f"Wire {i}"), tags=[f"t{i}"])
        warm_generation()
        # count, page (results show no tags)
        with self.assertNumQueries(2):
            self.client.get("/search/", {"q": "solar"})


@pytest.mark.django_db
def test_install_puts_back_a_dropped_trigger_and_indexes_what_it_missed():
    # What a migration that rebuilds the table does to the triggers on SQLite.
    trigger = {
        "sqlite": "DROP TRIGGER articles_article_fts_insert",
        "postgresql": "DROP TRIGGER search_document_update ON articles_article",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(trigger)
    make_article(title="Written while the trigger was gone", body="<p>Narwhal sighting.</p>")
    assert not search("narwhal").exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # run the foreign key checks the insert deferred
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    install_search_index(using=connection.alias)

    assert [a.title for a in search("narwhal")] == ["Written while the trigger was gone"]
    make_article(title="Written after", body="<p>Another narwhal.</p>")
    assert search("narwhal").count() == 2


@pytest.mark.django_db
def test_finds_a_phrase_in_a_body_among_10000_bulk_created_articles():
    now = timezone.now()
    filler = "<p>" + " ".join(["market update quarterly results guidance"] * 40) + "</p>"
    articles = [
        Article(
            article_id=5_000_000 + i,
            title=f"Quarterly update {i}",
            slug=f"quarterly-update-{i}",
            date=now - dt.timedelta(minutes=i),
            status=Status.PUBLISHED,
            body=filler,
        )
        for i in range(10_000)
    ]
    articles[7_345].body = filler + "<p>The heliotrope rover found liquid water.</p>"
    Article.objects.bulk_create(articles, batch_size=1000)

    found = list(search('"heliotrope rover found"'))

    assert [a.article_id for a in found] == [5_007_345]
    assert search('"rover heliotrope"').count() == 0
