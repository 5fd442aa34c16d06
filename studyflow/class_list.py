"""A class list as staff paste it: one student per line, and the usernames made from the names.

Pure (no Django, no database): the admin's "Add students from a list" reads the list here, checks
what needs the database (usernames taken or given twice, the user model's own username rule) with
the checks here and the database's folding, then has the usernames it must make chosen here
against the ones it found taken.

- A line is "First name, Last name" or "First name, Last name, username"; a line with a tab is
  split on tabs instead (columns pasted from a spreadsheet). A line is read as a CSV row (a
  spreadsheet's rows saved as CSV and pasted): a cell in double quotes may hold the separator
  ("Smith, Jr.",John) and a doubled quote ("O""Brien" is O"Brien); the quotes are not part of the
  name. A quote inside a cell that does not start with one is a letter of the name, and a quote
  never closed is a wrong line. Blank lines are skipped, and so are lines of nothing but empty
  cells (",,,": an empty spreadsheet row pasted as CSV has no name to add, as a blank line has
  none); spaces inside a name are folded as a name reads ("de  Vries" is "de Vries"); empty
  trailing cells are dropped. A first line of column headings ("First name, Last name") is
  skipped.
- A username not given is made from the names: lower-case ASCII, accents folded, the first name and
  the last name each without spaces or punctuation, joined by a dot ("Zoë de Vries" is
  "zoe.devries"); a long one is cut to MADE_USERNAME_LENGTH characters, each name keeping at
  least half of them ("Maximiliaan-Alexander", "van der Zandvoort-Oosterhuizen" is
  "maximiliaana.vanderzandvo"), so that it fits a phone's screen and is typed without a slip.
  When that one is taken, by an existing account or an earlier line, 2, 3, ... is appended
  ("zoe.devries2"). Usernames compare in any case: "Anna" and "anna" are one username to a
  person reading a class list, and to the database's username index, whose folding (upper())
  the service asks the database for: it differs from Python's on some letters.
- A name on two lines, or of a student of the class already, is most often the list pasted twice
  or sent again; a name of a student of another class of the school is most often that student,
  whom a second account would split in two (their history in one, the rest in the other): moved,
  not added. Either is refused, naming the lines (and the class and username of the student met),
  unless staff say these are different students of the same name. Names compare as usernames are
  made from them: in any case, without accents, spaces or punctuation ("Zoë de Vries" is "zoe
  devries" is "Zoe DeVries"); letters with no ASCII letter to fold to are kept, so "李 明" and
  "王 芳" stay two names.
- Every wrong line is named in one go, so that staff fix the list once; nothing is added from a
  list with a wrong line.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

MAX_STUDENTS = 200  # a class is ~30; a list far longer is a whole school pasted by mistake
FALLBACK_USERNAME = "student"  # for names with no letter that folds to ASCII (e.g. "李 明")
SUFFIX_ROOM = 6  # a made username keeps room for a number of up to 6 digits within the maximum
# A made username's names, at most: 25 characters and a number up to 99999 stay within 30, what a
# student types on a phone and what a phone's screen shows on one line.
MADE_USERNAME_LENGTH = 25

# Letters that Unicode does not decompose into an ASCII letter and a mark, folded as people write
# them without the letter: Strauß is strauss, Søren soren.
_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "\u0131": "i",  # dotless i (Turkish)
    }
)


@dataclass(frozen=True)
class ListedStudent:
    """One line of the list: a student to add, with the username given there (or None)."""

    line: int  # 1-based, counting blank lines, as the list reads in its text box
    first_name: str
    last_name: str
    username: str | None = None


@dataclass(frozen=True)
class NameLimits:
    """The user model's field lengths (Django's own: 150 each)."""

    first_name: int = 150
    last_name: int = 150
    username: int = 150


@dataclass(frozen=True)
class StudentOfClass:
    """A student in the class the list is added to, as their account has them."""

    first_name: str
    last_name: str
    username: str


@dataclass(frozen=True)
class StudentOfAnotherClass:
    """A student in another class of the school the list's class is in."""

    first_name: str
    last_name: str
    username: str
    class_name: str


