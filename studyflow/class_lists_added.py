"""The class lists a staff member's session added, by the id of the form each was sent with, and
the new students' initial passwords, waiting for the page that shows them.

"Add students from a list" is a form: its answer is a redirect (303) to a page of its own, which
shows the students and their passwords each time it is opened while they wait, then says they were
shown already or not shown in time (studyflow.passwords_waiting, the rules every page of passwords
just made follows). Whether a list was added is not this module's to say: that is the database's
(studyflow.models.AddedClassList), which every session and every request sees at once; this one
only keeps what the page of a list this session added shows. Pure: the session's value and the
time in, the new value out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from studyflow import passwords_waiting
from studyflow.passwords_waiting import Held

SESSION_KEY = "studyflow.class_lists_added"
# The lists kept, the newest last: staff rarely add more in one session. An older one's page says
# it has no passwords to show, as another session's does.
KEPT = 20


@dataclass(frozen=True)
class NewStudent:
    """A student just added, with the initial password to hand out (stored only hashed, and for
    the minutes its page shows it, in the session of whoever added them)."""

    first_name: str
    last_name: str
    username: str
    initial_password: str = field(repr=False)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Display:
    """What the page of a list added shows: its students with their passwords (still waiting),
    that they were shown already, or that they were not shown in time (so dropped); none of these
    when this session added no such list to that class (or it is long forgotten)."""

    students: tuple[NewStudent, ...] | None = field(default=None, repr=False)
    shown_already: bool = False
    not_shown_in_time: bool = False


def added(
    kept: object, list_id: str, class_id: int, students: Sequence[NewStudent], now: datetime
) -> dict[str, Held]:
    """`kept` with the list's new students waiting to be shown from `now`; the others waiting too
    long dropped (pruned), the newest KEPT lists kept."""
    rows = [[s.first_name, s.last_name, s.username, s.initial_password] for s in students]
    fields = {"class": class_id, "students": rows}
    return passwords_waiting.made(kept, list_id, fields, now, kept_at_most=KEPT)


def shown(
    kept: object, list_id: str, class_id: int, now: datetime
) -> tuple[Display, dict[str, Held]]:
    """What the page of the list added to the class shows at `now`, and `kept` after: its students
    waiting are shown, as often as asked, and marked shown; ones waiting too long are not, and
    dropped (pruned). A list added to another class is not this page's: shown nothing."""
    after = passwords_waiting.pruned(kept, now)
    held = after.get(list_id)
    if isinstance(held, dict) and held.get("class") != class_id:
        return Display(), after
    found, after = passwords_waiting.shown(after, list_id, now, read=students_of)
    return Display(found.waiting, found.shown_already, found.not_shown_in_time), after


def students_of(fields: Mapping[str, object]) -> tuple[NewStudent, ...] | None:
    """The students of a list's entry, if it is one as `added` writes it."""
    rows = fields.get("students")
    if set(fields) != {"class", "students"} or not isinstance(fields["class"], int):
        return None
    if not isinstance(rows, list) or not rows:
        return None
    students = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 4:
            return None
        if not all(isinstance(cell, str) for cell in row):
            return None
        students.append(NewStudent(*row))
    return tuple(students)
