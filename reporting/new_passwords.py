"""The new passwords a teacher made, kept in their session for the one page that shows each.

"Make a new password" is a form: its answer is a redirect (303) to a page of its own, so that
reloading that page, or going Back to it, sends no form again. The password waits for that page in
the teacher's session (server-side, never in the URL), by student: two students' pages, in two
tabs, each show their own. The page shows it once, and keeps in its place only that it was shown,
to say so when reloaded. The session is signed, not encrypted, and lasts for weeks: a password not
shown within WAITS is dropped, and only that it was not shown in time is kept in its place. Pure:
the session's value and the time in, the new value out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SESSION_KEY = "reporting.new_passwords"
# The students kept, the newest last: a teacher rarely makes more in one session.
KEPT = 20
# How long a password waits for its page. The browser follows the redirect at once, so it waits
# a second or two; minutes leave room for a slow network or a server busy for a while, and
# bound what a session row left behind (the redirect never followed) holds in plain text.
WAITS_MINUTES = 10
WAITS = timedelta(minutes=WAITS_MINUTES)
# In place of a password: shown once, or dropped unshown. Neither holds anything of it.
SHOWN = "shown"
NOT_SHOWN_IN_TIME = "not shown in time"

# A student's entry: one of the two words above, or a password waiting (JSON, as the session
# keeps it: {"password": ..., "made_at": an ISO 8601 time with its offset}).
Held = str | dict[str, str]


@dataclass(frozen=True)
class Display:
    """What the page of a student's new password shows: the password (made, not shown before),
    that it was shown already, or that it was made but not shown in time (so dropped); none of
    these when none was made here (or it is long forgotten)."""

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
    waiting = {"password": password, "made_at": now.isoformat()}
    return {**dict(others[-(KEPT - 1) :]), str(student_id): waiting}


def shown(
    kept: Mapping[str, object], student_id: int, now: datetime
) -> tuple[Display, dict[str, Held]]:
    """What the student's page shows at `now`, and `kept` after: a password waiting is shown once;
    one waiting too long is not shown, and dropped (pruned)."""
    after = pruned(kept, now)
    held = after.get(str(student_id))
    if held == SHOWN:
        return Display(shown_already=True), after
    if held == NOT_SHOWN_IN_TIME:
        return Display(not_shown_in_time=True), after
    if isinstance(held, dict):
        return Display(password=held["password"]), {**after, str(student_id): SHOWN}
    return Display(), after


def pruned(kept: Mapping[str, object], now: datetime) -> dict[str, Held]:
    """`kept` at `now`: each password that waited WAITS or longer replaced by NOT_SHOWN_IN_TIME,
    and anything this module does not write (a session from before, say) left out."""
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
        after[student] = entry if abs(now - made_at) < WAITS else NOT_SHOWN_IN_TIME
    return after


def waiting_since(held: object) -> tuple[dict[str, str], datetime] | None:
    """`held` and when its password was made, if it is a password waiting as `made` writes it."""
    if not isinstance(held, dict) or set(held) != {"password", "made_at"}:
        return None
    password, made_at = held["password"], held["made_at"]
    if not isinstance(password, str) or not password or not isinstance(made_at, str):
        return None
    try:
        since = datetime.fromisoformat(made_at)
    except ValueError:
        return None
    if since.tzinfo is None:
        return None
    return {"password": password, "made_at": made_at}, since
