"""Pagination for the public lists that never counts the archive.

Readers page through a list with "Newer" and "Older"; nobody needs the archive's size, and a
`COUNT(*)` over it cost a list page more than all the rest of it (6 ms on SQLite, 20 ms on
PostgreSQL at 100,000 articles, and growing with the archive). A page reads one row more than it
shows, to know whether an older page exists. Search results keep Django's counting paginator:
there the number of matches is news to the reader.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger

# Pages past this are 404 unread: 200,000 articles at 20 a page, and no database offset
# overflows (`?page=99999999999999999999` was a database error, logged as an outage).
PAGE_MAX = 10_000


class UncountedPaginator:
    """Pages of `object_list` without a total: no `count`, no `num_pages`, no last page."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        self.object_list = object_list
        self.per_page = int(per_page)
        self.allow_empty_first_page = allow_empty_first_page

    def validate_number(self, number):
        """`number` as a page number (1 or more); raise `InvalidPage` for anything else."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number > PAGE_MAX:
            raise EmptyPage(f"Page numbers stop at {PAGE_MAX:,}")
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage("That page contains no results")
        return UncountedPage(
            rows[: self.per_page], number, self, has_next=len(rows) > self.per_page
        )


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)
