"""The teacher pages and exports with real data: what a teacher sees."""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from quiz import services
from quiz.content import revise_question
from quiz.models import Chapter, Question
from reporting import selectors
from reporting.models import Answer
from reporting.templatetags.reporting_format import answer_kept_whole, moment
from reporting.views import answer_row_html, last_active
from tests.reporting.world import Feeder, World, answer_the_choice, make_world, simulate

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2026, 2, 2, 7, 30, tzinfo=UTC)
# The school's clock in a test that does work "now" and then reads it on a page: midday on a
# Wednesday of the history's year, the same date in any time zone within eleven hours of UTC.
SCHOOL_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def school_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Stop the clock (django.utils.timezone.now, which the services, the store, the sessions and
    the pages read) at SCHOOL_NOW. On the wall clock, the school's midnight could pass between
    the work and the page that reads it (the work then reads "yesterday 23:59", or a chart covers
    a day more), or between the page and the test's own "today"."""
    monkeypatch.setattr(timezone, "now", lambda: SCHOOL_NOW)
    return SCHOOL_NOW


@pytest.fixture
def history() -> World:
    world = make_world(students_a=8, students_b=3, chapters=2)
    simulate(world, seed=3, steps=250, start=START)
    Feeder(batch_size=200).catch_up()
    return world


def teacher(world: World) -> Client:
    client = Client()
    client.force_login(world.teacher_a)
    return client


def test_grid_lists_stuck_students_first_and_sorts(history):
    classroom = history.class_a
    grid = selectors.grid(classroom)
    stuck = [row.stuck > 0 for row in grid.rows]
    assert stuck == sorted(stuck, reverse=True), "stuck students first"
    by_time = selectors.grid(classroom, sort="time")  # the most first
    times = [row.time_spent_seconds for row in by_time.rows]
    assert times == sorted(times, reverse=True)
    page = teacher(history).get(f"/teacher/classes/{classroom.pk}/?sort=name&reverse=1")
    html = page.content.decode()
    assert page.status_code == 200
    names = [row.student.name for row in selectors.grid(classroom, sort="name").rows]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions, reverse=True)
    cells = selectors.grid(classroom).cells
    assert html.count('<td class="cell ') == len(cells) == 8 * 2
    for cell in cells:
        assert f'data-status="{cell.status}" data-chapter="{cell.chapter}"' in html
    assert 'aria-sort="descending"' in html
    assert re.search(r'<span class="detail"><span>\d+ answered</span> · <span>\d+ wrong', html)
    assert "htmx.min.js" in html and 'hx-trigger="every' in html
    assert "<svg" in html  # answers per day
    # Its labels are HTML at the page's font size: SVG text would stretch and shrink with it.
    assert '<div class="chart-labels"' in html and "<text" not in html


def test_a_chapters_head_says_it_leads_to_its_questions_and_the_sorting_heads_say_they_sort(
    history,
):
    # given a class page
    classroom = history.class_a
    html = teacher(history).get(f"/teacher/classes/{classroom.pk}/").content.decode()
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    # then each chapter's head is a link to its questions that says so, visibly and by name
    chapters = [head for head in heads if "/questions/" in head]
    assert len(chapters) == len(history.chapters)
    for head, chapter in zip(chapters, history.chapters, strict=True):
        assert f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}" in head
        assert '<span class="head-note"><span class="visually-hidden">: </span>questions' in head
        assert 'title="Questions of this chapter' in head
        assert "sort-mark" not in head
    # and the heads that sort show an arrow, the sorted one its direction
    sorting = [head for head in heads if "?sort=" in head]
    assert len(sorting) == 3
    assert all('<span class="sort-mark" aria-hidden="true">↕</span>' in h for h in sorting)
    by_name = teacher(history).get(f"/teacher/classes/{classroom.pk}/?sort=name").content.decode()
    assert '>Student<span class="sort-mark" aria-hidden="true">▲</span></a>' in by_name


def test_the_class_page_may_be_wider_than_the_others(history):
    client = teacher(history)
    assert (
        '<main id="main" class="wide">'
        in client.get(f"/teacher/classes/{history.class_a.pk}/").content.decode()
    )
    assert '<main id="main">' in client.get("/teacher/").content.decode()


def test_the_report_api_writes_every_moment_in_utc(history):
    # given a class's reports and a student's answers, over the API
    client = teacher(history)
    base = f"/api/reports/classes/{history.class_a.pk}"
    cells = client.get(f"{base}/progress/").json()["cells"]
    feed = client.get(f"{base}/activity/").json()
    student = history.students_a[0].pk
    answers = client.get(f"/api/reports/students/{student}/answers/").json()
    question = answers[0]["question"]
    wrong = client.get(f"/api/reports/questions/{question}/wrong-answers/").json()
    moments = [
        *(c["last_activity"] for c in cells if c["last_activity"]),
        *(item["at"] for item in feed),
        *(a["at"] for a in answers),
        *(w["last_seen"] for w in wrong),
    ]
    # then every moment is ISO 8601 in UTC, written as the event log writes them
    assert len(moments) > 20
    assert all(moment.endswith("Z") and "+" not in moment for moment in moments)


# A time of day as text ("13:10", "9:05"): on a teacher page only inside a <time>.
TIME_OF_DAY = re.compile(r"\b\d?\d:\d\d\b")
# How wording.moment writes one: "13:10", "yesterday 13:10", "Mon 13:10", "25 Nov (2025) 13:10".
MOMENT = re.compile(r"(?:yesterday |[A-Z][a-z]{2} |\d+ [A-Z][a-z]{2} (?:\d{4} )?)?\d\d:\d\d")


def moments_on(html: str) -> list[str]:
    """The moments of a page as it writes them, checking that each is a <time> with its moment
    to the second and its full date and time in its title, and that no time of day is written
    outside one."""
    found = re.findall(r'<time datetime="([^"]+)" title="([^"]+)">([^<]*)</time>', html)
    assert len(found) == html.count("<time"), "every <time> has its datetime and title"
    for moment_at, title, shown in found:
        assert datetime.fromisoformat(moment_at).microsecond == 0, moment_at
        assert re.fullmatch(r"[A-Z][a-z]+day \d+ [A-Z][a-z]+ \d{4}, \d\d:\d\d:\d\d", title)
        assert MOMENT.fullmatch(shown), shown
    outside = re.sub(r"<[^>]*>", " ", re.sub(r"<time .*?</time>", "", html, flags=re.S))
    assert not TIME_OF_DAY.findall(outside)
    return [shown for _, _, shown in found]


