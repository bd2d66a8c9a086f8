"""Template helpers for the reader's pages."""

import datetime as dt

from django import template

from articles.public import body, frontpage, reading, search
from articles.public.cards import cards_html

register = template.Library()


@register.filter
def highlight(text, terms):
    """The passage of `text` around the search terms, escaped, with the terms in <mark>."""
    return search.highlight(text, terms)


@register.simple_tag(takes_context=True)
def site_part(context, name):
    """A part of every public page around its content: "head", "masthead" or "footer"."""
    return frontpage.site_part(name, context)


@register.simple_tag
def cards(articles):
    """The cards of `articles` (a list page's), rendered once for the same rows."""
    return cards_html(list(articles))


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL's query string with `page` set to `number` (search keeps its `q`)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def isoformat(value):
    """An aware datetime in UTC to the second, as HTML's <time> and crawlers read it."""
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else ""


@register.filter
def reading_minutes(html):
    """Minutes a reader needs for an article's body (see articles.public.reading)."""
    return reading.reading_minutes(html)


@register.filter
def updated_after_publishing(article):
    """When the article changed after it was published, or None."""
    return reading.updated_at(article)


@register.filter
def article_body(html):
    """The stored body as the page shows it: uploaded images as their renditions."""
    return body.page_body(html)
