"""The new passwords a teacher made, kept in their session for the page that shows each.

"Make a new password" is a form: its answer is a redirect (303) to a page of its own, which shows
the password each time it is opened while it waits, then says it was shown already or not shown in
time (studyflow.passwords_waiting, the rules every page of passwords just made follows). Kept by
student: two students' pages, in two tabs, each show their own. Pure: the session's value and the
time in, the new value out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from studyflow import passwords_waiting
from studyflow.passwords_waiting import NOT_SHOWN_IN_TIME, SHOWN, WAITS, WAITS_MINUTES, Held

__all__ = [
    "KEPT",
    "NOT_SHOWN_IN_TIME",
    "SESSION_KEY",
    "SHOWN",
    "WAITS",
    "WAITS_MINUTES",
    "Display",
    "Held",
    "made",
    "pruned",
    "shown",
]

SESSION_KEY = "reporting.new_passwords"
# The students kept, the newest last: a teacher rarely makes more in one session.
KEPT = 20


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
    return passwords_waiting.made(
        kept, str(student_id), {"password": password}, now, kept_at_most=KEPT
    )


def shown(
    kept: Mapping[str, object], student_id: int, now: datetime
) -> tuple[Display, dict[str, Held]]:
    """What the student's page shows at `now`, and `kept` after: a password waiting is shown, as
    often as asked, and marked shown; one waiting too long is not, and dropped (pruned)."""
    found, after = passwords_waiting.shown(kept, str(student_id), now, read=password_of)
    return Display(found.waiting, found.shown_already, found.not_shown_in_time), after


def pruned(kept: Mapping[str, object], now: datetime) -> dict[str, Held]:
    """`kept` at `now`, each password that waited too long dropped (passwords_waiting.pruned)."""
    return passwords_waiting.pruned(kept, now)


def password_of(fields: Mapping[str, object]) -> str | None:
    """The password of a student's entry, if it is one as `made` writes it."""
    password = fields.get("password")
    if set(fields) != {"password"} or not isinstance(password, str) or not password:
        return None
    return password
