"""The oracle: random histories of 40 students through the real quiz services, projected by the
engine, and every report compared with a plain recomputation from the list of events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from quiz.answers import answer_group
from reporting import models, selectors
from tests.reporting import oracle
from tests.reporting.world import (
    REPORTING,
    World,
    all_events,
    make_projector,
    revise_one,
    simulate,
)

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2026, 2, 2, 7, 30, tzinfo=UTC)
TZ = ZoneInfo(settings.TIME_ZONE)


def approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value, rel=1e-9, abs=1e-9)


def check_every_report(world: World, client: APIClient) -> None:
    events = all_events()
    assert events, "the simulation produced no events"
    cells = oracle.progress(events)

    # the class progress grid (API), cell by cell
    for classroom, members in (
        (world.class_a, world.students_a),
        (world.class_b, world.students_b),
    ):
        body = client.get(f"/api/reports/classes/{classroom.pk}/progress/").json()
        assert sorted(s["id"] for s in body["students"]) == sorted(s.pk for s in members)
        assert {c["id"] for c in body["chapters"]} >= {c.pk for c in world.chapters}
        got = {(c["student"], c["chapter"]): c for c in body["cells"]}
        for student in members:
            for chapter in world.chapters:
                cell = got[(student.pk, chapter.pk)]
                want = cells.get((student.pk, chapter.pk))
                if want is None:
                    assert cell["status"] == "not_started" and cell["answered"] == 0
                    continue
                assert cell["status"] == want["status"]
                assert cell["streak"] == want["streak"]
                assert cell["answered"] == want["answered"]
                assert cell["mistakes"] == want["mistakes"]
                assert cell["reveals"] == want["reveals"]
                assert cell["best_streak"] == want["best_streak"]
                assert cell["time_spent_seconds"] == want["time_spent_ms"] // 1000
                assert parse(cell["last_activity"]) == want["last_activity"]
                assert parse(cell["passed_at"]) == want["passed_at"]
                assert cell["stuck"] is want["stuck"]

    # the quiz each student is on (the dashboard's "Continue"), not in the API
    for (student_id, chapter_id), want in cells.items():
        assert selectors.progress_cells(student_id)[chapter_id].open_quiz_id == want["open_quiz_id"]

    # item analysis per chapter, overall and per class (the current students of the class)
    for chapter in world.chapters:
        scopes: list[tuple[Any, set[int] | None]] = [
            (None, None),
            (world.class_a, {s.pk for s in world.students_a}),
            (world.class_b, {s.pk for s in world.students_b}),
        ]
        for classroom, students in scopes:
            url = f"/api/reports/questions/?chapter={chapter.pk}"
            if classroom is not None:
                url += f"&class={classroom.pk}"
            rows = {r["question"]: r for r in client.get(url).json()}
            want_rows = oracle.question_report(events, chapter.pk, students)
            for question, row in rows.items():
                want = want_rows.get(question)
                if want is None:
                    assert row["answered"] == row["revealed"] == 0
                    assert row["facility"] is None
                    continue
                for name in ("answered", "correct", "incorrect", "revealed", "first_tries"):
                    assert row[name] == want[name], (question, name)
                assert row["facility"] == approx(want["facility"])
                assert row["discrimination"] == approx(want["discrimination"]), question
                assert row["mean_seconds"] == approx(want["mean_seconds"])
                if classroom is None:
                    assert row["median_seconds"] == want["median_seconds"]
            assert set(want_rows) <= set(rows)

    # wrong answers per question, overall and per class
    questions = {e.data["question_id"] for e in events if "question_id" in e.data}
    for question in sorted(questions):
        body = client.get(f"/api/reports/questions/{question}/wrong-answers/").json()
        assert [{k: r[k] for k in ("answer", "count", "students")} for r in body] == (
            oracle.wrong_answers(events, question, answer_group)
        )
        in_b = {s.pk for s in world.students_b}
        body = client.get(
            f"/api/reports/questions/{question}/wrong-answers/?class={world.class_b.pk}"
        ).json()
        assert [{k: r[k] for k in ("answer", "count", "students")} for r in body] == (
            oracle.wrong_answers(events, question, answer_group, in_b)
        )
    # the chapter page's top two per question, ranked in the database: the head of each full list
    in_b = {s.pk for s in world.students_b}
    for students in (None, in_b):
        top = selectors.wrong_answers_by_question(questions, students=students, per_question=2)
        for question in questions:
            head = oracle.wrong_answers(events, question, answer_group, students)[:2]
            top_rows = [
                {"answer": r.answer, "count": r.count, "students": r.students}
                for r in top.get(question, [])
            ]
            assert top_rows == head, question

    # every answer of every student; their time per day
    for student in [*world.students, world.lonely]:
        body = client.get(f"/api/reports/students/{student.pk}/answers/").json()
        want_answers = oracle.student_answers(events, student.pk)
        assert [
            {**row, "at": parse(row["at"])}
            for row in (
                {
                    k: r[k]
                    for k in ("at", "quiz", "question", "answer", "correct", "seconds_to_answer")
                }
                for r in body
            )
        ] == want_answers
        days = {d.day: d for d in selectors.student_days(student.pk)}
        want_days = oracle.student_days(events, student.pk, TZ)
        assert set(days) == set(want_days)
        for day, want in want_days.items():
            assert days[day].time_spent_seconds == want["time_spent_ms"] // 1000
            assert days[day].answered == want["answered"]

    # the class feed and the class per day
    class_days = oracle.class_days(events, TZ)
    for classroom in (world.class_a, world.class_b):
        body = client.get(f"/api/reports/classes/{classroom.pk}/activity/").json()
        want_feed = oracle.feed(events, classroom.pk)
        assert [{**r, "at": parse(r["at"])} for r in strip(body)] == want_feed
        mine = {k[1]: v for k, v in class_days.items() if k[0] == classroom.pk}
        got_days = {
            d.day: {
                "answered": d.answered,
                "correct": d.correct,
                "active_students": d.active_students,
                "time_spent_ms": d.time_spent_ms,
            }
            for d in models.ClassDay.objects.filter(classroom_id=classroom.pk)
        }
        assert got_days == mine


def strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: r[k] for k in ("at", "position", "student", "type", "question", "correct")}
        for r in rows
    ]


def parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@pytest.fixture
def staff_client(world: World) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.staff)
    return client


READ_MODELS = (
    models.Answer,
    models.StudentProgress,
    models.StudentDay,
    models.ProgressClock,
    models.QuestionStats,
    models.QuestionDuration,
    models.QuestionStudent,
    models.WrongAnswer,
    models.WrongAnswerStudent,
    models.ClassDay,
    models.ClassDayStudent,
    models.ActivityClock,
    models.ClassFeedItem,
)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every reporting table, without surrogate ids."""
    out = {}
    for model in READ_MODELS:
        names = [f.name for f in model._meta.concrete_fields if f.name != "id"]
        out[model.__name__] = sorted(
            model.objects.values_list(*names), key=lambda row: tuple(map(str, row))
        )
    return out


