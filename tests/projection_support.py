"""Helpers for the projection tests: history in the event log, read-model snapshots, and real
Celery worker processes (plus a private Redis) pointed at the test database."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from events import store
from reporting.models import Answer
from tests.quiz_events import QuizHistory, Roster, quizzes

ROOT = Path(__file__).resolve().parent.parent
# The projection tests flush the event log between tests, which only PostgreSQL allows them.
postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the projection tests run on PostgreSQL",
)
T0 = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
_seeds = itertools.count(1000)


def append_history(quiz_count: int, *, seed: int | None = None) -> list[QuizHistory]:
    """Append `quiz_count` generated quizzes (one append per quiz, fresh stream ids)."""
    histories = list(itertools.islice(quizzes(seed or next(_seeds), Roster(), T0), quiz_count))
    for history in histories:
        store.append(
            history.stream_id, history.events, store.NO_STREAM, recorded_at=history.started_at
        )
    return histories


def settle(timeout: float = 60) -> None:
    """Wait until read_all hands out every event appended so far: it only returns events below the
    oldest transaction still running on the server, and other databases' tests share it."""
    from events.models import Event

    total = Event.objects.count()
    assert wait_for(lambda: sum(1 for _ in store.iter_all(batch=10_000)) == total, timeout), (
        "the event log's horizon did not move"
    )


def answer_count(histories: list[QuizHistory]) -> int:
    return sum(history.answers for history in histories)


ANSWER_FIELDS = [field.name for field in Answer._meta.fields]


def answers_snapshot() -> list[tuple[Any, ...]]:
    return list(Answer.objects.order_by("position").values_list(*ANSWER_FIELDS))


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A private redis-server on its own port, so a test can stop the broker and start it again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, 10), "redis-server did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


# Celery's line once a worker consumes from its queues (`test3@host ready.`).
READY = re.compile(r"\] test\d+@\S+ ready\.$", re.MULTILINE)


class Workers:
    """Real `celery -A studyflow worker` processes (solo pool: one process each, so kill -9 of
    the process is the crash of the worker) on the test database."""

    def __init__(self, broker_url: str, log_dir: Path, **env: str) -> None:
        self.broker_url = broker_url
        self.log_dir = log_dir
        self.extra_env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log_paths: dict[int, Path] = {}  # each process's log, by pid
        self.started = 0

    def env(self) -> dict[str, str]:
        db = settings.DATABASES["default"]
        database_url = (
            f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self, count: int = 1, *, beat: bool = False) -> None:
        for _ in range(count):
            self.started += 1
            log_path = self.log_dir / f"worker-{self.started}.log"
            log = open(log_path, "wb")  # noqa: SIM115
            args = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "studyflow",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=test{self.started}@%h",
            ]
            if beat:
                args += ["--beat", f"--schedule={self.log_dir / f'beat-{self.started}'}"]
                beat = False
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes.append(process)
            self.log_paths[process.pid] = log_path

    def wait_until_ready(self, timeout: float = 90) -> None:
        """Wait until every running worker consumes tasks (Celery logs "<hostname> ready." then).

        Starting one takes seconds, more on a loaded machine: a test that times how fast the
        workers pick up an append starts its clock after this, since in production they are up.
        """

        def ready() -> bool:
            for process in self.processes:
                if process.poll() is not None:
                    raise AssertionError(f"a worker exited ({process.returncode}): {self.logs()}")
            return all(
                READY.search(self.log_paths[process.pid].read_text(errors="replace"))
                for process in self.processes
            )

        assert wait_for(ready, timeout), f"the workers did not start: {self.logs()}"

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """kill -9: no clean shutdown, no ack, the batch transaction dies with the connection."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        self.processes.remove(process)

    def stop_all(self) -> None:
        for process in list(self.processes):
            self.kill(process)

    def log_texts(self) -> list[str]:
        return [
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("worker-*.log"))
        ]

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )


def point_celery_at(broker_url: str) -> Iterator[None]:
    """Make this process publish to `broker_url` (a test's private Redis), then restore."""
    from events import nudges
    from studyflow.celery import app

    before = app.conf.broker_url
    before_env = os.environ.get("CELERY_BROKER_URL")

    def switch(url: str, env: str | None) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its configuration
        if env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = env
        app.conf.broker_url = url  # type: ignore[misc]
        # kombu keeps pools per connection in a registry: drop our references, close nothing
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]
        nudges.reset_gates()
        nudges.resume_broker()

    switch(broker_url, broker_url)
    try:
        yield
    finally:
        switch(before, before_env)


def projection_tables_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reporting_answer")
        return cursor.fetchone()[0] == 0


# --- fixtures (import them into a test module to use them) ---


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server: RedisServer) -> Iterator[RedisServer]:
    """This process publishes to the private Redis, which starts empty for each test."""
    if redis_server.process is None:
        redis_server.start()
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    yield from _pointed(redis_server)


def _pointed(server: RedisServer) -> Iterator[RedisServer]:
    for _ in point_celery_at(server.url):
        yield server


# --- answers given through the quiz services ---------------------------------------------------


class Practice:
    """Students practising through the real quiz services (commands in, events appended)."""

    def __init__(self, students: int = 4, questions: int = 6, seed: int = 1) -> None:
        from django.contrib.auth.models import Group, User

        from quiz import content
        from quiz.models import Chapter, Course
        from studyflow.models import Classroom, School

        tag = uuid.uuid4().hex[:8]
        group, _ = Group.objects.get_or_create(name="students")
        school = School.objects.create(name=f"School {tag}")
        self.classroom = Classroom.objects.create(school=school, name="3B")
        course = Course.objects.create(title=f"Maths {tag}")
        self.chapter = Chapter.objects.create(course=course, title="Fractions", streak_goal=3)
        self.accepted: dict[int, str] = {}
        for n in range(1, questions + 1):
            question = content.create_question(
                chapter=self.chapter,
                kind="open",
                text=f"What is {n} + {n}?",
                choices=None,
                accepted_answers=[str(2 * n)],
                worked_answer=f"{n} + {n} = {2 * n}",
                order=n,
            )
            self.accepted[question.pk] = str(2 * n)
        self.students = []
        for n in range(students):
            student = User.objects.create_user(username=f"pupil{tag}{n}", password="x")
            student.groups.add(group)
            self.classroom.students.add(student)
            self.students.append(student)
        self.views: dict[int, Any] = {}
        self.rng = random.Random(seed)
        self.commands = 0

    def answer(self) -> Any:
        """One answer by a random student (starting a quiz or asking the next question first)."""
        from quiz import services

        student = self.rng.choice(self.students)
        view = self.views.get(student.pk)
        if view is None or view.status == "passed":
            view = self._run(services.start_quiz, actor=student, chapter_id=self.chapter.pk).quiz
        elif view.status != "question_open":
            view = self._run(services.next_question, actor=student, quiz_id=view.id).quiz
        roll = self.rng.random()
        if roll < 0.1:
            result = self._run(services.reveal_answer, actor=student, quiz_id=view.id)
        else:
            given = self.accepted[view.question.id] if roll < 0.7 else f" {self.rng.randrange(99)} "
            result = self._run(
                services.answer_question, actor=student, quiz_id=view.id, answer=given
            )
        self.views[student.pk] = result.quiz
        return result

    def _run(self, command: Callable[..., Any], **kwargs: Any) -> Any:
        self.commands += 1
        return command(command_id=uuid.uuid4(), **kwargs)
