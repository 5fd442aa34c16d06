"""Django for the benchmarks, as production runs it."""

from __future__ import annotations


def setup_django() -> None:
    """django.setup() with DEBUG off: no query log or debug cursor wrapper, as in production
    (DEBUG's development default would put them on Django's cursors only, not the store's)."""
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