def test_every_time_on_the_teacher_pages_is_written_one_way(history, school_clock):
    # given a class's work in February and a student who practised just now (on a stopped clock)
    pupil = history.students_a[0]
    quiz = services.start_quiz(
        actor=pupil, chapter_id=history.chapters[0].pk, command_id=uuid.uuid4()
    ).quiz
    if quiz.status != "question_open":
        quiz = services.next_question(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4()).quiz
    services.reveal_answer(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4())
    Feeder().catch_up()
    client = teacher(history)
    today = re.compile(re.escape(f"{timezone.localtime(school_clock):%H:%M}"))  # the time alone
    february = re.compile(r"\d+ Feb \d\d:\d\d")  # a day of this year's February, without its year
    # when the teacher reads the class page, the feed it polls and the student's page
    grid = moments_on(client.get(f"/teacher/classes/{history.class_a.pk}/").content.decode())
    feed = moments_on(client.get(f"/teacher/classes/{history.class_a.pk}/feed/").content.decode())
    polled = client.get(f"/teacher/classes/{history.class_a.pk}/grid/").content.decode()
    student = moments_on(client.get(f"/teacher/students/{pupil.pk}/").content.decode())
    # then each moment is one <time>, today's as the time alone, February's with their day
    grid_alone = moments_on(polled)
    assert today.fullmatch(grid[0]) and today.fullmatch(grid_alone[0])  # "Updated ..."
    assert sum(bool(today.fullmatch(t)) for t in grid_alone) == 2  # and the student's last active
    assert any(february.fullmatch(t) for t in grid_alone)
    assert today.fullmatch(feed[0]) and february.fullmatch(feed[-1])
    assert len(student) >= 3 and february.fullmatch(student[-1])
    # and the question difficulty page writes none
    questions = f"/teacher/chapters/{history.chapters[0].pk}/questions/"
    assert moments_on(client.get(questions).content.decode()) == []


def test_feed_partial_and_since(history):
    client = teacher(history)
    url = f"/teacher/classes/{history.class_a.pk}/feed/"
    html = client.get(url).content.decode()
    assert "answered" in html
    newest = selectors.feed(history.class_a.pk, limit=1)[0]
    later = client.get(url, {"since": newest.at.isoformat()}).content.decode()
    assert "No activity yet." in later
    # a moment UTC cannot hold is no moment: the latest items, not a crash
    edge = client.get(url, {"since": "0001-01-01T00:00:00+14:00"})
    assert edge.status_code == 200 and "answered" in edge.content.decode()


@pytest.mark.parametrize(
    ("at", "quiet"),
    [
        (datetime(2026, 3, 5, 0, 0, 7), False),
        (datetime(2026, 3, 4, 23, 59), False),
        (datetime(2026, 2, 27, 9, 0), False),  # six days ago
        (datetime(2026, 2, 26, 23, 59), True),  # a week or more: gone quiet
        (datetime(2025, 12, 31, 9, 15), True),
    ],
)
def test_last_active_is_quiet_from_a_week_ago_by_calendar_day(at: datetime, quiet: bool) -> None:
    active = last_active(at, datetime(2026, 3, 5, 14, 30))
    assert (active.at, active.quiet, active.never) == (at, quiet, False)


def test_a_moment_on_a_page_is_a_time_element_with_its_full_date_and_time() -> None:
    # given a moment in UTC, and the school's time zone (Amsterdam: an hour ahead in winter)
    at = datetime(2026, 11, 23, 12, 10, 2, 123456, tzinfo=UTC)
    now = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    with timezone.override("Europe/Amsterdam"):
        html = moment(at, now)
    # then it reads in the school's time, within the week by its weekday, and names its moment
    # to the second (no microseconds: a valid HTML datetime) and in full in its title
    assert html == (
        '<time datetime="2026-11-23T13:10:02+01:00" '
        'title="Monday 23 November 2026, 13:10:02">Mon 13:10</time>'
    )


def test_today_is_the_schools_today() -> None:
    # given 23:30 UTC, which is already tomorrow in Amsterdam
    at = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    # then a teacher in Amsterdam reads it as a time of today, one in UTC as yesterday's
    with timezone.override("Europe/Amsterdam"):
        assert ">00:30</time>" in moment(at, now)
    with timezone.override("UTC"):
        assert ">yesterday 23:30</time>" in moment(at, now)


def test_a_student_who_never_practised_has_not_gone_quiet() -> None:
    # given a student with no activity at all (a new class), when the grid says when they were
    # last active
    active = last_active(None, datetime(2026, 3, 5, 14, 30))
    # then it says they never practised, and does not count them as quiet
    assert active == (None, False, True)


def test_the_grid_shows_when_each_student_was_last_active_and_totals_per_chapter(history):
    # given the simulated class (its work two years back, so every student has gone quiet)
    classroom = history.class_a
    html = teacher(history).get(f"/teacher/classes/{classroom.pk}/").content.decode()
    grid = selectors.grid(classroom)
    # then each row says when, and the footer counts passed and stuck per chapter
    assert '>Last active<span class="sort-mark"' in html
    assert html.count('data-quiet="1"') + html.count('data-quiet="0"') == len(grid.rows)
    for totals in grid.column_totals():
        # (at the left, as the chapter's head and cells above it are)
        cell = re.search(rf'<td class="total" data-chapter="{totals.chapter.id}">(.*?)</td>', html)
        assert cell is not None
        assert f"⚠</span> {totals.stuck}<span" in cell[1] if totals.stuck else "⚠" not in cell[1]
        of = '<span aria-hidden="true">/</span><span class="visually-hidden"> of </span>'
        assert f"✓</span> {totals.passed}{of}{len(grid.rows)}<span" in cell[1]
    assert sum(t.passed for t in grid.column_totals()) == sum(r.passed for r in grid.rows)
    assert all(t.passed + t.stuck <= t.students for t in grid.column_totals())
    quiet = html.count('data-quiet="1"')
    assert quiet and f"Quiet a week or more {quiet}</li>" in html
    # the totals say what they count: chapters of students, then students
    cells = len(grid.rows) * len(grid.chapters)
    times = "\N{MULTIPLICATION SIGN}"
    students, chapters = len(grid.rows), len(grid.chapters)
    assert f"({students} students {times} {chapters} chapters = {cells}):</p>" in html
    assert f">Students ({len(grid.rows)}):</p>" in html
    assert "(students)" not in html and "Never practised 0</li>" in html
    # the figures' heads are over their figures, at the right
    assert '<th scope="col" class="num" aria-sort=' in html
    assert html.count('<th scope="col" class="num" aria-sort=') == 2  # time and last active


def test_the_students_totals_line_shows_with_zeros_when_nobody_is_quiet(history):
    # given a class whose every student practised just now (class 2B: a fresh answer each)
    classroom = history.class_b
    chapter = history.chapters[0]
    for student in history.students_b:
        quiz = services.start_quiz(
            actor=student, chapter_id=chapter.pk, command_id=uuid.uuid4()
        ).quiz
        if quiz.status != "question_open":
            quiz = services.next_question(
                actor=student, quiz_id=quiz.id, command_id=uuid.uuid4()
            ).quiz
        services.reveal_answer(actor=student, quiz_id=quiz.id, command_id=uuid.uuid4())
    Feeder().catch_up()
    html = teacher_b(history).get(f"/teacher/classes/{classroom.pk}/").content.decode()
    assert 'data-quiet="1"' not in html and 'data-never="1"' not in html
    # then the students' line is there all the same, as the chapters' line is, with its zeros
    students = len(history.students_b)
    assert f">Students ({students}):</p>" in html
    assert "Quiet a week or more 0</li>" in html and "Never practised 0</li>" in html


