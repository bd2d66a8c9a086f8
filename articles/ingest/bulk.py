"""Insert many rows with one `executemany`: the write half of a large import.

`bulk_create()` builds each row through model instances and per-value SQL compilation; at the few
thousand articles a second an import aims for, that Python was most of the write time. These
helpers send plain tuples to the driver instead, converting only the values that need it.
"""

from django.db import connections, router
from django.db.models.constants import OnConflict

# Values of these fields go to the driver as Python has them; others are converted by the field.
PLAIN_TYPES = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "SlugField",
        "TextField",
    }
)


def insert_rows(model, rows, *, common=None, ignore_conflicts=False):
    """INSERT `rows` (dicts by attname) into `model`'s table.

    A field missing from a row takes its value from `common` (the same for every row), else its
    default; those are converted for the database once, not once a row. With `ignore_conflicts`,
    rows that a unique constraint already holds are skipped, as `bulk_create()` would.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    common = common or {}
    columns = []
    for field in fields:
        convert = None if field.get_internal_type() in PLAIN_TYPES else field.get_db_prep_save
        fallback = common[field.attname] if field.attname in common else field.get_default()
        if convert is not None:
            fallback = convert(fallback, connection)
        columns.append((field.attname, fallback, convert))
    params = [row_values(columns, row, connection) for row in rows]
    ops = connection.ops
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    one_row = "({})".format(", ".join(["%s"] * len(fields)))
    statement = "{insert} {table} ({columns}) VALUES {{values}} {suffix}".format(
        insert=ops.insert_statement(on_conflict=on_conflict),
        table=ops.quote_name(model._meta.db_table),
        columns=", ".join(ops.quote_name(field.column) for field in fields),
        suffix=ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The sqlite3 module runs one prepared statement over all rows, in C.
            cursor.executemany(statement.format(values=one_row), params)
            return
        # Elsewhere one statement per row costs a round trip each: send rows by the hundred.
        size = max(1, ops.bulk_batch_size(fields, rows))
        for start in range(0, len(params), size):
            chunk = params[start : start + size]
            values = ", ".join([one_row] * len(chunk))
            cursor.execute(statement.format(values=values), [v for row in chunk for v in row])


def row_values(columns, row, connection):
    """The row's values in `columns` order, as the database takes them."""
    values = []
    for name, fallback, convert in columns:
        if name not in row:
            values.append(fallback)
        elif convert is None:
            values.append(row[name])
        else:
            values.append(convert(row[name], connection))
    return values
