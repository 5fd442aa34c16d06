"""Whether this web process can name every static file a page may ask for.

With DEBUG off the pages name each static file by its hashed name from the manifest that
`collectstatic` writes (settings.STORAGES): a file the manifest lacks ("Missing staticfiles
manifest entry for 'studyflow/site.css'") makes every page naming it fail with a 500, although the
database and everything else is fine. Each process reads the manifest once, when it first needs
it, so a manifest collected after the process started is not seen until it is restarted.

A manifest that names every file may still be another release's (`collectstatic` not run for this
one, which kept the file names, or run after the process read the manifest): the pages then load
that release's styles and scripts. The hash in a file's collected name is that of its content, so
this release's own files are hashed as `collectstatic` would hash them and compared.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import HashedFilesMixin, ManifestFilesMixin
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

# Named by the base template, so by every page: checked even if no finder listed it.
PAGE_FILES = ("studyflow/site.css", "studyflow/favicon.svg")

# The storage whose manifest named every file. A storage never reads its manifest again, so the
# answer holds for as long as the process keeps it: later probes cost nothing. (The tests' changed
# settings make a new storage, which is checked afresh.)
_complete: object | None = None
# The storage whose manifest is another release's, and why. Neither the manifest a process read
# nor its release's files change while it runs, so that too holds as long as the storage.
_stale: tuple[object, str] | None = None


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


# A reference pattern of the storage's, for the files whose names match `glob` ("*.css").
ReferencePattern = tuple[str, re.Pattern[str]]


def reference_patterns(patterns: Sequence[tuple[str, Sequence[Any]]]) -> list[ReferencePattern]:
    """The storage's patterns of references to other files (HashedFilesMixin.patterns: a glob,
    then patterns, each alone or with its template), compiled as the storage compiles them."""
    compiled = []
    for glob, found in patterns:
        for pattern in found:
            text = pattern[0] if isinstance(pattern, tuple | list) else pattern
            compiled.append((glob, re.compile(text, re.IGNORECASE)))
    return compiled


def names_other_files(name: str, content: str, patterns: Sequence[ReferencePattern]) -> bool:
    """Whether `collectstatic` may rewrite the file's references to other files (a style sheet's
    `url(...)`, a script's source map), and then hash the rewritten content: its collected name
    then cannot be told from its own content, so it is not compared."""
    return any(
        fnmatch.fnmatchcase(name, glob) and pattern.search(content) for glob, pattern in patterns
    )


def first_stale(
    names: Iterable[str],
    stored_name: Callable[[str], str],
    current_name: Callable[[str], str | None],
) -> str | None:
    """Why the first of `names` whose stored name (the manifest's) is not its current one (what
    this release's file is collected as; None: that cannot be told) was collected from another
    version of it, or None when none was."""
    for name in names:
        current = current_name(name)
        if current is None:
            continue
        stored = stored_name(name)
        if stored != current:
            return (
                f"the manifest is another release's: it names {name} as {stored}, collected from "
                f"another version of it (this release's is {current})"
            )
    return None


def own_files() -> Iterator[tuple[str, Storage, str]]:
    """The static files of this site's own apps (those beside its settings' BASE_DIR, not
    installed packages, whose files change with their versions only): (the name pages use, the
    app's storage, its path there), each name as `collectstatic` takes it, the first found."""
    base = Path(settings.BASE_DIR).resolve()
    own = [Path(c.path).resolve() for c in apps.get_app_configs()]
    own = [path for path in own if path.parent == base]
    seen = set()
    ours: dict[int, bool] = {}  # by storage: one a folder of files, each resolved once
    for finder in get_finders():
        for path, storage in finder.list(StaticFilesConfig.ignore_patterns):
            prefix = getattr(storage, "prefix", None)
            name = f"{prefix}/{path}" if prefix else path
            if name in seen:
                continue
            seen.add(name)
            if id(storage) not in ours:
                location = Path(getattr(storage, "location", "")).resolve()
                ours[id(storage)] = any(location.is_relative_to(app) for app in own)
            if ours[id(storage)]:
                yield name, storage, path


def stale_why(storage: HashedFilesMixin) -> str | None:
    """Why the manifest `storage` read is another release's (None: it is this one's), from this
    site's own files: a few small files, read once a process."""
    files = {name: (source, path) for name, source, path in own_files()}
    patterns = reference_patterns(storage.patterns)

    def current_name(name: str) -> str | None:
        source, path = files[name]
        with source.open(path) as opened:
            content = opened.read()
        if names_other_files(name, content.decode("utf-8", "replace"), patterns):
            return None
        return str(storage.hashed_name(name, ContentFile(content)))

    return first_stale(files, storage.stored_name, current_name)


def static_state() -> tuple[str, str]:
    """("ok" | "missing" | "stale" | "dev", why it is missing or stale): "dev" when the static
    files are served as they are, with no manifest (DEBUG on)."""
    global _complete, _stale
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return "dev", ""
    if storage is _complete:
        return "ok", ""
    if _stale is not None and _stale[0] is storage:
        return "stale", _stale[1]
    why = first_missing(needed_files(), storage.stored_name)
    if why is not None:
        return "missing", why
    stale = stale_why(storage)
    if stale is not None:
        _stale = (storage, stale)
        return "stale", stale
    _complete = storage
    return "ok", ""
