"""Another staff member's save, just in time: after a form was checked, before it is saved.

For the admin's races on a unique name (tests marked `django_db(transaction=True)`, so that the
other save really commits and the form's own save meets it in the database).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.models.signals import pre_save


@contextmanager
def saved_meanwhile(model: type[models.Model], other_save: Callable[[], object]) -> Iterator[None]:
    """The first time a `model` row is about to be saved inside the block (the form was checked by
    then), `other_save` runs in another connection and commits."""
    done = False
    failures: list[BaseException] = []

    def in_another_connection() -> None:
        try:
            other_save()
        except BaseException as failure:  # reported in the test's own thread
            failures.append(failure)
        finally:
            connection.close()

    def meanwhile(sender: type[models.Model], **kwargs: Any) -> None:
        nonlocal done
        if done:
            return
        done = True
        other = threading.Thread(target=in_another_connection)
        other.start()
        other.join()

    pre_save.connect(meanwhile, sender=model, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(meanwhile, sender=model)
    if failures:
        raise failures[0]
    assert done, f"no {model.__name__} was saved: the race was not run"
