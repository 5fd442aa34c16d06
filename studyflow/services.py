"""Writes to the school roster: a class list's students added to their class in one go, and a new
password for a student who forgot theirs.

A new student gets a random initial password that staff hand out (so does a student given a new
one by their teacher). It is returned once, to be shown, and stored only hashed: never in the admin
log, never in a log line (it waits in the session of whoever made it for the minutes its page
shows it: studyflow.class_lists_added, reporting.new_passwords).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Upper
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from studyflow.class_list import (
    ClassListProblems,
    ListedStudent,
    NameLimits,
    StudentOfAnotherClass,
    StudentOfClass,
    assign_usernames,
    repeated_usernames,
    same_name_problems,
    username_base,
)
from studyflow.class_lists_added import NewStudent
from studyflow.models import AddedClassList, Classroom, School
from studyflow.roles import STUDENTS

# Ten characters without look-alikes (no 0/o, 1/l/i): read off paper and typed by a 12-year-old.
# 31 symbols, ~50 bits: beyond guessing, also from a stolen hash (below).
INITIAL_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
INITIAL_PASSWORD_LENGTH = 10
# PBKDF2's million rounds make a guessable, person-chosen password costly to crack; a random one
# needs none of that, and a class of 30 at the full cost took 14 s of one core (200: 90 s, past a
# web worker's timeout). Django hashes it again at full cost at the student's first log-in.
INITIAL_PASSWORD_ITERATIONS = 10_000
# The salt of the one-use key of the form that gives a student a new password (new_password_key).
NEW_PASSWORD_KEY_SALT = "studyflow.services.new_password_key"

logger = logging.getLogger(__name__)


class ListAddedAlready(Exception):
    """The list of this form was added already: the same form sent again, a double click, say."""


def name_limits() -> NameLimits:
    meta = get_user_model()._meta
    return NameLimits(
        **{
            name: int(meta.get_field(name).max_length or 0)  # type: ignore[union-attr]
            for name in ("first_name", "last_name", "username")
        }
    )


@dataclass(frozen=True)
class ExistingUsernames:
    """The usernames of existing accounts that a list's usernames could collide with, and how the
    database folds each username in question: its upper(), as the username index does (studyflow
    0005). Python's casefold() and upper() fold some letters otherwise (PostgreSQL's upper() folds
    the dotless i, U+0131, as I; casefold() keeps it), and what counts is what the index refuses."""

    usernames: frozenset[str]
    # These, the list's given usernames and the bases of the ones to make, each as folded.
    folded: Mapping[str, str]

    def fold(self, username: str) -> str:
        return self.folded[username]

    @cached_property
    def _taken(self) -> frozenset[str]:
        return frozenset(self.fold(name) for name in self.usernames)

    def is_taken(self, username: str) -> bool:
        """Whether a given username is an existing account's, in any case."""
        return self.fold(username) in self._taken


def given_username_problems(
    students: Sequence[ListedStudent], existing: ExistingUsernames | None = None
) -> list[str]:
    """A problem for each username given on more than one line, and for each not valid for the
    user model or belonging to an account already (in any case, as the database folds it;
    `existing`: existing_usernames, when read)."""
    if not any(student.username for student in students):
        return []
    validate = get_user_model().username_validator
    existing = existing_usernames(students) if existing is None else existing
    problems = repeated_usernames(students, fold=existing.fold)
    for student in students:
        if not student.username:
            continue
        try:
            validate(student.username)
        except ValidationError:
            problems.append(
                f"Line {student.line}: the username “{student.username}” may contain only "
                f"letters, digits and the characters @ . + - _"
            )
        if existing.is_taken(student.username):
            problems.append(
                f"Line {student.line}: the username “{student.username}” belongs to an "
                f"account already."
            )
    return problems


def existing_usernames(students: Sequence[ListedStudent]) -> ExistingUsernames:
    """The usernames of existing accounts that a list's usernames could collide with: its given
    ones, and the ones made from its names with any number, compared as the database's index
    compares them (two queries: the list's folded, then the accounts found)."""
    limit = name_limits().username
    stems = {
        s.username or username_base(s.first_name, s.last_name, max_length=limit) for s in students
    }
    if not stems:
        return ExistingUsernames(frozenset(), {})
    folded = folded_by_the_database(stems)
    # A number after a stem folds as itself: digits have no case.
    pattern = "^(" + "|".join(re.escape(folded[stem]) for stem in sorted(stems)) + ")[0-9]*$"
    users = get_user_model().objects.annotate(folded=Upper("username"))
    found = dict(users.filter(folded__regex=pattern).values_list("username", "folded"))
    return ExistingUsernames(frozenset(found), {**folded, **found})


