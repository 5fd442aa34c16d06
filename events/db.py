"""Django's default connection, for the code that talks to psycopg on it directly."""

from __future__ import annotations

from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


def default() -> BaseDatabaseWrapper:
    # The connection itself: every attribute read through django.db.connection looks it up
    # again in a context-local registry (~1.5 us each).
    return connections[DEFAULT_DB_ALIAS]


def server_cursor(db: BaseDatabaseWrapper | None = None) -> psycopg.Cursor[Any]:
    """A server-side-binding psycopg cursor on Django's PostgreSQL connection, in its transaction.

    Django's own cursors bind parameters on the client and are never prepared; this one can
    prepare a statement once per connection (`prepare=True`) and bind arrays and JSON as single
    parameters. The connection is readied as Django's cursor() readies it (health check, connect).
    """
    db = db if db is not None else default()
    db.close_if_health_check_failed()
    db.ensure_connection()
    return psycopg.Cursor(db.connection)