@pytest.mark.worker
@pytest.mark.parametrize("seed", [0, 100])
def test_reports_equal_the_oracle_after_every_round_and_after_a_rebuild(
    world, staff_client, worker, seed
):
    """The real path: services append, a real Celery worker projects, the API reports."""
    projector = worker
    now = START
    for round_number in range(4):
        now = simulate(world, seed=seed + round_number, steps=300, start=now)
        if round_number == 1:
            revise_one(world)  # later answers name revision 2
            now = simulate(world, seed=seed + 99, steps=10, start=now, students=[world.lonely])
        projector.catch_up()
        check_every_report(world, staff_client)
    assert len(all_events()) > 1000
    assert len({e.data["student_id"] for e in all_events()}) == 41  # 40 and the lonely one
    kinds = {e.type for e in all_events()}
    assert {"quiz.StudentGotStuck", "quiz.QuizPassed", "quiz.AnswerRevealed"} <= kinds
    assert any(e.data.get("question_revision") == 2 for e in all_events())
    incremental = snapshot()
    projector.rebuild()
    assert snapshot() == incremental
    check_every_report(world, staff_client)


@pytest.mark.parametrize("seed", [7, 8])
def test_other_seeds_in_process_with_small_batches(world, staff_client, seed):
    """The same reports when the projections run in this process, 50 events per batch."""
    simulate(world, seed=seed, steps=300, start=START)
    make_projector().catch_up()
    check_every_report(world, staff_client)


def test_a_report_added_later_covers_all_history_after_a_rebuild(world, staff_client):
    """History first, projections never run; then a rebuild of each brings in everything."""
    simulate(world, seed=11, steps=200, start=START)
    make_projector().rebuild()
    check_every_report(world, staff_client)


def test_one_pass_rebuild_equals_rebuilding_one_by_one(world, staff_client):
    from events import replay, runner

    simulate(world, seed=12, steps=200, start=START)
    make_projector().catch_up()  # wait until visible
    for name in REPORTING:
        runner.rebuild(name, batch_size=64)
    one_by_one = snapshot()
    read = replay.rebuild(REPORTING, batch_size=64)
    assert read == len(all_events())
    assert snapshot() == one_by_one
    check_every_report(world, staff_client)