class UnreadableLine(ValueError):
    """A line that cannot be split into cells (a quote never closed): what is wrong with it, to be
    said after the line's number and text."""


class ClassListProblems(ValueError):
    """The list has wrong lines; `problems` names each, with its line number. `students` are the
    lines read without a problem, for what else is checked of them (all wrong lines in one go).
    `same_names`: some of the problems are names met twice, which staff may add anyway."""

    def __init__(
        self,
        problems: Sequence[str],
        students: Sequence[ListedStudent] = (),
        *,
        same_names: bool = False,
    ) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)
        self.students = tuple(students)
        self.same_names = same_names


def parse_class_list(
    text: str, *, limits: NameLimits = NameLimits(), max_students: int = MAX_STUDENTS
) -> list[ListedStudent]:
    """The students of a pasted list, or ClassListProblems naming every wrong line."""
    numbered = [
        (number, line)
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)
        if not is_blank(line)  # nor only commas or tabs (an empty spreadsheet row)
    ]
    if numbered and is_heading(numbered[0][1]):
        numbered = numbered[1:]  # a spreadsheet's column headings, pasted with its rows
    if not numbered:
        raise ClassListProblems(["The list is empty: write one student per line."])
    if len(numbered) > max_students:
        raise ClassListProblems(
            [f"The list has {len(numbered)} students; add at most {max_students} at a time."]
        )
    students: list[ListedStudent] = []
    problems: list[str] = []
    for number, line in numbered:
        try:
            students.append(parse_line(number, line, limits))
        except ClassListProblems as wrong:
            problems.extend(wrong.problems)
    if problems:
        raise ClassListProblems(problems, students)
    return students


def parse_line(number: int, line: str, limits: NameLimits = NameLimits()) -> ListedStudent:
    """One non-blank line, or ClassListProblems naming what is wrong with it."""
    where = f"Line {number} ({quoted(line)})"
    try:
        cells = split_line(line)
    except UnreadableLine as unreadable:
        raise ClassListProblems([f"{where} {unreadable}"]) from None
    if len(cells) > 3:
        raise ClassListProblems(
            [
                f"{where} has {len(cells)} parts; write “First name, Last name” or "
                f"“First name, Last name, username”."
            ]
        )
    first_name, last_name, username = (*cells, "", "", "")[:3]
    problems = []
    if not first_name:
        problems.append(f"{where} has no first name.")
    if not last_name:
        problems.append(f"{where} has no last name; write “First name, Last name”.")
    for field, value, limit in (
        ("first name", first_name, limits.first_name),
        ("last name", last_name, limits.last_name),
        ("username", username, limits.username),
    ):
        if len(value) > limit:
            problems.append(f"{where}: the {field} is longer than {limit} characters.")
    if problems:
        raise ClassListProblems(problems)
    return ListedStudent(number, first_name, last_name, username or None)


_FIRST_NAME_HEADINGS = frozenset(
    {"first name", "firstname", "given name", "name", "voornaam", "naam"}
)
_LAST_NAME_HEADINGS = frozenset(
    {"last name", "lastname", "surname", "family name", "achternaam", "tussenvoegsel en achternaam"}
)


def is_heading(line: str) -> bool:
    """Whether a line is a spreadsheet's column headings ("First name, Last name"), not a pupil."""
    try:
        cells = [cell.casefold() for cell in split_line(line)]
    except UnreadableLine:
        return False
    return len(cells) >= 2 and cells[0] in _FIRST_NAME_HEADINGS and cells[1] in _LAST_NAME_HEADINGS


def is_blank(line: str) -> bool:
    """Whether a line has no cell to read: blank, or only separators (a line with a quote never
    closed is not: it is a wrong line, named)."""
    try:
        return not split_line(line)
    except UnreadableLine:
        return False


