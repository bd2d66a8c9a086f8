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


def insert_rows(model, rows, *, ignore_conflicts=False):
    """INSERT `rows` (dicts by attname; missing fields take their defaults) into `model`'s table.

    With `ignore_conflicts`, rows that a unique constraint already holds are skipped, as
    `bulk_create(ignore_conflicts=True)` would.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    ops = connection.ops
    sql = "{insert} {table} ({columns}) VALUES ({values}) {suffix}".format(
        insert=ops.insert_statement(on_conflict=on_conflict),
        table=ops.quote_name(model._meta.db_table),
        columns=", ".join(ops.quote_name(field.column) for field in fields),
        values=", ".join(["%s"] * len(fields)),
        suffix=ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    )
    defaults = [field.get_default() for field in fields]
    converters = [
        None if field.get_internal_type() in PLAIN_TYPES else field.get_db_prep_save
        for field in fields
    ]
    names = [field.attname for field in fields]
    params = []
    for row in rows:
        values = []
        for name, default, convert in zip(names, defaults, converters, strict=True):
            value = row.get(name, default)
            values.append(value if convert is None else convert(value, connection))
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
