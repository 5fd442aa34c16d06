"""Batch reads and upserts for the projection writers: per table and batch, one SELECT of exactly
the keys the batch touches and one INSERT ... ON CONFLICT DO UPDATE of the changed rows.

On PostgreSQL the keys and rows travel as one JSON document (an array of rows) bound server-side on
the psycopg connection Django holds (same transaction): no per-row SQL, no model instances, and
json.dumps in C instead of per-element parameter adaptation. The portable path (SQLite, the
embedded default) uses the ORM.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import orjson
from django.db import connection, models

from events.db import server_cursor

R = TypeVar("R")
# SQLite binds at most 32766 parameters per statement.
MAX_PARAMS = 30_000
KEY_CHUNK = 5_000


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _columns(model: type[models.Model], names: Sequence[str]) -> list[tuple[str, str]]:
    """(quoted column, array type) per field name."""
    out = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        db_type = field.db_type(connection) or "text"
        if db_type.startswith("varchar"):
            db_type = "text"
        if db_type == "serial" or db_type == "bigserial":
            db_type = "bigint" if db_type == "bigserial" else "integer"
        out.append((connection.ops.quote_name(field.column), db_type))
    return out


def _field_names(make: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(make)]


def load(
    model: type[models.Model],
    key_fields: Sequence[str],
    keys: Collection[tuple[Any, ...]],
    make: Callable[..., R],
) -> dict[tuple[Any, ...], R]:
    """Current rows of `keys` as `make(*fields)` (a dataclass of model fields), keyed by key."""
    return dict(_rows(model, key_fields, keys, make))


def load_all(
    model: type[models.Model],
    key_fields: Sequence[str],
    keys: Collection[tuple[Any, ...]],
    make: Callable[..., R],
) -> dict[tuple[Any, ...], list[R]]:
    """As `load`, for keys that are not unique: every row of each key."""
    out: dict[tuple[Any, ...], list[R]] = {}
    for key, row in _rows(model, key_fields, keys, make):
        out.setdefault(key, []).append(row)
    return out


def _rows(
    model: type[models.Model],
    key_fields: Sequence[str],
    keys: Collection[tuple[Any, ...]],
    make: Callable[..., R],
) -> list[tuple[tuple[Any, ...], R]]:
    if not keys:
        return []
    names = _field_names(make)
    index = [names.index(name) for name in key_fields]
    if _pg():
        table = connection.ops.quote_name(model._meta.db_table)
        key_columns = _columns(model, key_fields)
        aliases = ", ".join(column for column, _ in key_columns)
        select = ", ".join(f"t.{column}" for column, _ in _columns(model, names))
        sql = (
            f"WITH k AS (SELECT {_extract(key_columns)} FROM jsonb_array_elements(%s::jsonb) AS x) "
            f"SELECT {select} FROM {table} AS t JOIN k USING ({aliases})"
        )
        cursor = server_cursor()
        try:
            rows = cursor.execute(sql, [_json(list(keys))], prepare=True).fetchall()
        finally:
            cursor.close()
        return [(tuple(row[i] for i in index), make(*row)) for row in rows]
    return _load_orm(model, key_fields, keys, make, names, index)


def _load_orm(
    model: type[models.Model],
    key_fields: Sequence[str],
    keys: Collection[tuple[Any, ...]],
    make: Callable[..., R],
    names: list[str],
    index: list[int],
) -> list[tuple[tuple[Any, ...], R]]:
    # Filter each key column by the set of its values (a superset), keep the exact keys.
    wanted = set(keys)
    found: list[tuple[tuple[Any, ...], R]] = []
    first_values = sorted({key[0] for key in wanted})
    rest = {name: sorted({key[i] for key in wanted}) for i, name in enumerate(key_fields) if i}
    for start in range(0, len(first_values), KEY_CHUNK):
        chunk = first_values[start : start + KEY_CHUNK]
        query = model.objects.filter(**{f"{key_fields[0]}__in": chunk})  # type: ignore[attr-defined]
        for name, values in rest.items():
            if len(values) <= KEY_CHUNK:
                query = query.filter(**{f"{name}__in": values})
        for values in query.values_list(*names):
            key = tuple(values[i] for i in index)
            if key in wanted:
                found.append((key, make(*values)))
    return found


def upsert(model: type[models.Model], rows: Iterable[Any], key_fields: Sequence[str]) -> None:
    """Insert or overwrite rows (dataclasses whose fields are model fields) by their unique key."""
    rows = list(rows)
    if not rows:
        return
    names = _field_names(type(rows[0]))
    if _pg():
        _upsert_pg(model, rows, names, key_fields)
        return
    update = [name for name in names if name not in key_fields]
    model.objects.bulk_create(  # type: ignore[attr-defined]
        [model(**{name: getattr(row, name) for name in names}) for row in rows],
        batch_size=max(1, MAX_PARAMS // max(1, len(names))),
        update_conflicts=bool(update),
        ignore_conflicts=not update,
        unique_fields=list(key_fields) if update else None,
        update_fields=update or None,
    )


def _upsert_pg(
    model: type[models.Model], rows: list[Any], names: list[str], key_fields: Sequence[str]
) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, names)
    keys = {column for (column, _), name in zip(columns, names, strict=True) if name in key_fields}
    insert = ", ".join(column for column, _ in columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c, _ in columns if c not in keys)
    conflict = ", ".join(c for c, _ in columns if c in keys)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    sql = (
        f"INSERT INTO {table} ({insert}) SELECT {_extract(columns)} "
        f"FROM jsonb_array_elements(%s::jsonb) AS x ON CONFLICT ({conflict}) {action}"
    )
    payload = _json([[getattr(row, name) for name in names] for row in rows])
    cursor = server_cursor()
    try:
        cursor.execute(sql, [payload], prepare=True)
    finally:
        cursor.close()


def add(
    model: type[models.Model], rows: Iterable[Any], key_fields: Sequence[str], count_field: str
) -> None:
    """Add each row's `count_field` to the stored row of its key (a new key is inserted as is):
    counters that a batch only ever increments need no read of their current values."""
    rows = list(rows)
    if not rows:
        return
    names = _field_names(type(rows[0]))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, names)
    conflict = ", ".join(column for column, _ in _columns(model, key_fields))
    ((counter, _),) = _columns(model, [count_field])
    action = (
        f"ON CONFLICT ({conflict}) DO UPDATE SET {counter} = {table}.{counter} + EXCLUDED.{counter}"
    )
    insert = ", ".join(column for column, _ in columns)
    values = [[getattr(row, name) for name in names] for row in rows]
    if _pg():
        sql = (
            f"INSERT INTO {table} ({insert}) SELECT {_extract(columns)} "
            f"FROM jsonb_array_elements(%s::jsonb) AS x {action}"
        )
        cursor = server_cursor()
        try:
            cursor.execute(sql, [_json(values)], prepare=True)
        finally:
            cursor.close()
        return
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as dj_cursor:
        dj_cursor.executemany(f"INSERT INTO {table} ({insert}) VALUES ({marks}) {action}", values)


def _extract(columns: Sequence[tuple[str, str]]) -> str:
    """`(x->>0)::type AS column, ...`: one JSON array per row, one element per column."""
    return ", ".join(
        f"(x->>{i})::{db_type} AS {column}" for i, (column, db_type) in enumerate(columns)
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} to the database as JSON")


def _json(rows: list[Any]) -> str:
    """Rows as one JSON document: the C encoder beats binding thousands of parameters.

    orjson writes datetimes, dates and uuids itself, as isoformat() and str() would (json.dumps
    calls back into Python for each: a third of a rebuild's encoding time); an integer beyond 64
    bits, which orjson refuses, sends the document through json.dumps instead."""
    try:
        return orjson.dumps(rows, default=_default).decode()
    except orjson.JSONEncodeError:
        return json.dumps(rows, default=_default, separators=(",", ":"))


def truncate(*tables: type[models.Model]) -> None:
    """Empty read-model tables for a rebuild (TRUNCATE on PostgreSQL, DELETE elsewhere)."""
    with connection.cursor() as cursor:
        for model in tables:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")
