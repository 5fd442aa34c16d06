"""The difficulty of a chapter's questions: facility, discrimination, the wrong answers given
and who gave them, overall or for one class."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import truncatechars
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from quiz.answers import is_correct
from reporting import access, analysis, charts, selectors, wording
from reporting.templatetags.reporting_format import answer_kept_whole, maths_kept_whole
from reporting.views.links import student_url_maker
from studyflow import roles

Who = dict[tuple[int, str], list[selectors.Person]]
Labelled = tuple[str, selectors.WrongAnswerReport, bool, list[selectors.Person]]


def _labelled(
    question: int,
    wrong: list[selectors.WrongAnswerReport],
    reading: selectors.AnswerReading | None,
    who: Who,
) -> list[Labelled]:
    """Each wrong answer with the text a teacher reads (a choice's key and text, else as given),
    whether the question accepts it now (a teacher who added it as an accepted answer sees that
    it took, while the figures keep it wrong: it was judged by the question as it was), and who
    gave it."""
    choices = reading.labels if reading else None
    kind, answers = (reading.kind, reading.accepted) if reading else ("open", [])
    return [
        (
            wording.labelled(w.answer, choices),
            w,
            bool(answers) and _accepted_now(w.answer, kind, tuple(answers)),
            who.get((question, w.answer), []),
        )
        for w in wrong
    ]


# Remembered: the same common wrong answers are checked on every page of their chapter, and the
# checking (numbers, units, letters) took longer than writing the rest of their row.
@lru_cache(maxsize=4096)
def _accepted_now(answer: str, kind: str, accepted: tuple[str, ...]) -> bool:
    return is_correct(answer, kind=kind, accepted_answers=accepted)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def wrong_answers_html(wrong: list[Labelled], student_url: Callable[[int], str]) -> SafeString:
    """A question's common wrong answers, each with how often, by how many students, whether it is
    accepted now and who gave it. Built in Python rather than in the template: with its links to
    the students, a template loop took half the page's time. Plain escaping, not format_html for
    each piece: five answers a question, a dozen questions a page."""
    if not wrong:
        return mark_safe("\N{EN DASH}")  # none, as the table's other empty cells read
    items = "".join(_wrong_answer_html(*w, student_url) for w in wrong)
    return mark_safe(f'<ul class="wrong">{items}</ul>')


def _wrong_answer_html(
    label: str,
    wrong: selectors.WrongAnswerReport,
    now_right: bool,
    who: list[selectors.Person],
    student_url: Callable[[int], str],
) -> str:
    accepted = ' <span class="badge now-accepted">accepted now</span>' if now_right else ""
    return (
        f'<li><bdi><code>{answer_kept_whole(label)}</code></bdi> <span class="times"><span '
        f'aria-hidden="true">—</span> {_plural(wrong.count, "time")}</span> <span class="muted '
        f'small students">({_plural(wrong.students, "student")})</span>{accepted}'
        f"{_who_html(label, wrong, who, student_url)}</li>"
    )


def _who_html(
    label: str,
    wrong: selectors.WrongAnswerReport,
    who: list[selectors.Person],
    student_url: Callable[[int], str],
) -> str:
    if not who:
        return ""
    links = ", ".join(f'<a href="{student_url(p.id)}"><bdi>{escape(p.name)}</bdi></a>' for p in who)
    latest = (
        f' <span class="muted">(the latest {len(who)} of {wrong.students})</span>'
        if wrong.students > len(who)
        else ""
    )
    return (
        f'<details class="who"><summary>Who<span class="visually-hidden"> gave “{escape(label)}”'
        f"</span></summary>{links}{latest}</details>"
    )


_NONE = "\N{EN DASH}"  # a figure not known, as every teacher table writes it


def question_row_html(
    number: int,
    report: selectors.QuestionReport,
    wrong: SafeString,
    *,
    with_median: bool,
    own_students_only: bool,
) -> SafeString:
    """One row of the question table (with its line breaks in the page): the figures, and the
    common wrong answers as wrong_answers_html wrote them. Built here rather than in the
    template, with plain strings: the template's variables and filters were most of its time
    (`floatformat` looks up the locale's formats for each figure: wording.decimals writes them
    as it did)."""
    needs_checking = report.needs_checking
    text = _question_text_html(report.text) if report.text else str(report.question)
    flag = (
        ' <span class="badge stuck"><span aria-hidden="true">⚑</span> needs checking</span>'
        if needs_checking
        else ""
    )
    facility, discrimination = report.facility, report.discrimination
    mean, median = report.mean_seconds, report.median_seconds
    tries = f' <span class="muted small">({report.first_tries})</span>'
    cells = [
        _figure_cell("Answered", str(report.answered))
        + _figure_cell("Correct", str(report.correct))
        + _figure_cell("Wrong", str(report.incorrect))
        + _figure_cell("Revealed", str(report.revealed)),
        _figure_cell(
            "Facility", None if facility is None else wording.decimals(facility, 2) + tries
        ),
        _figure_cell(
            "Discrimination",
            None if discrimination is None else wording.decimals(discrimination, 2),
        ),
        _figure_cell("Mean time", None if mean is None else f"{wording.decimals(mean, 1)} s"),
    ]
    if with_median:
        cells.append(
            _figure_cell(
                "Median time", None if median is None else f"{wording.decimals(median, 1)} s"
            )
        )
    mine = " (your students)" if own_students_only else ""
    cells.append(
        f'<td role="cell" class="wrong-cell" data-label="Common wrong answers{mine}">{wrong}</td>'
    )
    flagged = ' class="flagged"' if needs_checking else ""
    return mark_safe(
        f'\n    <tr role="row" id="q{report.question}"{flagged}>'
        f'\n      <td role="cell" class="n">{number}</td>'
        f'\n      <th scope="row" role="rowheader" class="q">{text}{flag}</th>'
        + "".join(f"\n      {cell}" for cell in cells)
        + "\n    </tr>\n  "
    )


def _figure_cell(label: str, figure: str | None) -> str:
    """A figure's cell (None: not known), labelled for the row laid out as a card."""
    shown = _NONE if figure is None else figure
    return f'<td role="cell" class="num" data-label="{label}">{shown}</td>'


# Remembered: every page of a chapter shows the same dozen texts, and Django's truncation (which
# counts combining characters apart) took longer than the rest of a row.
@lru_cache(maxsize=4096)
def _question_text_html(text: str) -> str:
    return maths_kept_whole(truncatechars(text, 90))


@require_GET
@login_required
def chapter_questions(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = access.chapter_for(request.user, chapter_id)
    classroom = access.asked_classroom(request.user, request.GET.get("class", ""))
    students = selectors.student_ids(classroom) if classroom else None
    reports = selectors.question_table(chapter_id, students=students)
    authors = access.wrong_answer_students(request.user, students)
    wrong = selectors.wrong_answers_by_question([r.question for r in reports], students=authors)
    readings = selectors.answer_readings(r.question for r in reports)  # "a" reads as "A: 2/5"
    who = selectors.who_gave(
        [(q, w.answer) for q, answers in wrong.items() for w in answers], students=authors
    )
    labelled = {
        r.question: _labelled(r.question, wrong.get(r.question, []), readings.get(r.question), who)
        for r in reports
    }
    student_url = student_url_maker()
    own_students_only = authors is not None and classroom is None
    rows = [
        question_row_html(
            number,
            r,
            wrong_answers_html(labelled[r.question], student_url),
            with_median=classroom is None,
            own_students_only=own_students_only,
        )
        for number, r in enumerate(reports, 1)
    ]
    spread = selectors.facility_spread(reports)
    return render(
        request,
        "reporting/questions.html",
        {
            "chapter": chapter,
            "classroom": classroom,
            "own_students_only": own_students_only,
            "classes": roles.classes_visible_to(request.user),
            "reports": rows,
            "now_accepted": any(now for answers in labelled.values() for _, _, now, _ in answers),
            "flagged": sum(r.needs_checking for r in reports),
            "flag_tries": analysis.MIN_TRIES_FOR_FLAG,
            "flag_below": analysis.FLAG_BELOW,
            "spread_chart": charts.bar_chart(
                "Questions by facility index",
                [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)],
                spread,
                width=500,
                height=160,
                columns=("Facility", "Questions"),
                caption=wording.facility_spread_caption(spread),
            ),
        },
    )
