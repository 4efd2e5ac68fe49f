"""SQL the benchmarks fill PostgreSQL with: INSERT … SELECT over generate_series, with values picked
by a hash of the row number (deterministic, spread), so a million rows take seconds, not hours.
Import after ``django.setup()``."""

from __future__ import annotations

from django.db import connection, models


def array(values: list[str]) -> str:
    """A PostgreSQL text[] literal (quoted, so any text goes in)."""
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def pick(values: list[str], seed: str) -> str:
    """SQL: one of ``values`` chosen by a hash of ``seed`` (deterministic, spread)."""
    return f"({array(values)})[1 + mod({hash_int(seed)}, {len(values)})]"


def hash_int(seed: str) -> str:
    """SQL: a non-negative pseudo-random integer from an integer expression."""
    return f"(hashint4(({seed})::int)::bigint & 2147483647)"


def insert_select(model: type[models.Model], values: dict[str, str], source: str, params: list) -> None:
    """INSERT INTO <model's table> SELECT … FROM <source>: ``values`` maps columns to SQL
    expressions; every other column gets its Python default, now() for auto times, NULL when it
    may (so a column added by another migration does not break the fill)."""
    columns, expressions, defaults = [], [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in values:
            columns.append(column)
            expressions.append(values[column])
        elif field.primary_key:
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            columns.append(column)
            expressions.append("now()")
        elif field.has_default() or (field.blank and isinstance(field, models.CharField | models.TextField)):
            columns.append(column)
            expressions.append("%s")
            default = field.get_default() if field.has_default() else ""
            defaults.append(field.get_db_prep_save(default, connection))
        elif not field.null:
            raise SystemExit(f"bench: no value for {model.__name__}.{field.name}; add it to the fill")
    unknown = set(values) - set(columns)
    if unknown:
        raise SystemExit(f"bench: {model.__name__} has no column {sorted(unknown)}")
    # Defaults are bound as parameters; they appear before the caller's parameters in the SELECT.
    select = ", ".join(expressions)
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {select} FROM {source}"  # noqa: S608
    ordered = []
    defaults_iter = iter(defaults)
    for expression in expressions:
        if expression == "%s":
            ordered.append(next(defaults_iter))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ordered, *params])


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608
        )


# --- the fill ---------------------------------------------------------------------------------------
