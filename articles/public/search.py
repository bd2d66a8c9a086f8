"""Full-text search over published articles: SQLite FTS5 or PostgreSQL, behind `search()`.

The editors' list searches every article with the same engines and ranking through
`search_including()`, which also takes the articles a second condition finds (a tag, a source).

Readers type words, "quoted phrases" and prefixes ending in `*`. `parse_query()` reduces any input
to that grammar (every other character is a separator), so no reader can reach the engines' own
query syntax: hostile input finds nothing rather than failing.

The index lives outside the migrations on purpose. SQLite rebuilds a table to alter it and drops
its triggers with it, so `install_search_index()` runs after every `migrate` (post_migrate) and
puts back whatever is missing. Both engines keep the index with database triggers, so
`bulk_create`, `QuerySet.update()` and raw SQL writes are indexed too:

- SQLite: an external-content FTS5 table over title, summary and body, ranked with bm25.
- PostgreSQL: a `search_document` tsvector column (title weighted A, summary B, body C) filled by
  a trigger and GIN-indexed. A stored column, not an expression index, so ranking reads the
  stored vector instead of parsing every matching body again; not a generated column, so later
  migrations may still alter the columns it reads.
"""

import html
import re
from dataclasses import dataclass

from django.db import connection, connections
from django.db.models import BooleanField, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from articles.models import Article

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
FTS_TABLE = "articles_article_fts"
PG_COLUMN = "search_document"  # a column Django does not know: see the module docstring
PG_INDEX = "article_search_document_idx"
PG_CONFIG = "english"
SNIPPET_WORDS = 36

WORD_RE = re.compile(r"\w+")
BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|table|tr|td|th|blockquote|pre|figure|figcaption)\b[^>]*>",
    re.IGNORECASE,
)
TOKEN_RE = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True)
class Term:
    """Words that must appear in this order; the last may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_query(text) -> list[Term]:
    """Return the terms of a reader's query: words, "phrases" and prefix* terms."""
    terms = []
    for phrase, bare in TOKEN_RE.findall(text[:MAX_QUERY_LENGTH]):
        chunk = phrase if phrase or not bare else bare
        words = tuple(w.lower() for w in WORD_RE.findall(chunk))
        if words:
            terms.append(Term(words, prefix=not phrase and chunk.endswith("*")))
    return terms[:MAX_TERMS]


def search(text, queryset=None) -> QuerySet[Article]:
    """Published articles matching `text`, best first; none for a query without words."""
    queryset = Article.objects.published() if queryset is None else queryset
    terms = parse_query(text)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, terms)
    return _search_sqlite(queryset, terms)


def search_including(text, queryset, also):
    """Articles of `queryset` matching `text` or the condition `also`, ranked as `search()` ranks.

    The editors' list searches every article, whatever its status, this way: the full-text
    matches ranked first, then the articles only `also` found (a tag, a source), newest first.
    """
    terms = parse_query(text)
    if not terms:
        return queryset.filter(also)
    if connection.vendor == "postgresql":
        query, params = f"to_tsquery('{PG_CONFIG}', %s)", [_tsquery(terms)]
        document = f'"{Article._meta.db_table}"."{PG_COLUMN}"'
        matches = Q(RawSQL(f"{document} @@ {query}", params, output_field=BooleanField()))
        rank = RawSQL(f"ts_rank({document}, {query})", params, output_field=FloatField())
    else:
        table = connection.ops.quote_name(Article._meta.db_table)
        params = [_fts5_query(terms)]
        match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        matches = Q(pk__in=RawSQL(match, params))
        # bm25 is lower for better matches; articles only `also` found come after them all.
        rank = Coalesce(
            RawSQL(
                f"SELECT -bm25({FTS_TABLE}, 10.0, 4.0, 1.0) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {table}.id",
                params,
                output_field=FloatField(),
            ),
            Value(0.0),
        )
    return queryset.filter(matches | also).annotate(search_rank=rank)


# How `search_including()` orders: best match first, then newest.
RANKED = ["-search_rank", "-date", "-article_id"]


def _fts5_query(terms):
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.words) + '"'
        parts.append(quoted + "*" if term.prefix else quoted)
    return " ".join(parts)


def _search_sqlite(queryset, terms):
    # extra(): the ORM has no join to a virtual table; the FTS5 table's rowid is the article's pk.
    table = connection.ops.quote_name(Article._meta.db_table)
    return queryset.extra(
        tables=[FTS_TABLE],
        # The unary + keeps the rowid from the virtual table's constraints, so SQLite always
        # reads the full-text matches first and looks articles up by key, never the reverse.
        where=[f"{table}.id = +{FTS_TABLE}.rowid", f"{FTS_TABLE} MATCH %s"],
        params=[_fts5_query(terms)],
        select={"search_rank": f"bm25({FTS_TABLE}, 10.0, 4.0, 1.0)"},
        order_by=["search_rank", "-date", "-article_id"],
    )


