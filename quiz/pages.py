"""The pure part of the student pages: what to show and what to do, from plain data.

No Django imports: views gather the data, these functions decide, templates render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Literal, NamedTuple, Protocol

from quiz.study_time import gap_ms

Submission = Literal["apply", "duplicate", "stale"]

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
STUCK = "stuck"
PASSED = "passed"


def classify_submission(
    *, posted_version: int, current_version: int, already_applied: Callable[[], bool]
) -> Submission:
    """What to do with a quiz form that arrives.

    - The page showed the quiz as it is now: apply the command (the service is idempotent on the
      command id, so two concurrent copies of one click still answer once).
    - The quiz moved on and this command is what moved it (a double click, or the back button
      re-sending a form): a duplicate; show the quiz as it is, append nothing.
    - The quiz moved on for another reason (another tab, an old page from the history): stale;
      the student answered a question that is no longer open, so nothing is sent and the current
      state is shown with a note. Applying it would answer a question they have not seen.

    `already_applied` is only asked when the versions differ: it reads the quiz's events.
    """
    if posted_version == current_version:
        return "apply"
    if already_applied():
        return "duplicate"
    return "stale"


Role = Literal["student", "teacher", "staff"]


def home_role(*, is_student: bool, is_teacher: bool, is_staff: bool) -> Role | None:
    """Which start page `/` sends a signed-in user to; None when they have no role yet.

    A teacher who is also staff lands on their classes: teaching is the daily work, the admin is
    a link away.
    """
    if is_student:
        return "student"
    if is_teacher:
        return "teacher"
    if is_staff:
        return "staff"
    return None


# The header's way back to each role's pages, on the pages everyone shares (the password page).
HOME_LINKS: dict[Role, tuple[str, str]] = {
    "student": ("My chapters", "/dashboard/"),
    "teacher": ("Classes", "/teacher/"),
    "staff": ("Admin", "/admin/"),
}


def time_spent(events: Sequence[tuple[str, datetime]]) -> float:
    """Seconds spent on a quiz from its events' (type, time): each gap credited as the teacher's
    reports credit study time (quiz.study_time), so a quiz left open overnight counts the minutes
    worked, not the days between."""
    return (
        sum(gap_ms(earlier, later, kind) for (_, earlier), (kind, later) in pairwise(events)) / 1000
    )


def format_duration(seconds: int | float) -> str:
    """A short human duration: '45 s', '4 min 12 s', '1 h 5 min'."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


@dataclass(frozen=True)
class Streak:
    streak: int
    goal: int

    @property
    def dots(self) -> list[bool]:
        """One dot per answer needed; the first `streak` are filled."""
        filled = min(max(self.streak, 0), self.goal)
        return [i < filled for i in range(self.goal)]

    @property
    def text(self) -> str:
        """The same for screen readers."""
        return f"Streak: {min(self.streak, self.goal)} of {self.goal} correct in a row"

    @property
    def label(self) -> str:
        """Beside the dots on the quiz page, so a newcomer knows what they count."""
        return f"{min(self.streak, self.goal)} of {self.goal} in a row"


class Progress(NamedTuple):
    """A chapter on a student's dashboard: as the read model has it, or as their quiz is now."""

    status: str | None = None
    streak: int = 0
    open_quiz_id: str | None = None
    stuck: bool = False  # in the open quiz: so also while practising a passed chapter again


