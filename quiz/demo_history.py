"""Simulated class activity for the demo: students practising through the real quiz services.

Every event is produced by `quiz.services` (start, answer, reveal, next) with `now` set to a
school-hours moment on a past weekday, so reports see exactly what real use would produce. All
choices (who practises when, right or wrong, which mistake, which question is assigned) come from
seeded random generators: the same seed and dates give the same history.

Students get a profile: good, average or weak. Chapters "open" one after another over the period,
as a teacher would set them, and a student works on the first open chapter they have not passed.
Weak students make the classic mistakes (adding numerators and denominators, a percentage of the
wrong amount), reveal answers, and get stuck; good students pass chapters in a few questions.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.fields.json import KT
from django.utils import timezone

from quiz import services
from quiz.answers import names_a_choice
from quiz.content import QuestionContent
from quiz.demo import demo_classes, demo_course
from quiz.demo_content import CHAPTERS, DemoQuestion
from quiz.domain import QUIZ_STARTED
from quiz.errors import CommandRejected
from quiz.models import Chapter, Question
from quiz.quiz_view import QuizView
from quiz.thousands import doubtful_thousands

HISTORY_NAMESPACE = uuid.UUID("0c8f3d52-6c3e-4f53-9a0e-5d2b1f7e9a44")
SCHOOL_DAY_START = time(8, 30)
LAST_SESSION_START = time(15, 0)


@dataclass(frozen=True)
class Profile:
    name: str
    skill: tuple[float, float]  # chance of a right answer, drawn per student from this range
    reveal: float  # chance of revealing instead of answering (more when on a losing run)
    practice: float  # chance of practising on a school day
    minutes: tuple[int, int]  # length of a practice session
    think: tuple[int, int]  # seconds to answer a question
    give_up: float  # chance of ending the session on getting stuck


PROFILES = {
    "good": Profile("good", (0.82, 0.95), 0.01, 0.65, (10, 25), (15, 60), 0.05),
    "average": Profile("average", (0.6, 0.78), 0.05, 0.5, (8, 20), (20, 90), 0.3),
    "weak": Profile("weak", (0.3, 0.5), 0.12, 0.4, (6, 15), (30, 150), 0.6),
}
# How much harder a chapter is than the student's baseline.
CHAPTER_DIFFICULTY = {
    "Fractions": 0.0,
    "Percentages": 0.05,
    "Equations": 0.08,
    "Powers": 0.1,
    "Negative numbers": 0.02,
}


@dataclass
class HistoryOutcome:
    skipped: bool = False
    students: int = 0
    school_days: int = 0
    sessions: int = 0
    commands: int = 0
    events: int = 0
    quizzes_started: int = 0
    quizzes_passed: int = 0
    stuck_at_end: int = 0
    profiles: dict[str, int] = field(default_factory=dict)

    def record(self, result: services.CommandResult) -> None:
        self.commands += 1
        self.events += len(result.events)

    def summary(self) -> str:
        if self.skipped:
            return "skipped: the demo students already have quizzes (history is added once)."
        mix = ", ".join(f"{n} {name}" for name, n in sorted(self.profiles.items()))
        return (
            f"{self.students} students ({mix}) over {self.school_days} school days: "
            f"{self.sessions} sessions, {self.commands} commands, {self.events} events, "
            f"{self.quizzes_started} quizzes started, {self.quizzes_passed} passed, "
            f"{self.stuck_at_end} of them stuck at the end."
        )


@dataclass
class _Learner:
    user: Any
    profile: Profile
    skill: float
    rng: random.Random
    command_seed: str
    commands: int = 0
    passed: set[int] = field(default_factory=set)
    sessions_on: dict[int, int] = field(default_factory=dict)
    stuck: bool = False
    misses: int = 0  # wrong or revealed in a row

    def command_id(self) -> uuid.UUID:
        self.commands += 1
        return uuid.uuid5(HISTORY_NAMESPACE, f"{self.command_seed}:{self.commands}")

    def pick(self, candidates: Sequence[int]) -> int:
        return self.rng.choice(list(candidates))


@dataclass
class _World:
    """What every turn needs: the demo bank and each question's difficulty, by question id."""

    bank: dict[int, DemoQuestion]
    difficulty: dict[int, float]


# --- pure planning --------------------------------------------------------------------------------


def school_days(*, days: int, today: date) -> list[date]:
    """The weekdays among the `days` days before `today` (today itself is still going on)."""
    span = (today - timedelta(days=n) for n in range(days, 0, -1))
    return [d for d in span if d.weekday() < 5]