def folded_by_the_database(names: Collection[str]) -> dict[str, str]:
    """Each name as the database's upper() folds it, in one query (no table needed: raw SQL)."""
    ordered = sorted(names)
    if not ordered:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["UPPER(%s)"] * len(ordered)), ordered)
        row = cursor.fetchone()
    return dict(zip(ordered, row, strict=True))


def students_of_school(
    classroom: Classroom,
) -> tuple[list[StudentOfClass], list[StudentOfAnotherClass]]:
    """The students of `classroom`, and those of the school's other classes: one query, of the
    school's class memberships (a school is some thousands of students at most)."""
    rows = (
        Classroom.students.through.objects.filter(classroom__school_id=classroom.school_id)
        .order_by("classroom__name", "user__username")
        .values_list(
            "classroom_id",
            "classroom__name",
            "user__first_name",
            "user__last_name",
            "user__username",
        )
    )
    in_class: list[StudentOfClass] = []
    in_other_classes: list[StudentOfAnotherClass] = []
    for classroom_id, class_name, first_name, last_name, username in rows:
        if classroom_id == classroom.pk:
            in_class.append(StudentOfClass(first_name, last_name, username))
        else:
            in_other_classes.append(
                StudentOfAnotherClass(first_name, last_name, username, class_name)
            )
    return in_class, in_other_classes


def class_same_name_problems(classroom: Classroom, students: Sequence[ListedStudent]) -> list[str]:
    """same_name_problems of a list for `classroom`: names on two lines, or of students of the
    class or of the school's other classes."""
    in_class, in_other_classes = students_of_school(classroom)
    return same_name_problems(students, in_class, classroom.name, in_other_classes)


@sensitive_variables("added", "passwords")
def add_students_from_list(
    *,
    classroom: Classroom,
    students: Sequence[ListedStudent],
    actor: Any,
    same_names_allowed: bool = False,
    list_id: uuid.UUID | None = None,
) -> list[NewStudent]:
    """Make an account for each listed student, in the `students` group and in `classroom`, with a
    random initial password; one transaction: all of them, or (ClassListProblems) none.

    `list_id`, the id of the form that sent the list, is used up with it (AddedClassList): the
    same form sent again, also at the same moment (a double click), is ListAddedAlready, and adds
    nobody, even with `same_names_allowed`. A list refused leaves it unused, for the form to be
    sent again once corrected.

    Unless `same_names_allowed` (staff said so), a name on two lines or of a student of the class
    already is refused (the list pasted twice, or sent again), and so is the name of a student of
    another class of the school (that student, to be moved, not given a second account). The
    school is locked while its students are compared and added, so that the same list sent twice
    at once from two forms (two tabs), or the same student listed for two of its classes at once,
    is added once and refused once. New accounts are in no class, so the one-class-per-student rule
    (ClassroomForm) holds. The admin log gets an addition per account and a change on the class,
    with no password.
    """
    try:
        with transaction.atomic():
            # The school's row, not only the class's: its other classes' students are compared
            # too. (The class's lock took it already, through the join its ordering by school
            # name makes; said here, not left to an ordering.)
            School.objects.select_for_update().filter(pk=classroom.school_id).first()
            if list_id is not None:
                use_list_id(list_id, classroom)
            existing = existing_usernames(students)
            problems = given_username_problems(students, existing)
            same_names = [] if same_names_allowed else class_same_name_problems(classroom, students)
            if problems or same_names:
                raise ClassListProblems([*problems, *same_names], same_names=bool(same_names))
            usernames = assign_usernames(
                students,
                taken=existing.usernames,
                fold=existing.fold,
                max_length=name_limits().username,
            )
            passwords = [initial_password() for _ in students]
            added = [
                NewStudent(s.first_name, s.last_name, username, password)
                for s, username, password in zip(students, usernames, passwords, strict=True)
            ]
            _create_accounts(classroom, added, actor)
    except IntegrityError:
        # Another account got one of these usernames between the check and the insert.
        raise ClassListProblems(
            ["An account with one of these usernames was added meanwhile: send the list again."]
        ) from None
    return added