def teacher_b(world: World) -> Client:
    client = Client()
    client.force_login(world.teacher_b)
    return client


def test_a_new_student_never_practised_is_not_counted_quiet(history):
    # given a class whose work is long past (every student gone quiet), and a student just added
    newcomer = get_user_model().objects.create_user("newcomer-grid", first_name="Zed")
    history.class_a.students.add(newcomer)
    html = teacher(history).get(f"/teacher/classes/{history.class_a.pk}/").content.decode()
    # then the newcomer's row says they never practised, without the quiet moon
    row = re.search(rf'<tr data-student="{newcomer.pk}">(.*?)</tr>', html, re.S)
    assert row is not None
    assert 'class="num never" data-quiet="0" data-never="1">never practised</td>' in row[1]
    assert "☾" not in row[1]
    # and the totals count them apart from the quiet ones
    quiet = html.count('data-quiet="1"')
    assert quiet == len(history.students_a)
    assert f"Quiet a week or more {quiet}</li>" in html
    assert "Never practised 1</li>" in html


def test_the_feed_shows_yesterdays_items_with_their_day(history):
    html = teacher(history).get(f"/teacher/classes/{history.class_a.pk}/feed/").content.decode()
    assert "answered" in html
    # The simulated history is months old: every item reads as its date, none as a time of today.
    times = re.findall(r"<time [^>]*>([^<]*)</time>", html)
    assert times and all(re.fullmatch(r"\d+ \w{3} (?:\d{4} )?\d\d:\d\d", t) for t in times)


def test_student_page_lists_every_answer_with_timing(history):
    student = max(history.students_a, key=lambda s: len(selectors.student_answers(s.pk)))
    answers = selectors.student_answers(student.pk)
    assert answers
    html = teacher(history).get(f"/teacher/students/{student.pk}/", {"all": "1"}).content.decode()
    assert html.count('<tr class="correct" ') == sum(a.outcome == "correct" for a in answers)
    assert html.count('<tr class="incorrect" ') == sum(a.outcome == "incorrect" for a in answers)
    # The history is from February: nothing in the chart's last 30 days
    assert "Time spent per day" in html and "No work in the last 30 days." in html
    # The summary counts answers and reveals apart; the table lists both, and says so.
    answered = sum(a.outcome != "revealed" for a in answers)
    assert f"<dt>Answers</dt><dd>{answered}</dd>" in html
    assert f'Answers and reveals <span class="muted small">({len(answers)}, newest' in html
    # the chapters' figures and the answers' times have their heads at the right, over them
    for head in ("Answers", "Mistakes", "Best streak", "Time", "Took"):
        assert f'<th scope="col" role="columnheader" class="num">{head}</th>' in html, head


def test_an_answer_row_escapes_what_it_shows_and_names_its_cells_for_a_phone() -> None:
    # given a wrong answer typed as markup, to a question and in a chapter whose text has some
    typed = Answer(
        position=1,
        quiz_id=uuid.uuid4(),
        student_id=1,
        chapter_id=1,
        question_id=1,
        question_revision=1,
        answer='<script>alert("x")</script>',
        outcome="incorrect",
        correct=False,
        seconds_to_answer=12.4,
        answered_at=START,
    )
    html = answer_row_html(typed, "Is 1 < 2 & 3 > 2?", 'Chapter "<b>"')
    # then the row shows them as text
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert (
        'Is <span class="unbroken">1 &lt; 2 &amp; 3 &gt; 2?</span>' in html
        and "Chapter &quot;&lt;b&gt;&quot;" in html
    )
    # and names the cells its card shows under a name on a phone (reporting.css)
    assert re.findall(r'data-label="([^"]*)"', html) == ["Answer", "Result", "Took"]
    assert html.startswith('<tr class="incorrect" role="row">') and html.count('role="cell"') == 5


def test_an_answer_breaks_only_where_a_run_is_too_long_to_keep_whole() -> None:
    # given a revealed answer, an ordinary one and one typed without a space for 60 characters
    def row(outcome: str, given: str) -> str:
        answer = Answer(
            position=1,
            quiz_id=uuid.uuid4(),
            student_id=1,
            chapter_id=1,
            question_id=1,
            question_revision=1,
            answer=given,
            outcome=outcome,
            correct=outcome == "correct",
            answered_at=START,
        )
        return answer_row_html(answer, "Solve for x", "Equations")

    # then "revealed" and an ordinary answer are whole words, which the column never breaks,
    # and a short answer is kept on one line
    assert 'data-label="Answer"><em>revealed</em></td>' in row("revealed", "")
    assert 'data-label="Answer">0,125</td>' in row("correct", "0,125")
    assert 'data-label="Answer"><span class="unbroken">x = 6</span></td>' in row("correct", "x = 6")
    # and only the long run may break anywhere (reporting.css), the words around it kept whole
    long = "7" * 60
    assert f'data-label="Answer">x = <span class="long-run">{long}</span> cm</td>' in row(
        "incorrect", f"x = {long} cm"
    )
    assert answer_kept_whole("<b>" + "&" * 30) == (
        '<span class="long-run">&lt;b&gt;' + "&amp;" * 30 + "</span>"
    )
    assert (
        answer_kept_whole("<b> & </b>")
        == '<span class="unbroken">&lt;b&gt; &amp; &lt;/b&gt;</span>'
    )


