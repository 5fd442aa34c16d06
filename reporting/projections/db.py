"""Batch reads and upserts for the projection writers: one SELECT per table per batch for the keys
the batch touches, one INSERT ... ON CONFLICT DO UPDATE per table per chunk of rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, models

R = TypeVar("R")
# PostgreSQL binds at most 65535 parameters per statement, SQLite 32766.
MAX_PARAMS = 30_000
KEY_CHUNK = 5_000


def load(
    model: type[models.Model],
    key_fields: Sequence[str],
    keys: Collection[tuple[Any, ...]],
    make: Callable[..., R],
) -> dict[tuple[Any, ...], R]:
    """Current rows of `keys` as `make(**fields)`, keyed like `keys`.

    Filters each key column by the set of its values (a superset of the wanted rows, tight enough
    because a batch touches few students, questions and days) and keeps the exact keys.
    """
    if not keys:
        return {}
    wanted = set(keys)
    names = [f.name for f in dataclasses.fields(make)]  # type: ignore[arg-type]
    found: dict[tuple[Any, ...], R] = {}
    first = key_fields[0]
    first_values = sorted({key[0] for key in wanted})
    rest = {name: sorted({key[i] for key in wanted}) for i, name in enumerate(key_fields) if i > 0}
    index = [names.index(name) for name in key_fields]
    for start in range(0, len(first_values), KEY_CHUNK):
        chunk = first_values[start : start + KEY_CHUNK]
        query = model.objects.filter(**{f"{first}__in": chunk})  # type: ignore[attr-defined]
        for name, values in rest.items():
            if len(values) <= KEY_CHUNK:
                query = query.filter(**{f"{name}__in": values})
        for values in query.values_list(*names):
            key = tuple(values[i] for i in index)
            if key in wanted:
                found[key] = make(*values)
    return found


def upsert(model: type[models.Model], rows: Iterable[Any], key_fields: Sequence[str]) -> None:
    """Insert or overwrite rows (dataclasses whose fields are model fields) by their unique key."""
    objects = [model(**dataclasses.asdict(row)) for row in rows]
    if not objects:
        return
    fields = [
        f.name for f in model._meta.concrete_fields if not f.primary_key or f.name in key_fields
    ]
    update = [name for name in fields if name not in key_fields]
    size = max(1, MAX_PARAMS // max(1, len(fields)))
    model.objects.bulk_create(  # type: ignore[attr-defined]
        objects,
        batch_size=size,
        update_conflicts=bool(update),
        ignore_conflicts=not update,
        unique_fields=list(key_fields) if update else None,
        update_fields=update or None,
    )


def truncate(*tables: type[models.Model]) -> None:
    """Empty read-model tables for a rebuild (TRUNCATE on PostgreSQL, DELETE elsewhere)."""
    with connection.cursor() as cursor:
        for model in tables:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")
