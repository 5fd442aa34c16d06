"""Whether this web process can name every static file a page may ask for.

With DEBUG off the pages name each static file by its hashed name from the manifest that
`collectstatic` writes (settings.STORAGES): a file the manifest lacks ("Missing staticfiles
manifest entry for 'studyflow/site.css'") makes every page naming it fail with a 500, although the
database and everything else is fine. Each process reads the manifest once, when it first needs
it, so a manifest collected after the process started is not seen until it is restarted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.contrib.staticfiles.apps import StaticFilesConfig
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages

# Named by the base template, so by every page: checked even if no finder listed it.
PAGE_FILES = ("studyflow/site.css", "studyflow/favicon.svg")

# The storage whose manifest named every file. A storage never reads its manifest again, so the
# answer holds for as long as the process keeps it: later probes cost nothing. (The tests' changed
# settings make a new storage, which is checked afresh.)
_complete: object | None = None


def first_missing(names: Iterable[str], stored_name: Callable[[str], object]) -> str | None:
    """Why the first of `names` has no stored name (the manifest's "Missing staticfiles manifest
    entry for ..."), or None when each has one."""
    for name in names:
        try:
            stored_name(name)
        except ValueError as error:
            return str(error)
    return None


def needed_files() -> Iterator[str]:
    """Every file `collectstatic` collects (what the apps ship, under the names pages use them
    by), the base template's first: a file a release added is among them, and a manifest
    collected for the release before lacks it."""
    yield from PAGE_FILES
    ignore = StaticFilesConfig.ignore_patterns  # collectstatic's own
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            yield f"{prefix}/{path}" if prefix else path


def static_state() -> tuple[str, str]:
    """("ok" | "missing" | "dev", why it is missing): "dev" when the static files are served as
    they are, with no manifest (DEBUG on)."""
    global _complete
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return "dev", ""
    if storage is _complete:
        return "ok", ""
    why = first_missing(needed_files(), storage.stored_name)
    if why is not None:
        return "missing", why
    _complete = storage
    return "ok", ""