def test_questions_page_shows_facility_and_wrong_answers(history):
    chapter = history.chapters[0]
    html = (
        teacher(history)
        .get(f"/teacher/chapters/{chapter.pk}/questions/", {"class": history.class_a.pk})
        .content.decode()
    )
    assert "Facility spread" in html
    assert "Needs checking: from 10 first tries on, a facility or a discrimination" in html
    # A class has no median (it is kept for all students): no column of dashes, but a note,
    # which says what the column shown is.
    assert "Median time" not in html and "choose “All students” to see it" in html
    assert '"num">Mean time</th>' in html
    assert "Mean time: the average time the students of class 2A took to answer." in html
    # every figure's head is over its figures, at the right; "Discrimination" is one word, not
    # hyphenated where the column is narrow
    for head in ("Answered", "Correct", "Wrong", "Revealed", "Facility", "Discrimination"):
        assert f'class="num">{head}</th>' in html, head
    assert "&shy;" not in html
    # a wrong answer and how often it was given are told apart: a dash and a span of their own
    assert re.search(
        r'</code></bdi> <span class="times"><span aria-hidden="true">—</span> \d+ times?</span> '
        r'<span class="muted small students">\(\d+ students?\)</span>',
        html,
    )
    # The figures in plain words: what facility and discrimination tell a teacher.
    assert "got the question right at their first try, as a share (0.75: three in four)" in html
    assert "whether the students who get this question right are the ones who do well" in html
    reports = selectors.question_table(chapter.pk)
    assert any(r.facility is not None for r in reports)
    ours = [s.pk for s in history.students_a]  # a teacher reads their own students' answers
    wrong = selectors.wrong_answers_by_question([r.question for r in reports], students=ours)
    top = next(w[0] for w in wrong.values() if w)
    overall = teacher(history).get(f"/teacher/chapters/{chapter.pk}/questions/").content.decode()
    # as the page writes it: a short answer with spaces is kept on one line (answer_kept_whole)
    assert f"<code>{answer_kept_whole(top.answer)}</code>" in overall
    # who gave an answer: at most `limit` of them, the database choosing
    everyone = selectors.wrong_answers_by_question([r.question for r in reports])
    shared = [(q, w.answer) for q, answers in everyone.items() for w in answers if w.students > 1]
    assert shared, "the simulation gives some wrong answers more than once"
    picked = selectors.who_gave(shared, students=None, limit=1)
    assert set(picked) == set(shared) and all(len(people) == 1 for people in picked.values())
    assert "Median time" in overall and "to see it" not in overall
    assert ">Mean time</th>" in overall and "Mean time: the average time students took" in overall
    assert "Median time: the middle one (half answered quicker, half slower)" in overall


def test_a_draft_has_no_row_until_it_was_asked(history):
    chapter = history.chapters[0]
    asked = selectors.question_table(chapter.pk)
    draft = Question.objects.create(chapter=chapter, order=99, live=False)
    assert [r.question for r in selectors.question_table(chapter.pk)] == [r.question for r in asked]
    # A question put to students once keeps its row when it goes back to being a draft.
    Question.objects.filter(pk=asked[0].question).update(live=False)
    assert [r.question for r in selectors.question_table(chapter.pk)] == [r.question for r in asked]
    assert draft.pk not in [r.question for r in selectors.question_table(chapter.pk)]


def test_a_wrong_choice_reads_as_its_key_and_text() -> None:
    world = make_world(students_a=1, students_b=1, chapters=1)
    answer_the_choice(world, "A")
    Feeder().catch_up()
    html = teacher(world).get(f"/teacher/chapters/{world.chapters[0].pk}/questions/").content
    assert (
        '<bdi><code><span class="unbroken">a: 1/3</span></code></bdi> <span class="times">'
        '<span aria-hidden="true">—</span> 1 time</span>' in html.decode()
    )


def test_a_choice_reads_as_its_key_and_text_on_a_students_page_and_in_the_feed() -> None:
    # given a student's wrong answer "A" to a multiple-choice question (a: 1/3, b: 2/4)
    world = make_world(students_a=1, students_b=1, chapters=1)
    choice = Question.objects.get(chapter=world.chapters[0], kind="choice")
    student = world.students_a[0]
    answer_the_choice(world, "A")
    Feeder().catch_up()
    # and the question edited since: its choices now read otherwise
    revise_question(
        question=choice,
        text="Pick the half",
        choices=[{"key": "a", "text": "3/6"}, {"key": "b", "text": "1/3"}],
        accepted_answers=["a"],
        worked_answer="3/6",
    )
    client = teacher(world)
    # then the student's page and the live feed show the choice the student saw, key and text
    page = client.get(f"/teacher/students/{student.pk}/").content.decode()
    assert 'data-label="Answer"><span class="unbroken">a: 1/3</span></td>' in page
    # (the question itself named by its wording now, read in the same query)
    assert 'class="answer-question">Pick the half</td>' in page
    feed = client.get(f"/teacher/classes/{world.class_a.pk}/feed/").content.decode()
    assert '(“<bdi><span class="unbroken">a: 1/3</span></bdi>”)' in feed
    # and an open question's answer is shown as given
    assert "3/6" not in page and "3/6" not in feed


def test_the_feed_keeps_a_short_sum_and_a_short_answer_on_one_line() -> None:
    # given a wrong answer "A" (a: 1/3) to a question since worded with a sum in it
    world = make_world(students_a=1, students_b=1, chapters=1)
    answer_the_choice(world, "A")
    Feeder().catch_up()
    choice = Question.objects.get(chapter=world.chapters[0], kind="choice")
    revise_question(
        question=choice,
        text="Solve for x: x + 7 = 12",
        choices=[{"key": "a", "text": "1/3"}, {"key": "b", "text": "2/4"}],
        accepted_answers=["b"],
        worked_answer="2/4",
    )
    # when the teacher's feed shows it
    feed = teacher(world).get(f"/teacher/classes/{world.class_a.pk}/feed/").content.decode()
    # then the sum is one piece that does not wrap ("x / + 7 = 12" read as two), the words
    # before it wrap as words do, and so is the answer
    assert (
        'answered incorrectly: <span class="q">Solve for x: <span class="unbroken">x + 7 = 12'
        '</span></span> (“<bdi><span class="unbroken">a: 1/3</span></bdi>”)'
    ) in feed


def test_a_students_page_looks_up_the_choices_of_every_answer_in_one_query(history):
    # given a student with many answers, to several questions and revisions
    student = max(history.students_a, key=lambda s: len(selectors.student_answers(s.pk)))
    shown = selectors.student_answers(student.pk)
    pairs = {(a.question_id, a.question_revision) for a in shown}
    assert len(pairs) > 3
    # when the labels of their choices are looked up
    with CaptureQueriesContext(connection) as queries:
        labels = selectors.answered_choice_labels(pairs)
    # then one query does it, for the multiple-choice questions only
    assert len(queries) == 1
    choice_questions = set(Question.objects.filter(kind="choice").values_list("pk", flat=True))
    assert labels and {q for q, _ in labels} <= choice_questions
    # and the page reads them with the questions' wording in that one query
    with CaptureQueriesContext(connection) as queries:
        texts, same_labels = selectors.answered_wording({q for q, _ in pairs}, pairs)
    assert len(queries) == 1
    assert same_labels == labels and set(texts) == {q for q, _ in pairs}
    assert texts == selectors.question_texts(q for q, _ in pairs)
    # and the feed, polled every 2 s, takes one query for all its wrong choices
    positions = [a.position for a in shown]
    with CaptureQueriesContext(connection) as queries:
        selectors.feed_choice_labels(positions)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert selectors.feed_choice_labels([]) == {}
    assert len(queries) == 0