def use_list_id(list_id: uuid.UUID, classroom: Classroom) -> None:
    """Record the list of `list_id` as added, in the caller's transaction, or ListAddedAlready.
    A send of the same form in another transaction meanwhile holds the key: this one waits for it
    to end, and finds the list added if it committed (free again if it was undone)."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on after a clash
            AddedClassList.objects.create(list_id=list_id, classroom=classroom)
    except IntegrityError:
        raise ListAddedAlready(str(list_id)) from None


def list_added_already(list_id: uuid.UUID, classroom: Classroom) -> bool:
    """Whether the list of this form id was added to `classroom` (its transaction committed)."""
    return AddedClassList.objects.filter(list_id=list_id, classroom=classroom).exists()


@sensitive_variables("added")
def _create_accounts(classroom: Classroom, added: Sequence[NewStudent], actor: Any) -> None:
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=student.username,
                first_name=student.first_name,
                last_name=student.last_name,
                password=initial_password_hash(student.initial_password),
            )
            for student in added
        ]
    )
    Group.objects.get_or_create(name=STUDENTS)[0].user_set.add(*users)
    classroom.students.add(*users)
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=users,
        action_flag=ADDITION,
        change_message=f"Added from a class list to {classroom}.",
    )
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[classroom],
        action_flag=CHANGE,
        change_message=ngettext(
            "Added %(count)d student from a list.",
            "Added %(count)d students from a list.",
            len(users),
        )
        % {"count": len(users)},
        single_object=True,
    )


@sensitive_variables("password")
def give_new_password(student: Any, *, actor: Any) -> str:
    """A new random password for a student who forgot theirs, returned to be shown once. Their
    sessions elsewhere end (Django's session hash follows the password) and their API token is
    revoked (studyflow.tokens)."""
    password = initial_password()
    student.password = initial_password_hash(password)
    # What set_password() leaves for save(): the mark of a new password (studyflow.tokens revokes
    # the token on it), without set_password's own hash at full cost, thrown away at once.
    student._password = password
    student.save(update_fields=["password"])
    logger.info("%s gave student %s a new password", actor.get_username(), student.get_username())
    return password


def new_password_key(student: Any) -> str:
    """The one-use key of a form that gives `student` a new password: of the password it replaces.

    Using it changes the password, and with it the key: the same form sent twice (a double click,
    the browser's resend) or a form opened before the password changed (another tab, another
    teacher, the student choosing their own) makes no second password. An HMAC, so the form shows
    nothing of the stored hash."""
    return salted_hmac(
        NEW_PASSWORD_KEY_SALT, f"{student.pk}:{student.password}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def give_new_password_once(student: Any, *, actor: Any, key: str) -> str | None:
    """give_new_password, when `key` is the student's new_password_key: None when it is not (the
    password changed since the form was made, or the form had no key). The student's row stays
    locked until the transaction ends (the caller's, when it has one): a second form with the same
    key, sent meanwhile, waits for it and finds the key used. A caller that keeps the password
    for its display does so in that transaction, so the second form's page finds it kept."""
    locked = get_user_model().objects.select_for_update().filter(pk=student.pk).first()
    if locked is None or not constant_time_compare(key, new_password_key(locked)):
        return None
    return give_new_password(locked, actor=actor)


def initial_password() -> str:
    """A random password that the site's password rules accept (they refuse, say, all digits). A
    site whose rules want more than INITIAL_PASSWORD_LENGTH characters gets longer ones."""
    for attempt in range(100):
        length = INITIAL_PASSWORD_LENGTH + 2 * (attempt // 10)
        password = get_random_string(length, INITIAL_PASSWORD_ALPHABET)
        try:
            password_validation.validate_password(password)
        except ValidationError:
            continue
        return password
    raise RuntimeError("AUTH_PASSWORD_VALIDATORS refuse every initial password")


def initial_password_hash(password: str) -> str:
    """The stored hash of an initial password: at fewer PBKDF2 rounds (see above) when PBKDF2 is
    the site's hasher; else the site's own. At the first log-in Django finds the rounds differ
    from its own and stores the password hashed afresh."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):
        hasher = copy(hasher)
        hasher.iterations = INITIAL_PASSWORD_ITERATIONS
    return make_password(password, hasher=hasher)
