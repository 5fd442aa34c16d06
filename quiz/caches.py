"""In-process caches of the quiz write side. Every one is safe to be stale (or empty):

- Question revisions never change once saved, so a revision read once is good forever.
- A chapter's pool (its questions at their current revisions) is kept a few seconds: an answer is
  always checked against the revision that was assigned (recorded in the event), so assigning a
  revision that was edited a moment ago is still consistent. Saves in this process clear it.
- A chapter's info (course, streak goal, the course's school) likewise: a quiz records the first
  two when it starts, so a start a few seconds after an edit uses the previous goal, as a start
  just before the edit would; and for those seconds another process may still let a student of
  another school start a course that was just made one school's own.
- A quiz stream's events and folded state, after a command of this process: the next command on the
  quiz decides on it without reading the stream. The append's expected version rejects a decision
  on a stale state (another process moved the quiz on), and the service then reads the stream and
  decides again; a rejection decided on a cached state is re-checked on a fresh read too.
- How many quizzes a student started on a chapter, as this process last saw it. It may be behind
  (another process started more) or ahead (a start whose caller's transaction rolled back, a
  restored database), so a start checks that quiz and the few after it, which is cheaper than
  counting all of the student's QuizStarted events (they grow with every quiz), and counts them
  all when that quiz is missing or all the few exist.

All are keyed by database name as well, for processes that talk to more than one database.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_save

from events.store import RecordedEvent
from quiz.content import ChapterInfo, QuestionContent
from quiz.domain import QuizState
from quiz.models import Chapter, Course, Question, QuestionRevision

K = TypeVar("K")
V = TypeVar("V")

POOL_SECONDS = 5.0


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _db() -> str:
    # The configured settings are the very dict the connection was made with (the test runner
    # renames the test database in it); reading the connection would cost a context-local lookup.
    return str(connections.settings[DEFAULT_DB_ALIAS]["NAME"])


REVISIONS: LRU[tuple[str, int, int], QuestionContent] = LRU(20_000)
POOLS: LRU[tuple[str, int], tuple[float, tuple[QuestionContent, ...]]] = LRU(1_000)
STREAMS: LRU[tuple[str, str], tuple[tuple[RecordedEvent, ...], QuizState]] = LRU(5_000)
CHAPTERS: LRU[tuple[str, int], tuple[float, ChapterInfo]] = LRU(1_000)
QUIZZES_STARTED: LRU[tuple[str, int, int], int] = LRU(20_000)


def revision(
    question_id: int, number: int, load: Callable[[int, int], QuestionContent]
) -> QuestionContent:
    key = (_db(), question_id, number)
    found = REVISIONS.get(key)
    if found is None:
        found = load(question_id, number)
        REVISIONS.put(key, found)
    return found


def pool(
    chapter_id: int, load: Callable[[int], tuple[QuestionContent, ...]]
) -> tuple[QuestionContent, ...]:
    key = (_db(), chapter_id)
    found = POOLS.get(key)
    now = time.monotonic()
    if found is not None and now - found[0] < POOL_SECONDS:
        return found[1]
    questions = load(chapter_id)
    POOLS.put(key, (now, questions))
    for question in questions:
        REVISIONS.put((key[0], question.id, question.revision), question)
    return questions


def chapter(chapter_id: int, load: Callable[[int], ChapterInfo | None]) -> ChapterInfo | None:
    key = (_db(), chapter_id)
    found = CHAPTERS.get(key)
    now = time.monotonic()
    if found is not None and now - found[0] < POOL_SECONDS:
        return found[1]
    info = load(chapter_id)
    if info is not None:  # a missing chapter is looked up again: it may be created any moment
        CHAPTERS.put(key, (now, info))
    return info


def stream(stream_id: str) -> tuple[tuple[RecordedEvent, ...], QuizState] | None:
    return STREAMS.get((_db(), stream_id))


def remember_stream(stream_id: str, events: tuple[RecordedEvent, ...], state: QuizState) -> None:
    STREAMS.put((_db(), stream_id), (events, state))


def forget_stream(stream_id: str) -> None:
    STREAMS.drop((_db(), stream_id))


def known_quizzes_started(student_id: int, chapter_id: int) -> int | None:
    return QUIZZES_STARTED.get((_db(), student_id, chapter_id))


def remember_quizzes_started(student_id: int, chapter_id: int, started: int) -> None:
    key = (_db(), student_id, chapter_id)
    known = QUIZZES_STARTED.get(key)
    if known is None or started > known:  # (a race may keep the smaller: it is checked on use)
        QUIZZES_STARTED.put(key, started)


def forget_quizzes_started(student_id: int, chapter_id: int) -> None:
    QUIZZES_STARTED.drop((_db(), student_id, chapter_id))


def clear() -> None:
    for cache in (REVISIONS, POOLS, STREAMS, CHAPTERS, QUIZZES_STARTED):
        cache.clear()


def _content_changed(sender: Any, **kwargs: Any) -> None:
    POOLS.clear()
    CHAPTERS.clear()


post_save.connect(_content_changed, sender=Question, dispatch_uid="quiz.caches.question")
post_save.connect(_content_changed, sender=QuestionRevision, dispatch_uid="quiz.caches.revision")
post_save.connect(_content_changed, sender=Chapter, dispatch_uid="quiz.caches.chapter")
# A course's school is part of its chapters' info (whose students may start them).
post_save.connect(_content_changed, sender=Course, dispatch_uid="quiz.caches.course")
post_delete.connect(_content_changed, sender=Chapter, dispatch_uid="quiz.caches.chapter_gone")