def split_line(line: str) -> list[str]:
    """A line's cells: on tabs if it has one, else on commas, as a CSV row (quoted cells unquoted);
    spaces folded, empty ends dropped. UnreadableLine for a quote never closed."""
    # The reader is given a second, empty line: a quoted cell not closed on the first runs on into
    # it (a cell with a line break in it, to CSV), which its line count tells. Spaces after a
    # separator are skipped, so that `Anna, "de Vries"` has its cell quoted.
    reader = csv.reader([line, ""], delimiter="\t" if "\t" in line else ",", skipinitialspace=True)
    try:
        row = next(reader, [])
    except csv.Error:  # a cell over the csv module's field limit (131,072 characters)
        raise UnreadableLine("has a cell too long to be a name.") from None
    if reader.line_num > 1:
        raise UnreadableLine("has a quote that is never closed.")
    cells = [" ".join(cell.split()) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def quoted(line: str, width: int = 40) -> str:
    text = " ".join(line.split())
    return f"“{text if len(text) <= width else text[: width - 1] + '…'}”"


def repeated_usernames(
    students: Sequence[ListedStudent], *, fold: Callable[[str], str]
) -> list[str]:
    """A problem for each username given on more than one line (in any case: as `fold` folds it,
    which the service has the database do, as for assign_usernames)."""
    by_username: dict[str, list[ListedStudent]] = {}
    for student in students:
        if student.username:
            by_username.setdefault(fold(student.username), []).append(student)
    return [
        f"Lines {and_list([str(s.line) for s in same])} give the same username "
        f"“{same[0].username}”."
        for same in by_username.values()
        if len(same) > 1
    ]


def same_name_problems(
    students: Sequence[ListedStudent],
    in_class: Sequence[StudentOfClass],
    class_name: str,
    in_other_classes: Sequence[StudentOfAnotherClass] = (),
) -> list[str]:
    """A problem for each name on more than one line, for each line naming a student of the class
    already (the list pasted twice, or sent again after Back), and for each line naming a student
    of another class of the school (that pupil, to be moved rather than given a second account),
    compared by name_key. A line naming a student of the class is not told of namesakes
    elsewhere: the class's own student is the one it most likely is."""
    by_name: dict[tuple[str, str], list[ListedStudent]] = {}
    for student in students:
        key = name_key(student.first_name, student.last_name)
        if any(key):  # a name of no letters at all compares to nothing
            by_name.setdefault(key, []).append(student)
    problems = [
        f"Lines {and_list([str(s.line) for s in same])} have the same name "
        f"“{same[0].first_name} {same[0].last_name}”."
        for same in by_name.values()
        if len(same) > 1
    ]
    usernames_of: dict[tuple[str, str], list[str]] = {}
    for known in in_class:
        usernames_of.setdefault(name_key(known.first_name, known.last_name), []).append(
            known.username
        )
    elsewhere_of: dict[tuple[str, str], list[StudentOfAnotherClass]] = {}
    for other in in_other_classes:
        elsewhere_of.setdefault(name_key(other.first_name, other.last_name), []).append(other)
    for key, same in by_name.items():
        if key in usernames_of:
            usernames = sorted(usernames_of[key])
            problems.extend(
                f"Line {s.line}: {s.first_name} {s.last_name} is in {class_name} already "
                f"(username{'s' if len(usernames) > 1 else ''} {and_list(usernames)})."
                for s in same
            )
        elif key in elsewhere_of:
            met = sorted(elsewhere_of[key], key=lambda o: (o.class_name, o.username))
            problems.extend(in_another_class(s, met, class_name) for s in same)
    return problems


def in_another_class(
    student: ListedStudent, met: Sequence[StudentOfAnotherClass], class_name: str
) -> str:
    """The problem of a line naming students of other classes: who they are and where, and what
    staff do to move one (the class pages' student pickers: a student is in one class at a
    time), or to add the line's student anyway."""
    classes = sorted({other.class_name for other in met})
    usernames = and_list([other.username for other in met])
    if len(met) == 1:
        found = f"a student of that name, {usernames}, is in class {classes[0]}"
        move = f"to move them to {class_name}, remove them from {classes[0]}'s students"
    elif len(classes) == 1:
        found = f"students of that name, {usernames}, are in class {classes[0]}"
        move = f"to move one to {class_name}, remove them from {classes[0]}'s students"
    else:
        found = "students of that name are in other classes: " + and_list(
            [f"{other.username} in {other.class_name}" for other in met]
        )
        move = f"to move one to {class_name}, remove them from their class's students"
    return (
        f"Line {student.line} ({student.first_name} {student.last_name}): {found}; {move} on "
        f"its class page, then choose them among {class_name}'s students on its page; if this is "
        "a different student, tick “Add them anyway” below."
    )


def name_key(first_name: str, last_name: str) -> tuple[str, str]:
    """A name as compared with another: as fold_to_ascii folds it, but keeping the letters that
    fold to no ASCII one (the username has none of them, two students' names do)."""
    return fold_name(first_name), fold_name(last_name)


def and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def fold_to_ascii(text: str) -> str:
    """Lower-case ASCII letters and digits as a name's letters read without their accents: the
    name folded (fold_name) without the letters that have no ASCII letter ("李")."""
    return "".join(c for c in fold_name(text) if c.isascii())


def fold_name(text: str) -> str:
    """A name's letters and digits in one case, without accents, with the letters that have no
    ASCII letter kept ("Zoë" is "zoe", "李" is "李")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "".join(c for c in kept if c.isalnum())


def username_base(first_name: str, last_name: str, *, max_length: int = 150) -> str:
    """The username a student's names make, before any number: "Zoë", "de Vries" is zoe.devries."""
    parts = [part for part in (fold_to_ascii(first_name), fold_to_ascii(last_name)) if part]
    length = min(MADE_USERNAME_LENGTH, max_length - SUFFIX_ROOM)
    if len(parts) == 2:
        parts = shortened_to(parts[0], parts[1], length - 1)  # - 1: the dot
    base = ".".join(parts) or FALLBACK_USERNAME
    return base[:length].rstrip(".")


def shortened_to(first: str, last: str, length: int) -> list[str]:
    """The two names cut to `length` letters in all: each keeps at least half of it (the last
    name the odd letter), and a name shorter than its half leaves the rest to the other."""
    if len(first) + len(last) <= length:
        return [first, last]
    first_length = min(len(first), max(length // 2, length - len(last)))
    return [first[:first_length], last[: length - first_length]]


def assign_usernames(
    students: Sequence[ListedStudent],
    *,
    taken: Collection[str],
    fold: Callable[[str], str],
    max_length: int = 150,
) -> list[str]:
    """Each student's username, in list order: the given one, or one made from the names that is
    neither taken (`taken`: existing accounts' usernames) nor given or made for another line.

    Usernames compare as `fold` folds them: the service folds as the database's username index
    does. It is asked of `taken`, the given usernames and the made ones' bases only; a number
    after a base folds as itself (digits have no case)."""
    used = {fold(name) for name in taken}
    used.update(fold(s.username) for s in students if s.username)
    usernames = []
    for student in students:
        if student.username:
            usernames.append(student.username)
            continue
        base = username_base(student.first_name, student.last_name, max_length=max_length)
        suffix = free_suffix(fold(base), used)
        used.add(fold(base) + suffix)
        usernames.append(base + suffix)
    return usernames


def free_suffix(folded_base: str, used: Collection[str]) -> str:
    """What a base takes after it to be a username not `used` (folded, as the base is): nothing,
    or the first of 2, 3, ... that makes one."""
    suffix, number = "", 1
    while folded_base + suffix in used:
        number += 1
        suffix = str(number)
    return suffix
