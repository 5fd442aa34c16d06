"""Seeding the demo: users, the demo school and classes, and the "Math basics" course.

Every step is idempotent: it converges the database to the demo state (creating what is missing,
resetting what differs) so `seed_demo` can run on every `make run`. Content changes go through the
content services, so an edited demo question gets a new revision instead of rewriting history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower, Upper

from quiz.content import create_question, revise_question
from quiz.demo_content import CHAPTERS, COURSE_TITLE, FIRST_NAMES, LAST_NAMES
from quiz.models import Chapter, Course, Question
from studyflow.models import Classroom, School
from studyflow.roles import STUDENTS, TEACHERS

SCHOOL_NAME = "Demo School"
STUDENT_PASSWORD = "student"
TEACHER_PASSWORD = "teacher"
NAME_SEED = "studyflow-demo-names"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    is_staff: bool = False


@dataclass(frozen=True)
class DemoClass:
    name: str
    teacher: DemoUser
    students: tuple[DemoUser, ...]


@dataclass
class SeedReport:
    created_users: int = 0
    updated_users: int = 0
    created_questions: int = 0
    revised_questions: int = 0
    notes: list[str] = field(default_factory=list)


def demo_classes() -> tuple[DemoClass, ...]:
    """The demo roster as data: class 2A (student1-30, teacher) and 2B (student31-40, teacher2).

    Names come from a fixed seed, so every run (and every machine) gives the same students.
    """
    rng = random.Random(NAME_SEED)
    first_names = list(FIRST_NAMES)
    rng.shuffle(first_names)
    students = tuple(
        DemoUser(
            username=f"student{n}",
            password=STUDENT_PASSWORD,
            first_name=first_names[(n - 1) % len(first_names)],
            last_name=rng.choice(LAST_NAMES),
        )
        for n in range(1, 41)
    )
    teacher = DemoUser("teacher", TEACHER_PASSWORD, "Marieke", "Hoekstra")
    teacher2 = DemoUser("teacher2", TEACHER_PASSWORD, "Joost", "van Rijn")
    return (
        DemoClass("2A", teacher, students[:30]),
        DemoClass("2B", teacher2, students[30:]),
    )


ADMIN = DemoUser("admin", "admin", "Anke", "de Graaf", is_staff=True)


class _Passwords:
    """Hashing is slow by design, so hash each demo password once and check each stored hash once.

    Users sharing a demo password share its hash: the password is public anyway.
    """

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._good: set[tuple[str, str]] = set()

    def needs_reset(self, raw: str, encoded: str) -> bool:
        if (raw, encoded) in self._good:
            return False
        if encoded and check_password(raw, encoded):
            self._good.add((raw, encoded))
            return False
        return True

    def hash(self, raw: str) -> str:
        if raw not in self._hashes:
            self._hashes[raw] = make_password(raw)
            self._good.add((raw, self._hashes[raw]))
        return self._hashes[raw]


def seed_users(report: SeedReport) -> dict[str, Any]:
    """Create or reset the demo users (few queries: bulk create and bulk update).

    A demo user is found by its username in any case: usernames are unique in any case (the
    database's index), so `Student1` beside the demo's student1 cannot be added, and an account
    renamed so in the admin is the demo's, its username reset with the rest (and noted)."""
    User = get_user_model()
    wanted = [ADMIN] + [u for c in demo_classes() for u in (c.teacher, *c.students)]
    wanted = list({u.username: u for u in wanted}.values())
    # Folded by the database's upper(), as its index is; Python's folds the demo's (ASCII) alike.
    existing: dict[str, Any] = {
        u.folded: u
        for u in User.objects.annotate(folded=Upper("username")).filter(
            folded__in=[spec.username.upper() for spec in wanted]
        )
    }
    passwords = _Passwords()
    to_create, to_update = [], []
    for spec in wanted:
        user = existing.get(spec.username.upper())
        if user is None:
            user = User(username=spec.username)
            _apply(user, spec, passwords)
            to_create.append(user)
            continue
        renamed = user.username != spec.username
        if renamed:
            report.notes.append(f"Renamed {user.username} back to {spec.username}, the demo's.")
            user.username = spec.username
        if _apply(user, spec, passwords) or renamed:
            to_update.append(user)
    User.objects.bulk_create(to_create)
    if to_update:
        fields = [
            "username",
            "first_name",
            "last_name",
            "password",
            "is_staff",
            "is_superuser",
            "is_active",
        ]
        User.objects.bulk_update(to_update, fields)
    report.created_users += len(to_create)
    report.updated_users += len(to_update)
    return {u.username: u for u in User.objects.filter(username__in=[u.username for u in wanted])}


def _apply(user: Any, spec: DemoUser, passwords: _Passwords) -> bool:
    """Make `user` match `spec`; True when something changed."""
    changed = False
    wanted = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "is_staff": spec.is_staff,
        "is_superuser": spec.is_staff,
        "is_active": True,
    }
    for name, value in wanted.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if passwords.needs_reset(spec.password, user.password):
        user.password = passwords.hash(spec.password)
        changed = True
    return changed


