"""Counting a public page's own queries, as a page rendered afresh in a warm generation costs.

Public pages share fragments computed once for every change to the site (the home page's lead,
every page's navigation and the parts around its content, see articles.serving.fragments). The
first page rendered after a change computes them; every other page rendered until the next
change finds them in the cache. Tests that count a page's queries therefore turn the page cache
on, start a generation with its fragments, and then request each page once (a second request
would be served from the cache).
"""

from django.test import override_settings

from articles.public import frontpage, related
from articles.serving.cache import invalidate_public_pages, start_generation

page_cache_on = override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)


def warm_generation():
    """Drop the cached pages, start a new generation and compute the site-wide fragments."""
    invalidate_public_pages()
    start_generation()
    frontpage.lead_stories()
    frontpage.navigation()
    related.newest_public()


def release(response):
    """Read a streamed response to its end, which closes its file, and return what it held.

    The test client closes a response it has read with `close_old_connections` held off;
    calling `response.close()` from a test fires `request_finished` with it on, which closes the
    database connection inside the test's transaction (on PostgreSQL, for real).
    """
    return b"".join(response.streaming_content) if response.streaming else response.content