def test_a_wrong_answer_the_question_now_accepts_is_marked_and_stays_wrong() -> None:
    # given a student's wrong answer to an open question
    world = make_world(students_a=1, students_b=1, chapters=1)
    question = Question.objects.filter(chapter=world.chapters[0], kind="open").first()
    assert question is not None
    student = world.students_a[0]
    view = services.start_quiz(
        actor=student,
        chapter_id=world.chapters[0].pk,
        command_id=uuid.uuid4(),
        pick=lambda options: question.pk,
    ).quiz
    services.answer_question(
        actor=student, quiz_id=view.id, answer="7 1/2", command_id=uuid.uuid4()
    )
    Feeder().catch_up()
    url = f"/teacher/chapters/{world.chapters[0].pk}/questions/"
    assert "accepted now" not in teacher(world).get(url).content.decode()
    # when the teacher makes the question accept it (as 7.5)
    current = question.revisions.get(revision=question.current_revision)
    revise_question(
        question=question,
        text=current.text,
        choices=[],
        accepted_answers=[*current.accepted_answers, "7.5"],
        worked_answer=current.worked_answer,
    )
    # then the wrong answer says so, and the figures still count it wrong
    html = teacher(world).get(url).content.decode()
    assert re.search(
        r'<code><span class="unbroken">7 1/2</span></code></bdi> <span class="times">.*? 1 time'
        r"</span> .*?accepted now",
        html,
    )
    assert "“Accepted now”: the question, or Studyflow's answer checking, now accepts" in html
    assert selectors.question_table(world.chapters[0].pk)[0].incorrect >= 1


def test_the_grid_leaves_out_a_chapter_nobody_can_practise_or_worked_on() -> None:
    world = make_world(students_a=1, students_b=1, chapters=1)
    course = world.chapters[0].course
    empty = Chapter.objects.create(course=course, title="Being written", order=98)
    drafts = Chapter.objects.create(course=course, title="All drafts", order=99)
    Question.objects.create(chapter=drafts, order=1, live=False)
    columns = [c.id for c in selectors.grid(world.class_a).chapters]
    assert world.chapters[0].pk in columns
    assert empty.pk not in columns and drafts.pk not in columns
    # nor does the class list's question difficulty name them
    classes = teacher(world).get("/teacher/").content.decode()
    assert world.chapters[0].title in classes
    assert "Being written" not in classes and "All drafts" not in classes
    # a chapter a student of the class worked on stays, also when its questions became drafts
    student = world.students_a[0]
    view = services.start_quiz(
        actor=student, chapter_id=world.chapters[0].pk, command_id=uuid.uuid4()
    ).quiz
    services.reveal_answer(actor=student, quiz_id=view.id, command_id=uuid.uuid4())
    Feeder().catch_up()
    Question.objects.filter(chapter=world.chapters[0]).update(live=False)
    assert world.chapters[0].pk in [c.id for c in selectors.grid(world.class_a).chapters]
    assert world.chapters[0].pk in [c.id for c in selectors.reported_chapters()]


