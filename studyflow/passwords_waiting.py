"""Passwords just made, waiting in the session of whoever made them for the page that shows them:
a teacher's new password for a student (reporting.new_passwords), a class list's new students
(studyflow.class_lists_added).

The form that makes them is answered with a redirect (303) to a page of its own, so that
reloading that page, or going Back to it, sends no form again. The passwords wait for that page
in the session (server-side, never in the URL), by what the page is of (a student, a list): two
pages, in two tabs, each show their own. While they wait (WAITS from when they were made) the
page shows them every time it is opened: reloaded, come back to, or the second redirect of a
double click, whose first may have shown them already (the browser shows only its last page, so
whoever made them must not land on "shown already" with them never in sight). Once WAITS is over
they are dropped (the session is signed, not encrypted, and lasts for weeks), and only what the
page then says is kept in their place: that they were shown already, or, if they never were, that
they were not shown in time; a middleware (studyflow.pages_of_passwords) drops them at
the next request after WAITS, whatever page it is for.

Pure: the session's value and the time in, the new value out. What waits is the page's own fields
(JSON) with two of this module's: `made_at`, an ISO 8601 time with its offset, and `shown`,
whether its page showed them yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

# How long passwords wait, shown each time their page is opened. The browser follows the redirect
# at once, so they are first shown a second or two after; minutes leave room for a slow network or
# a server busy for a while, and for a reload while they are handed out. They also bound how long
# they may be read in the session (signed, not encrypted): dropped by the first pruning after
# WAITS (the middleware's, at the next request), or with the session (log-out).
WAITS_MINUTES = 10
WAITS = timedelta(minutes=WAITS_MINUTES)
# In place of passwords once they waited WAITS: shown (at least once), or dropped unshown. Neither
# holds anything of them.
SHOWN = "shown"
NOT_SHOWN_IN_TIME = "not shown in time"
_OWN_FIELDS = ("made_at", "shown")

# A page's entry: one of the two words above, or its fields waiting (with made_at and shown).
Held = str | dict[str, object]
Shown = TypeVar("Shown")


@dataclass(frozen=True)
class Found(Generic[Shown]):
    """What a page shows: its passwords (still waiting, as its module reads them), that they were
    shown already, or that they were made but not shown in time (so dropped); none of these when
    none were made here (or they are long forgotten)."""

    waiting: Shown | None = field(default=None, repr=False)
    shown_already: bool = False
    not_shown_in_time: bool = False


def made(
    kept: object, page: str, fields: Mapping[str, object], now: datetime, *, kept_at_most: int
) -> dict[str, Held]:
    """`kept` with `fields` waiting for `page` from `now`, in place of anything before; the newest
    `kept_at_most` pages kept, and those waiting too long dropped (pruned)."""
    others = [(key, held) for key, held in pruned(kept, now).items() if key != page]
    waiting: dict[str, object] = {**fields, "made_at": now.isoformat(), "shown": False}
    return {**dict(others[-(kept_at_most - 1) :]), page: waiting}


def shown(
    kept: object, page: str, now: datetime, read: Callable[[Mapping[str, object]], Shown | None]
) -> tuple[Found[Shown], dict[str, Held]]:
    """What `page` shows at `now`, and `kept` after: passwords waiting are shown (as `read` reads
    the page's fields: None when they are not what its module writes, and then left out), as
    often as asked, and marked shown; ones waiting too long are not, and dropped (pruned)."""
    after = pruned(kept, now)
    held = after.get(page)
    if held == SHOWN:
        return Found(shown_already=True), after
    if held == NOT_SHOWN_IN_TIME:
        return Found(not_shown_in_time=True), after
    if not isinstance(held, dict):
        return Found(), after
    waiting = read({name: value for name, value in held.items() if name not in _OWN_FIELDS})
    if waiting is None:
        return Found(), {key: other for key, other in after.items() if key != page}
    return Found(waiting=waiting), {**after, page: {**held, "shown": True}}


def pruned(kept: object, now: datetime) -> dict[str, Held]:
    """`kept` at `now`: each page's passwords that waited WAITS or longer replaced by SHOWN if the
    page showed them, by NOT_SHOWN_IN_TIME if not, and anything this module does not write (a
    session from before, say) left out."""
    if not isinstance(kept, Mapping):
        return {}
    after: dict[str, Held] = {}
    for page, held in kept.items():
        if held in (SHOWN, NOT_SHOWN_IN_TIME):
            after[str(page)] = str(held)
            continue
        if not isinstance(held, dict) or (since := made_at(held)) is None:
            continue
        # Either way round: another web process's clock may run a little ahead, and one set
        # right meanwhile must not keep passwords waiting for longer than WAITS either.
        if abs(now - since) < WAITS:
            after[str(page)] = dict(held)
        else:
            after[str(page)] = SHOWN if held["shown"] else NOT_SHOWN_IN_TIME
    return after


def made_at(held: object) -> datetime | None:
    """When `held` was made, if it is fields waiting as `made` and `shown` write them."""
    if not isinstance(held, dict) or not isinstance(held.get("shown"), bool):
        return None
    written = held.get("made_at")
    if not isinstance(written, str):
        return None
    try:
        since = datetime.fromisoformat(written)
    except ValueError:
        return None
    return since if since.tzinfo is not None else None
