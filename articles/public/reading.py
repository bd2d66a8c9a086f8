"""What an article page tells a reader about reading it: how long it takes, whether it changed.

Reading time counts the words of the body's text at `WORDS_PER_MINUTE`, rounded, at least one
minute. An article "was updated" when it was last saved more than `UPDATE_GRACE` after it was
published or, for an imported release dated before it reached us, after it arrived: the polish
and header image fetch that follow an import or a publication are not news to a reader.
"""

import datetime as dt
import re

from django.utils.html import strip_tags

WORDS_PER_MINUTE = 230
UPDATE_GRACE = dt.timedelta(hours=1)
WORD = re.compile(r"\w+")


def reading_minutes(html):
    """Minutes a reader needs for the HTML `html`: at least one."""
    words = len(WORD.findall(strip_tags(html or "")))
    return max(1, round(words / WORDS_PER_MINUTE))


def updated_at(article):
    """When the article last changed after publishing, or None when it has not."""
    published = max(article.date, article.created_at or article.date)
    if article.updated_at and article.updated_at - published > UPDATE_GRACE:
        return article.updated_at
    return None