def test_csv_and_xlsx_exports_hold_the_grid(history):
    client = teacher(history)
    grid = selectors.grid(history.class_a, sort="name")  # a spreadsheet's order, page and API
    for base in ("/teacher/classes", "/api/reports/classes"):
        response = client.get(f"{base}/{history.class_a.pk}/export.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r[0] for r in rows[1:]] == [str(row.student.id) for row in grid.rows], base
    response = client.get(f"/api/reports/classes/{history.class_a.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(grid.rows)
    assert rows[0][:3] == ["student_id", "student", f"{grid.chapters[0].title}: status"]
    statuses = {r[0]: r[2] for r in rows[1:]}
    for row in grid.rows:
        cell = row.cells[0]
        # (the simulation picks questions at random: a student may be practising a passed
        # chapter again and be stuck, which the export says as the grid does)
        again = ", stuck practising again" if cell.stuck_again else ""
        assert statuses[str(row.student.id)] == cell.status.replace("_", " ") + again
    response = client.get(f"/teacher/classes/{history.class_a.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None
    assert sheet.max_row == 1 + len(grid.rows)
    assert sheet.cell(row=1, column=1).value == "student_id"
    last = sheet.max_column
    assert sheet.cell(row=1, column=last).value == f"last activity ({settings.TIME_ZONE})"
    active = [(r, row) for r, row in enumerate(grid.rows, start=2) if row.last_activity]
    assert active
    for r, row in active:  # dates the sheet can sort, in the school's time zone
        value = sheet.cell(row=r, column=last).value
        local = timezone.localtime(row.last_activity).replace(tzinfo=None)
        assert isinstance(value, datetime) and abs(value - local) < timedelta(seconds=1)


def test_csv_defuses_formulas():
    from reporting.exports import _safe

    assert _safe("=HYPERLINK()") == "'=HYPERLINK()"
    assert _safe("Ann") == "Ann"
    assert _safe(3) == 3
    assert _safe("\t=1+2") == "'\t=1+2"  # some programs skip a leading tab or return


def test_xlsx_export_drops_control_characters_a_sheet_refuses(history):
    # given a name pasted from a word processor (a vertical tab) and a chapter title with one
    pupil = history.students_a[0]
    pupil.last_name = "de\x0bWit"
    pupil.save()
    Chapter.objects.filter(pk=history.chapters[0].pk).update(title="Powers\x0bII")
    # then both exports still download, the sheet without the character
    for base in ("/teacher/classes", "/api/reports/classes"):
        response = teacher(history).get(f"{base}/{history.class_a.pk}/export.xlsx")
        assert response.status_code == 200, base
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        values = {cell.value for row in sheet.iter_rows() for cell in row}
        assert f"{pupil.first_name} deWit" in values
        assert any(isinstance(v, str) and v.startswith("PowersII") for v in values)


def test_xlsx_export_of_a_class_whose_name_a_sheet_title_refuses(history):
    history.class_a.name = "3A/B [maths]?"
    history.class_a.save()
    response = teacher(history).get(f"/teacher/classes/{history.class_a.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.title == "3A-B -maths--"
    # a control character the sheet's XML cannot hold is left out of the title too
    history.class_a.name = "2A\x01"
    history.class_a.save()
    response = teacher(history).get(f"/teacher/classes/{history.class_a.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.title == "2A"


def test_teacher_pages_say_while_the_reports_are_being_rebuilt(history):
    from django.core.management import call_command

    from events import runner

    client = teacher(history)
    grid = f"/teacher/classes/{history.class_a.pk}/"
    notice = "The reports are being rebuilt from the event log (0% done)."
    assert "being rebuilt" not in client.get(grid).content.decode()
    # when a rebuild starts (its tables emptied, nothing replayed yet)
    runner.reset("progress")
    # then every teacher page says the figures are incomplete, the grid once, and its poll too
    assert client.get(grid).content.decode().count(notice) == 1
    assert notice in client.get(f"{grid}grid/").content.decode()
    assert notice in client.get("/teacher/").content.decode()
    student = history.students_a[0].pk
    assert notice in client.get(f"/teacher/students/{student}/").content.decode()
    progress = client.get(f"/api/reports/classes/{history.class_a.pk}/progress/").json()
    assert progress["reports"]["rebuilding_percent"] == 0
    # and once the replay is done, no longer (the commit-safe reader may hold back a moment)
    deadline = time.monotonic() + 20
    while "being rebuilt" in client.get(grid).content.decode():
        assert time.monotonic() < deadline, "the rebuild never finished"
        call_command("projections", "catch-up", "progress")


def test_teacher_pages_say_while_a_rebuild_after_an_update_waits_to_start(history):
    from django.core.management import call_command

    from events import projections
    from events.models import ProjectionCheckpoint

    client = teacher(history)
    grid = f"/teacher/classes/{history.class_a.pk}/"
    api = f"/api/reports/classes/{history.class_a.pk}/progress/"
    waiting = "the reports are waiting to be rebuilt from the event log."
    assert waiting not in client.get(grid).content.decode()
    assert client.get(api).json()["reports"]["rebuild_pending"] is False
    # given a release that raised the progress grid's version, its rows still the old one's
    # (after `migrate`, before any worker running the release started), though they read ok
    progress = projections.get("progress")
    ProjectionCheckpoint.objects.filter(name="progress").update(version=progress.version - 1)
    # then every teacher page says its figures may be out of date, the grid once, its poll too
    assert client.get(grid).content.decode().count(waiting) == 1
    assert waiting in client.get(f"{grid}grid/").content.decode()
    assert waiting in client.get("/teacher/").content.decode()
    student = history.students_a[0].pk
    assert waiting in client.get(f"/teacher/students/{student}/").content.decode()
    # and the API's progress grid says so, with no rebuild under way yet
    assert client.get(api).json()["reports"] == {
        "rebuilding_percent": None,
        "rebuild_pending": True,
        "stopped": False,
        "stopped_after": None,
    }
    # a stored "failed" or "rebuilding" of the old version's rows reads as pending all the same
    ProjectionCheckpoint.objects.filter(name="progress").update(status="failed")
    page = client.get(grid).content.decode()
    assert waiting in page and "stopped taking in new work" not in page
    # and once a worker running the release has rebuilt it, no longer (the commit-safe reader
    # may hold back a moment)
    deadline = time.monotonic() + 20
    while True:
        call_command("projections", "catch-up", "progress")
        page = client.get(grid).content.decode()
        if waiting not in page and "being rebuilt" not in page:
            break
        assert time.monotonic() < deadline, "the rebuild never finished"
    assert client.get(api).json()["reports"]["rebuild_pending"] is False


def test_teacher_pages_say_while_a_projection_a_release_added_waits_for_its_first_run(history):
    from django.core.management import call_command

    from events.models import ProjectionCheckpoint

    client = teacher(history)
    grid = f"/teacher/classes/{history.class_a.pk}/"
    api = f"/api/reports/classes/{history.class_a.pk}/progress/"
    waiting = "the reports are waiting to be rebuilt from the event log."
    # given a release that added the class activity projection: no worker running the release
    # has run it, so it has no checkpoint, and the log holds events it has to apply
    ProjectionCheckpoint.objects.filter(name="class_activity").delete()
    # then every teacher page says its figures may be out of date, as for a rebuild waiting
    assert client.get(grid).content.decode().count(waiting) == 1
    assert waiting in client.get(f"{grid}grid/").content.decode()
    assert waiting in client.get("/teacher/").content.decode()
    assert client.get(api).json()["reports"]["rebuild_pending"] is True
    # and the health check names it, its events still to apply (a 200: the pages work)
    health = client.get("/api/health/")
    new = [row for row in health.json()["projections"] if row["name"] == "class_activity"]
    assert new and all(row["status"] == "new" and row["lag_events"] > 0 for row in new)
    assert (
        "class_activity: new, never run; its reports are empty until a worker running this "
        "release applies the event log to it"
    ) in health.json()["problems"]
    # and once a worker (here the command) has run it, no longer (the commit-safe reader may
    # hold back a moment)
    deadline = time.monotonic() + 20
    while True:
        call_command("projections", "catch-up", "class_activity", stdout=io.StringIO())
        if waiting not in client.get(grid).content.decode():
            break
        assert time.monotonic() < deadline, "the catch-up never ran"
    assert client.get(api).json()["reports"]["rebuild_pending"] is False
    assert not [line for line in client.get("/api/health/").json()["problems"] if "new" in line]


def test_a_projection_with_no_events_to_apply_yet_keeps_the_pages_quiet():
    from events import projections
    from events.models import ProjectionCheckpoint

    # given a site where no student has done anything yet, and no worker ran: no checkpoints
    world = make_world(students_a=2, students_b=1, chapters=1)
    ProjectionCheckpoint.objects.all().delete()
    # then every projection is new, with nothing to apply: its empty reports are right
    health = Client().get("/api/health/").json()
    assert {row["name"] for row in health["projections"]} == {
        projection.name for projection in projections.all_projections()
    }
    assert {(row["status"], row["lag_events"]) for row in health["projections"]} == {("new", 0)}
    assert not [line for line in health["problems"] if "never run" in line]
    # and the teacher's pages say nothing of a rebuild
    client = teacher(world)
    page = client.get(f"/teacher/classes/{world.class_a.pk}/").content.decode()
    assert "waiting to be rebuilt" not in page
    api = f"/api/reports/classes/{world.class_a.pk}/progress/"
    assert client.get(api).json()["reports"]["rebuild_pending"] is False


def test_teacher_pages_say_when_the_reports_stopped_taking_in_work(history):
    from events.models import ProjectionCheckpoint

    client = teacher(history)
    grid = f"/teacher/classes/{history.class_a.pk}/"
    assert "stopped taking in new work" not in client.get(grid).content.decode()
    # a checkpoint left by a projection no longer registered says nothing to teachers
    ProjectionCheckpoint.objects.create(name="retired_projection", status="failed")
    assert "stopped taking in new work" not in client.get(grid).content.decode()
    # when a projection the pages read stops on an event (it retries until that is fixed)
    checkpoint, _ = ProjectionCheckpoint.objects.get_or_create(name="progress", partition=0)
    last = timezone.make_aware(datetime(2026, 3, 4, 10, 15))
    checkpoint.status, checkpoint.last_event_at = "failed", last
    checkpoint.save()
    # then every teacher page says since when their figures miss work, the grid's poll too
    # (its moment written as every teacher page writes one, with its year after 2026)
    shown = "4 Mar" if timezone.localdate().year == 2026 else "4 Mar 2026"
    notice = (
        'The reports stopped taking in new work after <time datetime="2026-03-04T10:15:00+01:00"'
        f' title="Wednesday 4 March 2026, 10:15:00">{shown} 10:15</time>: a technical problem.'
    )
    assert client.get(grid).content.decode().count(notice) == 1
    assert notice in client.get(f"{grid}grid/").content.decode()
    assert notice in client.get("/teacher/").content.decode()
    student = history.students_a[0].pk
    assert notice in client.get(f"/teacher/students/{student}/").content.decode()
    # and so does the API's progress grid
    api = f"/api/reports/classes/{history.class_a.pk}/progress/"
    assert client.get(api).json()["reports"] == {
        "rebuilding_percent": None,
        "rebuild_pending": False,
        "stopped": True,
        "stopped_after": "2026-03-04T09:15:00Z",
    }
    # and once it runs again, no longer
    checkpoint.status = "ok"
    checkpoint.save()
    assert "stopped taking in new work" not in client.get(grid).content.decode()
    assert client.get(api).json()["reports"]["stopped"] is False


def test_a_student_stuck_practising_a_passed_chapter_again_counts_as_stuck():
    # given a student who passed the chapter, started it again and got stuck
    world = make_world(students_a=3, students_b=1, chapters=1)
    pupil, chapter = world.students_a[2], world.chapters[0]
    now = START

    def command(action, **kwargs):
        nonlocal now
        now += timedelta(seconds=20)
        return action(actor=pupil, command_id=uuid.uuid4(), now=now, **kwargs).quiz

    for attempt in ("pass", "practise again"):
        quiz = command(services.start_quiz, chapter_id=chapter.pk)
        for _ in range(3):
            right = world.accepted[quiz.question.id]
            answer = right if attempt == "pass" else ("a" if right == "b" else "0")
            quiz = command(services.answer_question, quiz_id=quiz.id, answer=answer)
            if quiz.status in ("answered_correctly", "answered_incorrectly"):
                quiz = command(services.next_question, quiz_id=quiz.id)
    Feeder().catch_up()
    # when the teacher reads the class list and the grid
    grid = selectors.grid(world.class_a)
    classes = teacher(world).get("/teacher/").content.decode()
    # then the student is counted as stuck and listed first, on a chapter still shown as passed
    assert grid.rows[0].student.id == pupil.pk
    assert grid.rows[0].stuck == 1 and grid.rows[0].cells[0].status == "passed"
    assert "1 student stuck" in classes
    export = teacher(world).get(f"/teacher/classes/{world.class_a.pk}/export.csv")
    assert "passed, stuck practising again" in export.content.decode("utf-8-sig")
    # and the grid's totals and the student's page say it too
    client = teacher(world)
    grid_page = client.get(f"/teacher/classes/{world.class_a.pk}/").content.decode()
    assert "Stuck practising again (passed) 1" in grid_page
    student_page = client.get(f"/teacher/students/{pupil.pk}/").content.decode()
    assert '<span class="stuck-again">stuck practising again</span>' in student_page


def test_no_teacher_page_repeats_an_id(history):
    # aria-labelledby and the skip links name elements by id: two with one id confuse both
    client = teacher(history)
    student, chapter = history.students_a[0], history.chapters[0]
    for path in (
        "/teacher/",
        f"/teacher/classes/{history.class_a.pk}/",
        f"/teacher/students/{student.pk}/",
        f"/teacher/chapters/{chapter.pk}/questions/?class={history.class_a.pk}",
    ):
        ids = re.findall(r'\sid="([^"]+)"', client.get(path).content.decode())
        assert ids and len(ids) == len(set(ids)), (path, sorted(ids))


def test_a_right_to_left_override_in_an_answer_stays_inside_it():
    # given a wrong answer that turns the text after it round (U+202E RIGHT-TO-LEFT OVERRIDE)
    world = make_world(students_a=1, students_b=1, chapters=1)
    pupil, chapter = world.students_a[0], world.chapters[0]
    quiz = services.start_quiz(actor=pupil, chapter_id=chapter.pk, command_id=uuid.uuid4()).quiz
    while quiz.question is None or quiz.question.kind != "open":  # one question is a choice
        quiz = services.reveal_answer(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4()).quiz
        quiz = services.next_question(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4()).quiz
    services.answer_question(
        actor=pupil, quiz_id=quiz.id, answer="\u202e21", command_id=uuid.uuid4()
    )
    Feeder().catch_up()
    client = teacher(world)
    # then the teacher's pages isolate it, so it cannot reorder what follows it
    feed = client.get(f"/teacher/classes/{world.class_a.pk}/feed/").content.decode()
    assert "<bdi>\u202e21</bdi>" in feed
    questions = client.get(f"/teacher/chapters/{chapter.pk}/questions/").content.decode()
    assert "<bdi><code>\u202e21</code></bdi>" in questions


def test_a_students_page_charts_their_last_30_days(school_clock):
    # given a student who practised today
    world = make_world(students_a=1, students_b=1, chapters=1)
    pupil = world.students_a[0]
    quiz = services.start_quiz(
        actor=pupil, chapter_id=world.chapters[0].pk, command_id=uuid.uuid4()
    ).quiz
    services.reveal_answer(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4())
    Feeder().catch_up()
    # then their page charts the days up to today
    html = teacher(world).get(f"/teacher/students/{pupil.pk}/").content.decode()
    today = "25 Nov"  # SCHOOL_NOW's day, as every teacher page writes a day
    assert '<svg viewBox="0 0 600 180" role="img" aria-labelledby="time-chart-title"' in html
    assert f'<th scope="row">{today}</th>' in html  # the chart's table, for screen readers
    # and its caption says what the heading ("Time spent per day") does not: which days
    assert f"<figcaption>{today} to today: " in html


def test_a_charts_caption_says_what_its_heading_does_not(history, school_clock):
    # given a class page and a question difficulty page, each with a chart under its heading
    client = teacher(history)
    grid = client.get(f"/teacher/classes/{history.class_a.pk}/").content.decode()
    questions = client.get(f"/teacher/chapters/{history.chapters[0].pk}/questions/")
    # then no caption says the heading again (the class's work is from February: no answers in
    # the chart's fortnight), and each chart keeps its name for a screen reader in its title
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", grid + questions.content.decode())
    assert len(captions) == 2
    assert captions[0] == "12 Nov to today: no answers."  # 13 days before SCHOOL_NOW's 25 Nov
    assert captions[1].endswith(
        "the hard ones (few right at the first try) at the left, the easy ones at the right."
    )
    assert '<title id="answers-chart-title">Answers per day, last 14 days</title>' in grid


def test_the_charts_of_days_name_today_on_a_desktop_and_on_a_phone(school_clock: datetime):
    """Every second day was labelled counting from the first, so today's bar, the one a teacher
    looks at most, had no label on the class page (14 days), nor on a student's (30)."""
    # given a student who practised today: their class page and their page chart the days
    world = make_world(students_a=1, students_b=1, chapters=1)
    pupil = world.students_a[0]
    services.start_quiz(actor=pupil, chapter_id=world.chapters[0].pk, command_id=uuid.uuid4())
    Feeder().catch_up()
    client = teacher(world)
    grid = client.get(f"/teacher/classes/{world.class_a.pk}/").content.decode()
    student = client.get(f"/teacher/students/{pupil.pk}/").content.decode()
    for html in (grid, student):
        labels = re.search(r'<div class="chart-labels" aria-hidden="true">(.*?)</div>', html)
        assert labels is not None
        # then the last label is today's, shown at every width (not "wide-only")
        assert labels.group(1).endswith("<span>25 Nov</span>")  # SCHOOL_NOW's day


def test_a_student_who_moved_class_leaves_the_old_class_feed():
    # given a student of class A with a quiz open, who then moves to class B (another teacher)
    world = make_world(students_a=2, students_b=1, chapters=1)
    mover, stayer, chapter = world.students_a[0], world.students_a[1], world.chapters[0]
    for pupil in (mover, stayer):
        services.start_quiz(actor=pupil, chapter_id=chapter.pk, command_id=uuid.uuid4())
    world.class_a.students.remove(mover)
    world.class_b.students.add(mover)
    # when they go on in the quiz opened in class A
    quiz = services.start_quiz(actor=mover, chapter_id=chapter.pk, command_id=uuid.uuid4()).quiz
    services.reveal_answer(actor=mover, quiz_id=quiz.id, command_id=uuid.uuid4())
    Feeder().catch_up()
    # then class A's teacher no longer sees anything of them, on the page or over the API
    client = teacher(world)
    page = client.get(f"/teacher/classes/{world.class_a.pk}/feed/").content.decode()
    api = client.get(f"/api/reports/classes/{world.class_a.pk}/activity/").json()
    assert mover.first_name not in page
    assert {item["student"] for item in api} == {stayer.pk}
    # and what stays names the chapter it happened in
    assert f'started a quiz on <span class="q">{chapter.title}</span>' in page


def test_a_student_who_moved_class_shows_in_the_new_class_feed_and_chart(school_clock):
    """The feed and the chart are filed under the class a quiz was started in (the events say
    no more): a student who moves with a quiz open must still show where they now study."""
    # given a student of class A with a quiz open, who then moves to class B (another teacher)
    world = make_world(students_a=2, students_b=1, chapters=1)
    mover, chapter = world.students_a[0], world.chapters[0]
    # on an open question (a choice question refuses a free-text answer)
    question = Question.objects.filter(chapter=chapter, kind="open").first()
    assert question is not None
    services.start_quiz(
        actor=mover, chapter_id=chapter.pk, command_id=uuid.uuid4(), pick=lambda _: question.pk
    )
    world.class_a.students.remove(mover)
    world.class_b.students.add(mover)
    # when they go on in the quiz opened in class A, with a wrong answer
    quiz = services.start_quiz(actor=mover, chapter_id=chapter.pk, command_id=uuid.uuid4()).quiz
    services.answer_question(
        actor=mover, quiz_id=quiz.id, answer="moved 4242", command_id=uuid.uuid4()
    )
    Feeder().catch_up()
    # then class B's teacher sees it in the feed, on the page and over the API
    new = Client()
    new.force_login(world.teacher_b)
    page = new.get(f"/teacher/classes/{world.class_b.pk}/feed/").content.decode()
    api = new.get(f"/api/reports/classes/{world.class_b.pk}/activity/").json()
    assert "moved 4242" in page
    wrong = [item for item in api if item["type"] == "quiz.QuestionAnsweredIncorrectly"]
    assert [(item["student"], item["answer"]) for item in wrong] == [(mover.pk, "moved 4242")]
    # and counts it in the class's answers per day, where class A no longer does
    grid = new.get(f"/teacher/classes/{world.class_b.pk}/").content.decode()
    assert "12 Nov to today: 1 answer, the most on 25 Nov (1)." in grid
    assert "moved 4242" in grid
    today = school_clock.date()
    assert selectors.class_days(world.class_b.pk, today=today)[-1].answered == 1
    assert selectors.class_days(world.class_a.pk, today=today)[-1].answered == 0
    old = teacher(world).get(f"/teacher/classes/{world.class_a.pk}/").content.decode()
    assert "12 Nov to today: no answers." in old and "moved 4242" not in old


def test_a_teacher_reads_only_their_own_students_wrong_answers():
    # given one wrong answer typed in class A and one in class B, to the same open question
    world = make_world(students_a=1, students_b=1, chapters=1)
    chapter = world.chapters[0]
    question = Question.objects.filter(chapter=chapter, kind="open").first()
    assert question is not None
    typed = {world.students_a[0]: "ours 777", world.students_b[0]: "zoe of 2b 888"}
    for pupil, answer in typed.items():
        quiz = services.start_quiz(actor=pupil, chapter_id=chapter.pk, command_id=uuid.uuid4())
        view = quiz.quiz
        while view.question is None or view.question.id != question.pk:
            view = services.reveal_answer(
                actor=pupil, quiz_id=view.id, command_id=uuid.uuid4()
            ).quiz
            view = services.next_question(
                actor=pupil, quiz_id=view.id, command_id=uuid.uuid4()
            ).quiz
        services.answer_question(
            actor=pupil, quiz_id=view.id, answer=answer, command_id=uuid.uuid4()
        )
    Feeder().catch_up()
    # then class A's teacher, with no class chosen, reads only their own student's answer
    client = teacher(world)
    page = client.get(f"/teacher/chapters/{chapter.pk}/questions/").content.decode()
    api = client.get(f"/api/reports/questions/{question.pk}/wrong-answers/").json()
    assert "ours 777" in page and "zoe of 2b" not in page
    assert "(your students)" in page
    ours = world.students_a[0]
    theirs = selectors.display_name(world.students_b[0])
    who = (
        '<summary>Who<span class="visually-hidden"> gave “ours 777”</span></summary>'
        f'<a href="/teacher/students/{ours.pk}/"><bdi>{ours.first_name}'
    )
    assert who in page and f"<bdi>{theirs}</bdi>" not in page
    assert [row["answer"] for row in api] == ["ours 777"]
    # and staff read every student's
    staff = Client()
    staff.force_login(world.staff)
    api = staff.get(f"/api/reports/questions/{question.pk}/wrong-answers/").json()
    assert sorted(row["answer"] for row in api) == ["ours 777", "zoe of 2b 888"]
    page = staff.get(f"/teacher/chapters/{chapter.pk}/questions/").content.decode()
    assert f"<bdi>{theirs}</bdi>" in page and "(your students)" not in page
    # (the database picks the names: at most `limit` for an answer, whoever asks)
    keys = [(question.pk, "ours 777"), (question.pk, "zoe of 2b 888")]
    both = selectors.who_gave(keys, students=None)
    assert [[p.id for p in both[key]] for key in keys] == [[ours.pk], [world.students_b[0].pk]]
    assert selectors.who_gave(keys, students=[ours.pk], limit=1) == {keys[0]: both[keys[0]]}
