"""The new passwords a teacher made, kept in their session for the page that shows each.

"Make a new password" is a form: its answer is a redirect (303) to a page of its own, so that
reloading that page, or going Back to it, sends no form again. The password waits for that page in
the teacher's session (server-side, never in the URL), by student: two students' pages, in two
tabs, each show their own. While it waits (WAITS from when it was made) the page shows it every
time it is opened: reloaded, come back to, or the second redirect of a double click, whose first
may have shown it already (the browser shows only its last page, so the teacher must not land on
"shown already" with the password they just made never in sight), and makes no other. Once WAITS
is over the password is dropped (the session is signed, not encrypted, and lasts for weeks), and
only what the page then says is kept in its place: that it was shown already, or, if it never was,
that it was not shown in time; reporting.middleware drops it at the teacher's next request after
WAITS, whatever page it is for. Pure: the session's value and the time in, the new value out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypedDict

SESSION_KEY = "reporting.new_passwords"
# The students kept, the newest last: a teacher rarely makes more in one session.
KEPT = 20
# How long a password waits, shown each time its page is opened. The browser follows the redirect
# at once, so it is first shown a second or two after; minutes leave room for a slow network or a
# server busy for a while, and for a reload while the password is handed out. They also bound how
# long it may be read in the teacher's session (signed, not encrypted): dropped by the first
# pruning after WAITS (their next new password, or page of one), or with the session (log-out).
WAITS_MINUTES = 10
WAITS = timedelta(minutes=WAITS_MINUTES)
# In place of a password once it waited WAITS: shown (at least once), or dropped unshown. Neither
# holds anything of it.
SHOWN = "shown"
NOT_SHOWN_IN_TIME = "not shown in time"


class Waiting(TypedDict):
    """A password waiting, as the session keeps it (JSON): `made_at` an ISO 8601 time with its
    offset; `shown`, whether its page showed it yet (what it says once the password is dropped)."""

    password: str
    made_at: str
    shown: bool


# A student's entry: one of the two words above, or a password waiting.
Held = str | Waiting


@dataclass(frozen=True)
class Display:
    """What the page of a student's new password shows: the password (made, still waiting), that
    it was shown already, or that it was made but not shown in time (so dropped); none of these
    when none was made here (or it is long forgotten)."""

    password: str | None = field(default=None, repr=False)
    shown_already: bool = False
    not_shown_in_time: bool = False


def made(
    kept: Mapping[str, object], student_id: int, password: str, now: datetime
) -> dict[str, Held]:
    """`kept` with the student's new password waiting to be shown from `now`, in place of any
    before; the others waiting too long dropped (pruned)."""
    others = [
        (student, held) for student, held in pruned(kept, now).items() if student != str(student_id)
    ]
    waiting = Waiting(password=password, made_at=now.isoformat(), shown=False)
    return {**dict(others[-(KEPT - 1) :]), str(student_id): waiting}


def shown(
    kept: Mapping[str, object], student_id: int, now: datetime
) -> tuple[Display, dict[str, Held]]:
    """What the student's page shows at `now`, and `kept` after: a password waiting is shown, as
    often as asked, and marked shown; one waiting too long is not, and dropped (pruned)."""
    after = pruned(kept, now)
    held = after.get(str(student_id))
    if held == SHOWN:
        return Display(shown_already=True), after
    if held == NOT_SHOWN_IN_TIME:
        return Display(not_shown_in_time=True), after
    if isinstance(held, dict):
        seen = Waiting(password=held["password"], made_at=held["made_at"], shown=True)
        return Display(password=held["password"]), {**after, str(student_id): seen}
    return Display(), after


def pruned(kept: Mapping[str, object], now: datetime) -> dict[str, Held]:
    """`kept` at `now`: each password that waited WAITS or longer replaced by SHOWN if its page
    showed it, by NOT_SHOWN_IN_TIME if not, and anything this module does not write (a session
    from before, say) left out."""
    after: dict[str, Held] = {}
    for student, held in kept.items():
        if held in (SHOWN, NOT_SHOWN_IN_TIME):
            after[student] = str(held)
            continue
        waiting = waiting_since(held)
        if waiting is None:
            continue
        entry, made_at = waiting
        # Either way round: another web process's clock may run a little ahead, and one set
        # right meanwhile must not keep a password waiting for longer than WAITS either.
        if abs(now - made_at) < WAITS:
            after[student] = entry
        else:
            after[student] = SHOWN if entry["shown"] else NOT_SHOWN_IN_TIME
    return after


def waiting_since(held: object) -> tuple[Waiting, datetime] | None:
    """`held` and when its password was made, if it is a password waiting as `made` and `shown`
    write it."""
    if not isinstance(held, dict) or set(held) != {"password", "made_at", "shown"}:
        return None
    password, made_at, was_shown = held["password"], held["made_at"], held["shown"]
    if not isinstance(password, str) or not password or not isinstance(made_at, str):
        return None
    if not isinstance(was_shown, bool):
        return None
    try:
        since = datetime.fromisoformat(made_at)
    except ValueError:
        return None
    if since.tzinfo is None:
        return None
    return Waiting(password=password, made_at=made_at, shown=was_shown), since