def seed_roster(users: dict[str, Any]) -> tuple[Classroom, ...]:
    teachers, _ = Group.objects.get_or_create(name=TEACHERS)
    students_group, _ = Group.objects.get_or_create(name=STUDENTS)
    school, _ = School.objects.get_or_create(name=SCHOOL_NAME)
    classrooms = []
    Membership = get_user_model().groups.through
    for demo in demo_classes():
        classroom, _ = Classroom.objects.get_or_create(school=school, name=demo.name)
        teacher = users[demo.teacher.username]
        students = [users[s.username] for s in demo.students]
        Membership.objects.bulk_create(
            [Membership(user_id=teacher.pk, group_id=teachers.pk)]
            + [Membership(user_id=s.pk, group_id=students_group.pk) for s in students],
            ignore_conflicts=True,
        )
        classroom.teachers.add(teacher)
        # A student is in one class: take demo students out of any other class first.
        Classroom.students.through.objects.filter(user__in=students).exclude(
            classroom=classroom
        ).delete()
        classroom.students.add(*students)
        classrooms.append(classroom)
    return tuple(classrooms)


class DemoCourseClash(Exception):
    """The demo course's title is taken where it would be seen (a school's own course)."""


def demo_course() -> Course:
    """The shared "Math basics", found in any case; created unless a school has its own course of
    that title (its people would see two), which is named instead."""
    found = (
        Course.objects.filter(school=None)
        .alias(lower_title=Lower("title"))
        .filter(lower_title=Lower(Value(COURSE_TITLE)))
        .first()
    )
    if found is not None:
        return found
    course = Course(title=COURSE_TITLE, order=1)
    clash = course.title_seen_beside()
    if clash is not None:
        raise DemoCourseClash(f"The demo course cannot be added: {clash}")
    course.save()
    return course


def seed_content(report: SeedReport, *, actor: Any = None) -> Course:
    course = demo_course()
    for index, demo_chapter in enumerate(CHAPTERS, start=1):
        chapter, _ = Chapter.objects.get_or_create(
            course=course,
            title=demo_chapter.title,
            defaults={"order": index, "streak_goal": demo_chapter.streak_goal},
        )
        if (chapter.order, chapter.streak_goal) != (index, demo_chapter.streak_goal):
            chapter.order, chapter.streak_goal = index, demo_chapter.streak_goal
            chapter.save(update_fields=["order", "streak_goal"])
        by_order = {q.order: q for q in Question.objects.filter(chapter=chapter)}
        for order, demo in enumerate(demo_chapter.questions, start=1):
            content: dict[str, Any] = {
                "text": demo.text,
                "choices": demo.choice_dicts(),
                "accepted_answers": list(demo.accepted),
                "worked_answer": demo.worked,
                "actor": actor,
            }
            question = by_order.get(order)
            if question is None:
                create_question(chapter=chapter, kind=demo.kind, order=order, **content)
                report.created_questions += 1
            elif question.kind != demo.kind:
                report.notes.append(
                    f"{chapter.title} question {order} is a {question.kind} question in the "
                    f"database but {demo.kind} in the demo bank; left as it is."
                )
            else:
                before = question.current_revision
                revise_question(question=question, **content)
                if question.current_revision != before:
                    report.revised_questions += 1
    return course


def seed_demo() -> SeedReport:
    report = SeedReport()
    with transaction.atomic():
        users = seed_users(report)
        seed_roster(users)
        seed_content(report, actor=users[ADMIN.username])
    return report