class OwnQuiz(Protocol):
    """The fields of a QuizView that the dashboard reads."""

    @property
    def id(self) -> str: ...
    @property
    def chapter(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def streak(self) -> int: ...
    @property
    def stuck(self) -> bool: ...


# The quizzes a student worked on last, newest first, kept in their session: the dashboard reads
# these few as they are now, because the read model may not show the latest step yet.
RECENT_QUIZZES = 3


def remembered(recent: Sequence[str], quiz_id: str) -> list[str]:
    """The session's recent quizzes once the student opened `quiz_id`: it first, the rest after."""
    return [quiz_id, *(other for other in recent if other != quiz_id)][:RECENT_QUIZZES]


def with_own_quizzes(
    progress: Mapping[int, Progress], quizzes: Sequence[OwnQuiz]
) -> dict[int, Progress]:
    """The dashboard's progress per chapter (from the read model) with the student's current
    quizzes, oldest first, folded in.

    The read model follows the student's last command by a moment; the quiz's own events do not.
    So a student who just passed, answered or started sees that on the dashboard they open next,
    not "In progress" or "Not started" until the projection caught up. A chapter once passed stays
    passed, as in the read model."""
    fresh = dict(progress)
    for quiz in quizzes:
        now = fresh.get(quiz.chapter, Progress())
        status = now.status
        if quiz.status == PASSED:
            if status == PASSED and now.open_quiz_id not in (None, quiz.id):
                continue  # the chapter is practised again in a later quiz the read model knows
            fresh[quiz.chapter] = Progress(PASSED, quiz.streak)
        elif status == PASSED:
            fresh[quiz.chapter] = Progress(PASSED, quiz.streak, quiz.id, quiz.stuck)
        else:
            status = STUCK if quiz.stuck else IN_PROGRESS
            fresh[quiz.chapter] = Progress(status, quiz.streak, quiz.id, quiz.stuck)
    return fresh


# The action on a passed chapter, on the dashboard's card and on the quiz's passed card alike.
PRACTISE_AGAIN = "Practise again"
# A passed chapter whose questions are all drafts now: a new quiz there could ask nothing, so
# its card offers none and says why.
NOTHING_TO_PRACTISE = "This chapter has no questions to practise right now."

STUCK_TIP = "Tip: use “Show the answer” to see how it works, then try the next one."


def onlooker_note(*, student: str, chapter: str, as_teacher: bool) -> str:
    """The line over a quiz page read by someone other than its student (their teacher, or
    staff): whose quiz it is, and why it has no buttons. Without it the page looked like one
    to answer, and a click on "Check" only said "That did not go through"."""
    seeing_as = "their teacher" if as_teacher else "staff"
    return f"Quiz of {student}, {chapter}: you are seeing it as {seeing_as}; only they can answer."


@dataclass(frozen=True)
class ChapterCard:
    chapter_id: int
    title: str
    status: str
    label: str
    detail: str
    action: str
    streak: Streak | None
    # The quiz the action continues: a plain link to it. None: the action starts (or finds) one.
    quiz_id: str | None = None
    # False: the card has no action (a passed chapter with nothing to practise now).
    actionable: bool = True


def chapter_card(
    *,
    chapter_id: int,
    title: str,
    streak_goal: int,
    status: str | None,
    streak: int,
    open_quiz_id: str | None = None,
    stuck: bool = False,
    live: bool = True,
) -> ChapterCard:
    """A chapter on the dashboard: its status in words and the button that fits it.

    `open_quiz_id` is the quiz the student is on, when the read model knows it: "Continue" then
    opens it instead of sending a start command that would only find it again. `live`: the
    chapter has a question a new quiz may ask. Without one, a passed chapter offers no "Practise
    again" (that quiz could only say there is nothing to practise); an open quiz is still
    continued, as a start would find it.
    """
    status = status or NOT_STARTED
    if status == PASSED and open_quiz_id:
        return ChapterCard(
            chapter_id, title, PASSED, "Passed",
            f"Practising again: {min(streak, streak_goal)} of {streak_goal} correct in a row."
            + (f" {STUCK_TIP}" if stuck else ""),
            "Continue", Streak(streak, streak_goal), open_quiz_id,
        )  # fmt: skip
    if status == PASSED and not live:
        return ChapterCard(
            chapter_id, title, PASSED, "Passed", f"Well done! {NOTHING_TO_PRACTISE}", "", None,
            actionable=False,
        )  # fmt: skip
    if status == PASSED:
        return ChapterCard(
            chapter_id, title, PASSED, "Passed", "Well done! You can practise again any time.",
            PRACTISE_AGAIN, None,
        )  # fmt: skip
    if status == STUCK:
        return ChapterCard(
            chapter_id, title, STUCK, "Needs a little help",
            STUCK_TIP,
            "Continue", Streak(streak, streak_goal), open_quiz_id,
        )  # fmt: skip
    if status == IN_PROGRESS:
        return ChapterCard(
            chapter_id, title, IN_PROGRESS, "In progress",
            f"{min(streak, streak_goal)} of {streak_goal} correct in a row.",
            "Continue", Streak(streak, streak_goal), open_quiz_id,
        )  # fmt: skip
    if not live:  # the dashboard leaves such a chapter out; were it shown, it offers no start
        return ChapterCard(
            chapter_id, title, NOT_STARTED, "Not started",
            "There are no questions to practise in this chapter yet.", "", None,
            actionable=False,
        )  # fmt: skip
    return ChapterCard(
        chapter_id, title, NOT_STARTED, "Not started",
        f"Get {streak_goal} right in a row to pass.", "Start", None,
    )  # fmt: skip
