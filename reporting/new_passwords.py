"""The new passwords a teacher made, kept in their session for the one page that shows each.

"Make a new password" is a form: its answer is a redirect (303) to a page of its own, so that
reloading that page, or going Back to it, sends no form again. The password waits for that page in
the teacher's session (server-side, never in the URL), by student: two students' pages, in two
tabs, each show their own. The page shows it once, and keeps in its place only that it was shown,
to say so when reloaded. Pure: the session's value in, the new value out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SESSION_KEY = "reporting.new_passwords"
# The students kept, the newest last: a teacher rarely makes more in one session.
KEPT = 20
# In place of a password once shown (a password is never empty).
SHOWN = ""


@dataclass(frozen=True)
class Display:
    """What the page of a student's new password shows: the password (made, not shown before),
    or that it was shown already; neither when none was made here (or it is long forgotten)."""

    password: str | None = field(default=None, repr=False)
    shown_already: bool = False


def made(kept: Mapping[str, str], student_id: int, password: str) -> dict[str, str]:
    """`kept` with the student's new password waiting to be shown, in place of any before."""
    others = [(student, held) for student, held in kept.items() if student != str(student_id)]
    return {**dict(others[-(KEPT - 1) :]), str(student_id): password}


def shown(kept: Mapping[str, str], student_id: int) -> tuple[Display, dict[str, str]]:
    """What the student's page shows now, and `kept` after: a password waiting is shown once."""
    held = kept.get(str(student_id))
    if held is None:
        return Display(), dict(kept)
    if held == SHOWN:
        return Display(shown_already=True), dict(kept)
    return Display(password=held), {**kept, str(student_id): SHOWN}