def _tsquery(terms):
    parts = []
    for term in terms:
        lexemes = [f"'{word}'" for word in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def _search_postgresql(queryset, terms):
    query = f"to_tsquery('{PG_CONFIG}', %s)"
    document = f'"{Article._meta.db_table}"."{PG_COLUMN}"'
    params = [_tsquery(terms)]
    return (
        queryset.filter(RawSQL(f"{document} @@ {query}", params, output_field=BooleanField()))
        .annotate(search_rank=RawSQL(f"ts_rank({document}, {query})", params))
        .order_by("-search_rank", "-date", "-article_id")
    )


def highlight(text, terms, *, words=SNIPPET_WORDS):
    """Plain text of `text` around the first match, escaped, with matches in <mark>."""
    spaced = BLOCK_TAG_RE.sub(" ", text)  # "</p><p>" separates words; "<b>" inside one doesn't
    plain = " ".join(html.unescape(strip_tags(spaced)).split())
    pieces = re.split(r"(\w+)", plain)  # separators at even indexes, words at odd ones
    word_count = len(pieces) // 2
    exact = {word for term in terms for word in term.words}
    prefixes = tuple(term.words[-1] for term in terms if term.prefix)

    def is_match(word):
        word = word.lower()
        return word in exact or bool(prefixes and word.startswith(prefixes))

    first = next((n for n in range(word_count) if is_match(pieces[2 * n + 1])), 0)
    start = max(0, first - words // 3)
    stop = min(word_count, start + words)
    begin = 0 if start == 0 else 2 * start + 1
    end = len(pieces) if stop == word_count else 2 * stop
    shown = [
        f"<mark>{escape(piece)}</mark>" if i % 2 and is_match(piece) else escape(piece)
        for i, piece in enumerate(pieces[begin:end], start=begin)
    ]
    return mark_safe(("… " if begin else "") + "".join(shown) + (" …" if end < len(pieces) else ""))


def install_search_index(using=None):
    """Create whatever part of the search index is missing (after every `migrate`)."""
    conn = connections[using or "default"]
    if conn.vendor == "sqlite":
        _install_sqlite(conn)
    elif conn.vendor == "postgresql":
        _install_postgresql(conn)


SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"""
        CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON articles_article BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
    f"{FTS_TABLE}_delete": f"""
        CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON articles_article BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
        END""",
    f"{FTS_TABLE}_update": f"""
        CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF title, summary, body ON articles_article
        BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
            INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
}


def _install_sqlite(conn):
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "articles_article" not in present:
            return
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        if FTS_TABLE in present and not missing:
            return
        if FTS_TABLE not in present:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, summary, body, "
                "content='articles_article', content_rowid='id', "
                "tokenize='porter unicode61 remove_diacritics 2')"
            )
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        # Rows written while a trigger was missing are indexed again from the table itself.
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


PG_DOCUMENT = f"""
    setweight(to_tsvector('{PG_CONFIG}', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('{PG_CONFIG}', coalesce(NEW.summary, '')), 'B')
    || setweight(to_tsvector('{PG_CONFIG}', coalesce(NEW.body, '')), 'C')"""
PG_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION {PG_COLUMN}_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.{PG_COLUMN} := {PG_DOCUMENT};
        RETURN NEW;
    END $$"""
PG_TRIGGER = f"""
    CREATE TRIGGER {PG_COLUMN}_update
    BEFORE INSERT OR UPDATE OF title, summary, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION {PG_COLUMN}_update()"""


def _install_postgresql(conn):
    with conn.cursor() as cursor:
        columns = conn.introspection.get_table_description(cursor, "articles_article")
        if PG_COLUMN not in {column.name for column in columns}:
            cursor.execute(f"ALTER TABLE articles_article ADD COLUMN {PG_COLUMN} tsvector")
        cursor.execute(PG_FUNCTION)
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = 'articles_article'::regclass",
            [f"{PG_COLUMN}_update"],
        )
        if cursor.fetchone() is None:
            cursor.execute(PG_TRIGGER)
        if PG_INDEX not in conn.introspection.get_constraints(cursor, "articles_article"):
            cursor.execute(f"CREATE INDEX {PG_INDEX} ON articles_article USING GIN ({PG_COLUMN})")
        # Rows written while the trigger was missing are indexed now.
        cursor.execute(
            f"UPDATE articles_article SET {PG_COLUMN} = "
            + PG_DOCUMENT.replace("NEW.", "articles_article.")
            + f" WHERE {PG_COLUMN} IS NULL"
        )
