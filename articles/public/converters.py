"""Path converters that own the public URL formats."""

import datetime as dt


class YearMonthConverter:
    """`YYYYMM`, the month of an article's date in UTC, as a `datetime.date` on the 1st."""

    regex = r"[0-9]{6}"

    def to_python(self, value):
        year, month = int(value[:4]), int(value[4:])
        # Year 9999 is out: its December would end past the last date Python can name.
        if not (1 <= month <= 12 and 1 <= year < 9999):
            raise ValueError(f"not a month: {value}")
        return dt.date(year, month, 1)

    def to_url(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return f"{value.year:04d}{value.month:02d}"


class ArticleIdConverter:
    """An article ID: what the database's bigint column can hold, else the URL matches nothing."""

    regex = r"[0-9]{1,19}"
    max_value = 2**63 - 1  # PositiveBigIntegerField on every backend

    def to_python(self, value):
        number = int(value)
        if number > self.max_value:
            raise ValueError(f"not an article ID: {value}")
        return number

    def to_url(self, value):
        return str(value)


class ArticleSlugConverter:
    """A slug that may hold non-Latin letters: the rest of a headline's URL is decoration."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
