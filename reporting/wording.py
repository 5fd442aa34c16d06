"""How the teacher pages put their figures into words, pure (no Django, no database): the views
and selectors hand these plain values.

- An answer in a narrow column: only a very long run without a space (a student may type 500
  characters without one) may be broken anywhere; an ordinary word, "revealed" or "0,125", never.
  A short answer ("x = 6", "1 1/2") and a short sum in a question ("x + 7 = 12") keep to one
  line: broken at a space they read as two ("x / + 7 = 12").
- A multiple-choice answer reads as its key and the choice's text ("A: 3/5"), from the revision
  of the question the student answered.
- The grid's totals count chapters of students (cells), not students, and say so.
- A moment reads as a teacher skimming a class wants it: "13:10" today, "yesterday 13:10",
  "Mon 13:10" within the week, "25 Nov 13:10" this year, "25 Nov 2025 13:10" before; the same
  on every teacher page (the full date and time go in its title).
- A figure with decimals is rounded half up from the figure as written (0.125 reads 0.13).
- A chart's caption says what its heading does not: the days it covers, the total and the busiest
  day; or how to read the facility spread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from quiz.answers import choice_key

# A run of more characters than this without a space is not a word a teacher would want kept in
# one piece: it may break anywhere. Up to this many, a word is never broken (about 11rem wide).
LONGEST_WORD = 20
_LONG_RUN = re.compile(rf"(\S{{{LONGEST_WORD + 1},}})")


def long_runs(text: str) -> list[tuple[str, bool]]:
    """The text in order, in pieces, each with whether it is a run longer than LONGEST_WORD
    without a space (which may break anywhere). The pieces joined are the text."""
    pieces = _LONG_RUN.split(text)
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


# How a piece of text may wrap: never inside it (a short answer or sum), anywhere (a run too long
# to keep whole), or at its spaces as text does ("").
Wrap = Literal["whole", "anywhere", ""]

# The signs of a sum: a run of terms with one between them is maths to keep on one line.
_SIGNS = frozenset("=+-\u2212\u2013\u00d7\u00f7*/<>\u2264\u2265\u2260\u00b1^")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more: a word, not a term ("x", "3x")
_NON_SPACE = re.compile(r"\S+")
_ENDS_PHRASE = (".", ",", ";", ":", "?", "!")


def _is_term(token: str) -> bool:
    """A number, a letter, a sign or a mix ("12", "x", "+", "3x", "x/4", "(n", "€80", "2)"), not a
    word ("Solve", "per", "cm")."""
    core = token.strip("()[]").rstrip(".,;:?!")
    return bool(core) and (any(c.isdigit() for c in core) or not _WORD.search(core))


def maths_runs(text: str) -> list[tuple[str, bool]]:
    """The text in order, in pieces, each with whether it is a sum to keep on one line: terms one
    space apart with a sign among them ("x + 7 = 12", "1 1/2 + 2 3/4.", "3(x + 1) = 2(x + 4)"), at
    most LONGEST_WORD characters (a longer one wraps at its spaces). Punctuation after a term ends
    the sum ("Solve for x: x + 7 = 12": "x:" is not part of it). The pieces joined are the text."""
    words = [(m.start(), m.end()) for m in _NON_SPACE.finditer(text)]
    sums: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        last = i
        if _is_term(text[slice(*words[i])]):
            while (
                last + 1 < len(words)
                and text[words[last][1] : words[last + 1][0]] == " "
                and not text[slice(*words[last])].endswith(_ENDS_PHRASE)
                and _is_term(text[slice(*words[last + 1])])
            ):
                last += 1
        run = text[words[i][0] : words[last][1]]
        if last > i and len(run) <= LONGEST_WORD and _SIGNS & set(run):
            sums.append((words[i][0], words[last][1]))
        i = last + 1
    pieces: list[tuple[str, bool]] = []
    done = 0
    for begin, finish in sums:
        if begin > done:
            pieces.append((text[done:begin], False))
        pieces.append((text[begin:finish], True))
        done = finish
    if done < len(text):
        pieces.append((text[done:], False))
    return pieces


def wrapping(text: str) -> list[tuple[str, Wrap]]:
    """A text (a question) in pieces by how each may wrap: its sums kept whole (maths_runs), a run
    too long to keep whole anywhere (long_runs), the rest at its spaces."""
    pieces: list[tuple[str, Wrap]] = []
    for piece, is_sum in maths_runs(text):
        if is_sum:
            pieces.append((piece, "whole"))
        else:
            pieces += [(run, "anywhere" if long else "") for run, long in long_runs(piece)]
    return pieces


def answer_wrapping(answer: str) -> list[tuple[str, Wrap]]:
    """An answer in pieces by how each may wrap: a short one (up to LONGEST_WORD characters:
    "x = 6", "€ 56,-", "A: 3/5") whole, a longer one as a text (wrapping)."""
    if len(answer) <= LONGEST_WORD and any(c.isspace() for c in answer.strip()):
        return [(answer, "whole")]
    return wrapping(answer)


Choices = Sequence[Mapping[str, object]]


def choice_label(answer: str, choices: Choices) -> str:
    """A multiple-choice answer as a teacher reads it: its key and the choice's text ("A: 3/5"),
    the key as the question writes it. Keys compare as answers are checked (quiz.answers.choice_key:
    "a", " A ", "a)", "a." and a full-width "a" all name "A"); an answer that is no key of these
    choices (or an open question's: no choices) stays as given."""
    wanted = choice_key(answer)
    for choice in choices:
        key = str(choice.get("key", ""))
        if choice_key(key) == wanted:
            return f"{key}: {choice.get('text', '')}"
    return answer


def choice_labels(choices: Choices) -> dict[str, str]:
    """Every choice's label (choice_label) by its key as quiz.answers.choice_key reads it: look an
    answer up with `labelled`."""
    keys = (str(choice.get("key", "")) for choice in choices)
    return {choice_key(key): choice_label(key, choices) for key in keys}


def labelled(answer: str, labels: Mapping[str, str] | None) -> str:
    """An answer as a teacher reads it, given its question's choice_labels (None or empty: an open
    question's, and the answer stays as given)."""
    if not labels:
        return answer
    return labels.get(choice_key(answer), answer)


@dataclass(frozen=True)
class CellTotals:
    """The grid's totals: its cells (one per student and chapter) by status, and its students by
    when they were last active. Counted apart, since a teacher reads "36" beside "4 students" as
    36 students."""

    students: int
    chapters: int
    by_status: dict[str, int]  # cells; every status of `statuses`, in that order
    stuck_again: int  # cells passed, the student stuck practising the chapter again
    quiet: int  # students last active a week or more ago
    never: int  # students who never practised (a new class): not quiet, not yet started

    @property
    def cells(self) -> int:
        return self.students * self.chapters

    @property
    def heading(self) -> str:
        """What the status counts count, for the line they head: "Chapters, all students together
        (30 students x 5 chapters = 150)", with a multiplication sign."""
        students = _count(self.students, "student")
        chapters = _count(self.chapters, "chapter")
        times = "\N{MULTIPLICATION SIGN}"
        return f"Chapters, all students together ({students} {times} {chapters} = {self.cells})"


def cell_totals(
    statuses: Sequence[str],
    cells: Iterable[tuple[str, bool]],
    activity: Iterable[tuple[bool, bool]],
    *,
    chapters: int,
) -> CellTotals:
    """Given the statuses in the order shown, each cell's (status, stuck again) and each student's
    (quiet, never practised): the totals. A student who never practised is not counted quiet."""
    by_status = dict.fromkeys(statuses, 0)
    stuck_again = 0
    for status, again in cells:
        by_status[status] += 1
        stuck_again += again
    students = quiet = never = 0
    for is_quiet, is_never in activity:
        students += 1
        never += is_never
        quiet += is_quiet and not is_never
    return CellTotals(students, chapters, by_status, stuck_again, quiet, never)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


# English names, not strftime's %a and %b: those follow the process's locale.
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Up to this many days ago a weekday names the day unmistakably ("Mon"); a week ago it would be
# today's weekday again.
WEEKDAY_DAYS = 6


def moment(at: datetime, now: datetime) -> str:
    """When something happened, as a teacher skimming a class reads it beside today's work: the
    time alone today, "yesterday 13:10", a weekday within the week ("Mon 13:10"), the date this
    year ("25 Nov 13:10"), with its year before ("25 Nov 2025 13:10"). By calendar day: `at` and
    `now` in the same (the school's) time zone. A moment on a later day than `now` (a clock ahead)
    gets its date, never a time that reads as today's."""
    days = (now.date() - at.date()).days
    time = f"{at:%H:%M}"
    if days == 0:
        return time
    if days == 1:
        return f"yesterday {time}"
    if 1 < days <= WEEKDAY_DAYS:
        return f"{DAYS[at.weekday()][:3]} {time}"
    return f"{day(at.date(), now.date())} {time}"


def moment_in_full(at: datetime) -> str:
    """A moment's full date and time, to the second: "Wednesday 25 November 2026, 13:10:02"."""
    return f"{DAYS[at.weekday()]} {at.day} {MONTHS[at.month - 1]} {at.year}, {at:%H:%M:%S}"


def day(on: date, today: date) -> str:
    """A day: "25 Nov" this year, "25 Nov 2025" another year."""
    short = day_and_month(on)
    return short if on.year == today.year else f"{short} {on.year}"


def day_and_month(on: date) -> str:
    """A day without its year, "5 Nov": a chart's days, which are all recent."""
    return f"{on.day} {MONTHS[on.month - 1][:3]}"


def decimals(value: float, places: int) -> str:
    """A figure with `places` decimals (0.75, 12.5), rounded half up from the figure as written
    ("0.125" to 0.13, where Python's format rounds the binary 0.125 to 0.12); a negative figure
    that rounds to nought loses its sign. As the templates' `floatformat` writes it in English,
    without its per-call lookups of the locale's formats (a page writes dozens)."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{rounded if rounded else abs(rounded):f}"


def minutes(seconds: float) -> str:
    """Whole minutes, rounded; a little time is "< 1 min", not "0 min", which reads as none."""
    total = max(0.0, float(seconds))
    rounded = int(total / 60 + 0.5)
    if rounded == 0 and total > 0:
        return "< 1 min"
    return f"{rounded} min"


def days_covered(first: date, last: date, today: date) -> str:
    """The days a chart covers: "15 Nov to today", "15 Nov to 28 Nov"."""
    end = "today" if last == today else day(last, today)
    return f"{day(first, today)} to {end}"


def answers_chart_caption(days: Sequence[date], answers: Sequence[int], today: date) -> str:
    """The class's answers per day in a line: the days, the answers in all, the busiest day (the
    latest of equals): "15 Nov to today: 1,026 answers, the most on 20 Nov (156)"."""
    if not days:
        return ""
    covered = days_covered(days[0], days[-1], today)
    total = sum(answers)
    if not total:
        return f"{covered}: no answers."
    busiest = max(range(len(days)), key=lambda i: (answers[i], i))
    most = f"the most on {day(days[busiest], today)} ({answers[busiest]:,})"
    return f"{covered}: {total:,} {'answer' if total == 1 else 'answers'}, {most}."


def time_chart_caption(days: Sequence[date], seconds: Sequence[float], today: date) -> str:
    """A student's time per day in a line: the days, the time in all and on how many days, the
    busiest day with its minutes as its bar counts them: "16 Nov to today: 39 min on 4 days, the
    most on 16 Nov (18.4 min)"."""
    if not days:
        return ""
    covered = days_covered(days[0], days[-1], today)
    worked = sum(1 for s in seconds if s > 0)
    if not worked:
        return f"{covered}: no time spent."
    busiest = max(range(len(days)), key=lambda i: (seconds[i], i))
    on = _count(worked, "day")
    most = f"the most on {day(days[busiest], today)} ({round(seconds[busiest] / 60, 1)} min)"
    return f"{covered}: {minutes(sum(seconds))} on {on}, {most}."


def facility_spread_caption(questions: Sequence[int]) -> str:
    """How to read the facility spread (questions per band of facility, hardest first)."""
    total = sum(questions)
    if not total:
        return "No question has had a first try yet."
    return (
        f"{_count(total, 'question')} with a first try: the hard ones (few right at the first "
        "try) at the left, the easy ones at the right."
    )
