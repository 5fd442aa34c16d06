"""A small school for the reporting integration tests, and students who use it through the real
quiz services (with simulated time, so histories span days and idle gaps)."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from events import projections, store
from events.models import ProjectionCheckpoint
from quiz import content, services
from quiz.models import Chapter, Course, Question, QuestionRevision
from studyflow.models import Classroom, School

WRONG = ["0", "1/3", "0,5", " 0.5", "abc", "12", "x=3", "X = 3", "-1"]


@dataclass
class World:
    staff: Any
    teacher_a: Any
    teacher_b: Any
    outsider: Any
    class_a: Classroom
    class_b: Classroom
    students_a: list[Any]
    students_b: list[Any]
    lonely: Any  # a student in no class
    chapters: list[Chapter]
    accepted: dict[int, str] = field(default_factory=dict)  # question id -> a right answer

    @property
    def students(self) -> list[Any]:
        return [*self.students_a, *self.students_b]


def make_world(*, students_a: int = 30, students_b: int = 10, chapters: int = 3) -> World:
    tag = uuid.uuid4().hex[:6]
    students_group, _ = Group.objects.get_or_create(name="students")
    teachers_group, _ = Group.objects.get_or_create(name="teachers")
    users = get_user_model().objects

    def user(name: str, group: Group | None = None, **extra: Any) -> Any:
        made = users.create_user(username=f"{name}-{tag}", password="pw", **extra)
        if group is not None:
            made.groups.add(group)
        return made

    staff = user("staff", is_staff=True)
    teacher_a, teacher_b = user("teacher-a", teachers_group), user("teacher-b", teachers_group)
    outsider = user("outsider")
    school = School.objects.create(name=f"School {tag}")
    class_a = Classroom.objects.create(school=school, name="2A")
    class_b = Classroom.objects.create(school=school, name="2B")
    class_a.teachers.add(teacher_a)
    class_b.teachers.add(teacher_b)
    group_a = [
        user(f"s{i:02d}", students_group, first_name=f"Ann{i:02d}") for i in range(students_a)
    ]
    group_b = [user(f"t{i:02d}", students_group) for i in range(students_b)]
    class_a.students.add(*group_a)
    class_b.students.add(*group_b)
    lonely = user("lonely", students_group)
    course = Course.objects.create(title=f"Math {tag}", order=1)
    chapter_list = []
    accepted: dict[int, str] = {}
    for c in range(chapters):
        chapter = Chapter.objects.create(course=course, title=f"Chapter {c + 1}", order=c)
        chapter_list.append(chapter)
        for n in range(6):
            if n == 5:
                question = content.create_question(
                    chapter=chapter,
                    kind="choice",
                    text=f"Pick the half ({c}.{n})",
                    choices=[{"key": "a", "text": "1/3"}, {"key": "b", "text": "2/4"}],
                    accepted_answers=["b"],
                    worked_answer="2/4 = 1/2",
                    order=n,
                )
                accepted[question.pk] = "b"
            else:
                right = str(10 * c + n + 100)
                question = content.create_question(
                    chapter=chapter,
                    kind="open",
                    text=f"What is {right} (chapter {c + 1}, #{n + 1})?",
                    choices=None,
                    accepted_answers=[right],
                    worked_answer=right,
                    order=n,
                )
                accepted[question.pk] = right
    return World(
        staff,
        teacher_a,
        teacher_b,
        outsider,
        class_a,
        class_b,
        group_a,
        group_b,
        lonely,
        chapter_list,
        accepted,
    )


def answer_the_choice(world: World, answer: str) -> services.CommandResult:
    """Class A's first student answers the first chapter's multiple-choice question (its choices
    a: 1/3 and b: 2/4; "b" is right) with `answer`, on a quiz started on it."""
    chapter = world.chapters[0]
    choice = Question.objects.get(chapter=chapter, kind="choice")
    student = world.students_a[0]
    view = services.start_quiz(
        actor=student, chapter_id=chapter.pk, command_id=uuid.uuid4(), pick=lambda _: choice.pk
    ).quiz
    return services.answer_question(
        actor=student, quiz_id=view.id, answer=answer, command_id=uuid.uuid4()
    )


def revise_one(world: World) -> None:
    """Edit a question mid-history: later events carry revision 2."""
    question = Question.objects.filter(chapter=world.chapters[0]).order_by("order").first()
    assert question is not None
    old = QuestionRevision.objects.get(question=question, revision=question.current_revision)
    content.revise_question(
        question=question,
        text=old.text + " (reworded)",
        choices=old.choices or None,
        accepted_answers=old.accepted_answers,
        worked_answer=old.worked_answer,
    )


@dataclass
class Student:
    user: Any
    skill: float
    quiz: Any = None  # the QuizView of the quiz in front of them


def act(world: World, student: Student, rng: random.Random, now: datetime) -> None:
    """One command of a student: start or switch chapter, answer, reveal, or go on."""
    view = student.quiz
    if view is None or view.status == "passed" or rng.random() < 0.04:
        chapter = rng.choice(world.chapters)
        result = services.start_quiz(
            actor=student.user, chapter_id=chapter.pk, command_id=uuid.uuid4(), now=now
        )
        student.quiz = result.quiz
        return
    if view.status == "question_open":
        roll = rng.random()
        if roll < 0.08:
            result = services.reveal_answer(
                actor=student.user, quiz_id=view.id, command_id=uuid.uuid4(), now=now
            )
        else:
            right = world.accepted[view.question.id]
            keys = [choice["key"] for choice in view.question.choices]  # a choice question's
            wrong = [key for key in keys if key != right] or WRONG  # wrong answers are its keys
            answer = right if roll < 0.08 + student.skill else rng.choice(wrong)
            if answer == right and rng.random() < 0.2:
                answer = f"  {answer} "  # still right
            result = services.answer_question(
                actor=student.user,
                quiz_id=view.id,
                answer=answer,
                command_id=uuid.uuid4(),
                now=now,
            )
    else:
        result = services.next_question(
            actor=student.user, quiz_id=view.id, command_id=uuid.uuid4(), now=now
        )
    student.quiz = result.quiz


def simulate(
    world: World, *, seed: int, steps: int, start: datetime, students: list[Any] | None = None
) -> datetime:
    """Interleaved commands of the students, with gaps from a second to a night."""
    rng = random.Random(seed)
    people = [Student(u, rng.uniform(0.3, 0.85)) for u in (students or world.students)]
    now = start
    for _ in range(steps):
        now += timedelta(seconds=rng.choice([1, 2, 5, 9, 20, 40, 120, 299, 301, 900, 20_000]))
        act(world, rng.choice(people), rng, now)
    return now


# --- feeding the projections in this process ----------------------------------------------------

REPORTING = ("answers", "progress", "question_stats", "wrong_answers", "class_activity")


def all_events() -> list[store.RecordedEvent]:
    """The whole log in commit-safe order (what the oracle recomputes from)."""
    events: list[store.RecordedEvent] = []
    cursor = None
    while True:
        page = store.read_all(after=cursor, limit=1000)
        if not page.events:
            return events
        events.extend(page.events)
        cursor = page.cursor


def wait_until_visible(timeout: float = 30.0) -> None:
    """Wait until the commit-safe reader sees every stored event. Its horizon is the oldest running
    transaction of the whole PostgreSQL cluster, so a transaction of another process (or another
    database) may hold the newest events back for a moment."""
    from events.models import Event

    deadline = time.monotonic() + timeout
    while len(all_events()) < Event.objects.count():
        if time.monotonic() > deadline:
            raise AssertionError("events stayed invisible to read_all")
        time.sleep(0.05)


@dataclass
class Feeder:
    """Feeds the reporting projections in this process, batch by batch, each batch in its own
    transaction, remembering a cursor per projection (a stand-in for the engine's checkpoints). It
    records each projection's checkpoints as a worker's catch-up leaves them, at the cursor it
    reached: without them the projections would read as never run ("new"), and the teachers'
    pages would say the reports wait to be built."""

    batch_size: int = 50
    cursors: dict[str, str | None] = field(default_factory=dict)

    def catch_up(self, names: tuple[str, ...] = REPORTING) -> None:
        wait_until_visible()
        for name in names:
            projection = projections.get(name)
            cursor = self.cursors.get(name)
            while True:
                page = store.read_all(
                    after=cursor, limit=self.batch_size, types=projection.event_types
                )
                with transaction.atomic():
                    if page.events:
                        projection.apply(page.events)
                cursor = page.cursor
                if len(page.events) < self.batch_size:
                    break
            self.cursors[name] = cursor
            for partition in range(projection.partitions):
                ProjectionCheckpoint.objects.update_or_create(
                    name=name,
                    partition=partition,
                    defaults={
                        "partitions": projection.partitions,
                        "version": projection.version,
                        "cursor": cursor or "",
                        "status": ProjectionCheckpoint.Status.OK,
                    },
                )

    def rebuild(self, names: tuple[str, ...] = REPORTING) -> None:
        for name in names:
            with transaction.atomic():
                projections.get(name).reset()
            self.cursors[name] = None
        self.catch_up(names)


def make_projector() -> Feeder:
    return Feeder()


@dataclass
class WorkerProjector:
    """The real thing: a Celery worker process (with beat) applies the events; this process
    waits until every reporting projection has caught up, and rebuilds through the runner."""

    workers: Any

    def catch_up(self, names: tuple[str, ...] = REPORTING, timeout: float = 90.0) -> None:
        from events import selectors as engine

        wait_until_visible()
        deadline = time.monotonic() + timeout
        while True:
            rows = [row for name in names for row in engine.partition_statuses(name)]
            if all(row.lag_events == 0 and row.status == "ok" for row in rows):
                return
            failed = [row for row in rows if row.status == "failed"]
            if failed or time.monotonic() > deadline:
                raise AssertionError(
                    f"projections did not catch up: {failed or rows}\n" + (self.workers.logs())
                )
            time.sleep(0.1)

    def rebuild(self, names: tuple[str, ...] = REPORTING) -> None:
        """All together in one read of the log (events.replay), while the worker runs."""
        from events import replay

        replay.rebuild(names, batch_size=100)
        self.catch_up(names)