def chapter_opens(chapter_count: int, day_count: int) -> list[int]:
    """For each chapter, the index of the school day the teacher sets it (spread evenly)."""
    if chapter_count == 0:
        return []
    return [(i * day_count) // chapter_count for i in range(chapter_count)]


def assign_profiles(usernames: Sequence[str], rng: random.Random) -> dict[str, Profile]:
    """About 30% good, 45% average, 25% weak per class, at least one of each in a class of 3+."""
    count = len(usernames)
    good = max(1, round(count * 0.3)) if count >= 3 else 0
    weak = max(1, round(count * 0.25)) if count >= 3 else 0
    names = ["good"] * good + ["weak"] * weak
    names += ["average"] * (count - len(names))
    rng.shuffle(names)
    return {u: PROFILES[n] for u, n in zip(usernames, names, strict=True)}


def question_difficulty(chapter: str, order: int, seed: int) -> float:
    """A fixed per-question offset, so item analysis finds easy and hard questions. Drawn for the
    question's place in the course, not its id: ids depend on what the database held before (a
    test suite's earlier rows), and the same seed and dates must give the same history."""
    return random.Random(f"{seed}:question:{chapter}:{order}").uniform(-0.12, 0.12)


def wrong_answer(content: QuestionContent, demo: DemoQuestion | None, rng: random.Random) -> str:
    """A realistic mistake: one of the bank's common wrong answers, else an unaccepted choice.
    Only an answer the quiz judges: the bank's answers may no longer fit a question staff changed
    since (the bank is matched by chapter and number), and a choice question takes only its keys,
    an open one no number right only with a thousands separator (the quiz asks about those)."""
    choice = content.kind == "choice"
    keys = [c.key for c in content.choices]
    bank = [w for w in demo.wrong if _judged(w, content, keys)] if demo else []
    if bank:
        return rng.choice(bank)
    if choice:
        accepted = {a.casefold() for a in content.accepted_answers}
        others = [key for key in keys if key.casefold() not in accepted]
        return rng.choice(others or keys)
    return rng.choice(["0", "1", "I don't know"])


def _judged(answer: str, content: QuestionContent, keys: Sequence[str]) -> bool:
    if content.kind == "choice":
        return names_a_choice(answer, keys)
    accepted = content.accepted_answers
    return doubtful_thousands(answer, kind=content.kind, accepted_answers=accepted) is None


def right_answer(content: QuestionContent, rng: random.Random) -> str:
    """Mostly the first accepted answer, sometimes another way of writing it (0,75 for 3/4)."""
    answers = content.accepted_answers
    answer = answers[0] if len(answers) == 1 or rng.random() < 0.7 else rng.choice(answers[1:])
    if content.kind == "choice" and rng.random() < 0.2:
        answer = answer.lower()
    return answer


# --- the simulation -------------------------------------------------------------------------------


def has_history(student_ids: Sequence[int]) -> bool:
    from events.models import Event

    return (
        Event.objects.filter(type=QUIZ_STARTED)
        .alias(student=KT("data__student_id"))
        .filter(student__in=[str(pk) for pk in student_ids])
        .exists()
    )


def simulate_history(*, days: int, seed: int = 2026, today: date | None = None) -> HistoryOutcome:
    """Simulate the demo classes practising on the school days of the past `days` days.

    Runs once: when any demo student already has a quiz it does nothing (skipped=True).
    """
    outcome = HistoryOutcome()
    usernames = [s.username for c in demo_classes() for s in c.students]
    users = get_user_model().objects.in_bulk(usernames, field_name="username")
    students = [users[u] for u in usernames if u in users]
    if not students or has_history([s.pk for s in students]):
        outcome.skipped = True
        return outcome

    chapters = list(Chapter.objects.filter(course=demo_course()).order_by("order", "pk"))
    rows = _question_places(chapters)
    today = today or timezone.localdate()
    day_list = school_days(days=days, today=today)
    opens = chapter_opens(len(chapters), len(day_list))
    learners = _learners(students, seed)
    outcome.students = len(learners)
    outcome.school_days = len(day_list)
    for learner in learners:
        outcome.profiles[learner.profile.name] = outcome.profiles.get(learner.profile.name, 0) + 1

    world = _World(
        bank=_demo_questions(rows),
        difficulty={pk: question_difficulty(title, order, seed) for pk, title, order in rows},
    )
    with _relaxed_commits():
        for index, day in enumerate(day_list):
            open_chapters = [c for c, at in zip(chapters, opens, strict=True) if at <= index]
            for learner in learners:
                if learner.rng.random() >= learner.profile.practice:
                    continue
                outcome.sessions += 1
                _session(learner, day, open_chapters, world, outcome)
    outcome.stuck_at_end = sum(1 for learner in learners if learner.stuck)
    return outcome


@contextmanager
def _relaxed_commits() -> Iterator[None]:
    """Thousands of one-command transactions: on PostgreSQL don't wait for each WAL flush.

    Safe for demo data: a crash could lose the last moments of simulated history, never corrupt it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _learners(students: Sequence[Any], seed: int) -> list[_Learner]:
    by_class = [
        [s for s in students if s.username in {d.username for d in demo.students}]
        for demo in demo_classes()
    ]
    profile_rng = random.Random(f"{seed}:profiles")
    learners = []
    for group in by_class:
        profiles = assign_profiles([s.username for s in group], profile_rng)
        for student in group:
            profile = profiles[student.username]
            rng = random.Random(f"{seed}:{student.username}")
            learners.append(
                _Learner(
                    user=student,
                    profile=profile,
                    skill=rng.uniform(*profile.skill),
                    rng=rng,
                    command_seed=f"{seed}:{student.username}",
                )
            )
    return learners


def _question_places(chapters: Sequence[Chapter]) -> list[tuple[int, str, int]]:
    """(question id, chapter title, order) of the chapters' questions."""
    titles = {c.pk: c.title for c in chapters}
    rows = Question.objects.filter(chapter__in=chapters).values_list("pk", "chapter_id", "order")
    return [(pk, titles[chapter_id], order) for pk, chapter_id, order in rows]


def _demo_questions(places: Sequence[tuple[int, str, int]]) -> dict[int, DemoQuestion]:
    """Question id -> its entry in the demo bank (seed_demo puts entry n at order n)."""
    by_title = {c.title: c for c in CHAPTERS}
    bank = {}
    for pk, title, order in places:
        demo_chapter = by_title.get(title)
        if demo_chapter is not None and 1 <= order <= len(demo_chapter.questions):
            bank[pk] = demo_chapter.questions[order - 1]
    return bank


def _session(
    learner: _Learner,
    day: date,
    open_chapters: Sequence[Chapter],
    world: _World,
    outcome: HistoryOutcome,
) -> None:
    """One practice session: work through open chapters until the time is up."""
    rng = learner.rng
    tz = timezone.get_current_timezone()
    first = datetime.combine(day, SCHOOL_DAY_START, tzinfo=tz)
    last = datetime.combine(day, LAST_SESSION_START, tzinfo=tz)
    now = first + timedelta(seconds=rng.randint(0, int((last - first).total_seconds())))
    end = now + timedelta(minutes=rng.randint(*learner.profile.minutes))
    while now < end:
        todo = [c for c in open_chapters if c.pk not in learner.passed]
        if not todo:
            return
        chapter = todo[0]
        learner.sessions_on[chapter.pk] = learner.sessions_on.get(chapter.pk, 0) + 1
        result = services.start_quiz(
            actor=learner.user,
            chapter_id=chapter.pk,
            command_id=learner.command_id(),
            now=now,
            pick=learner.pick,
        )
        outcome.record(result)
        outcome.quizzes_started += int(result.created)
        quiz = result.quiz
        skill = (
            learner.skill
            - CHAPTER_DIFFICULTY.get(chapter.title, 0.05)
            + 0.03 * min(learner.sessions_on[chapter.pk], 5)  # practice helps
        )
        # Finish the question in hand even when time is up: nobody leaves mid-question.
        while quiz.status != "passed" and (now < end or quiz.status == "question_open"):
            try:
                result, now = _turn(learner, quiz, now, skill, world)
            except CommandRejected:
                break  # the quiz is not where we thought: leave it for another day
            outcome.record(result)
            became_stuck = result.quiz.stuck and not quiz.stuck
            quiz = result.quiz
            if became_stuck and rng.random() < learner.profile.give_up:
                break  # frustrated: this is where the teacher's "stuck" report comes in
        learner.stuck = quiz.stuck
        if quiz.status != "passed":
            return
        learner.passed.add(chapter.pk)
        outcome.quizzes_passed += 1
        now += timedelta(seconds=rng.randint(20, 90))


def _turn(
    learner: _Learner, quiz: QuizView, now: datetime, skill: float, world: _World
) -> tuple[services.CommandResult, datetime]:
    """The student's next move on the quiz: answer or reveal an open question, else go on."""
    rng = learner.rng
    if quiz.status != "question_open" or quiz.question is None:
        now += timedelta(seconds=rng.randint(2, 8))
        result = services.next_question(
            actor=learner.user,
            quiz_id=quiz.id,
            command_id=learner.command_id(),
            now=now,
            pick=learner.pick,
        )
        return result, now
    content = services.question_revision(quiz.question.id, quiz.question.revision)
    now += timedelta(seconds=rng.randint(*learner.profile.think))
    # On a losing run students reach for the worked answer more often.
    if rng.random() < learner.profile.reveal + (0.15 if learner.misses >= 2 else 0.0):
        learner.misses += 1
        result = services.reveal_answer(
            actor=learner.user, quiz_id=quiz.id, command_id=learner.command_id(), now=now
        )
        return result, now
    chance = skill + world.difficulty.get(content.id, 0.0)
    if rng.random() < min(0.97, max(0.1, chance)):
        answer = right_answer(content, rng)
    else:
        answer = wrong_answer(content, world.bank.get(content.id), rng)
    result = services.answer_question(
        actor=learner.user,
        quiz_id=quiz.id,
        answer=answer,
        command_id=learner.command_id(),
        now=now,
    )
    correct = result.quiz.result is not None and result.quiz.result.correct
    learner.misses = 0 if correct else learner.misses + 1
    return result, now
