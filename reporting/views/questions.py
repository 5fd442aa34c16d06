"""The difficulty of a chapter's questions: facility, discrimination, the wrong answers given
and who gave them, overall or for one class."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quiz.answers import is_correct
from reporting import access, analysis, charts, selectors, wording
from studyflow import roles

Who = dict[tuple[int, str], list[selectors.Person]]


def _labelled(
    question: int,
    wrong: list[selectors.WrongAnswerReport],
    choices: dict[str, str] | None,
    accepted: tuple[str, list[str]] | None,
    who: Who,
) -> list[tuple[str, selectors.WrongAnswerReport, bool, list[selectors.Person]]]:
    """Each wrong answer with the text a teacher reads (a choice's key and text, else as given),
    whether the question accepts it now (a teacher who added it as an accepted answer sees that
    it took, while the figures keep it wrong: it was judged by the question as it was), and who
    gave it."""
    kind, answers = accepted or ("open", [])
    return [
        (
            wording.labelled(w.answer, choices),
            w,
            bool(answers) and is_correct(w.answer, kind=kind, accepted_answers=answers),
            who.get((question, w.answer), []),
        )
        for w in wrong
    ]


@require_GET
@login_required
def chapter_questions(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = access.chapter_for(request.user, chapter_id)
    classroom = access.asked_classroom(request.user, request.GET.get("class", ""))
    students = selectors.student_ids(classroom) if classroom else None
    reports = selectors.question_table(chapter_id, students=students)
    authors = access.wrong_answer_students(request.user, students)
    wrong = selectors.wrong_answers_by_question([r.question for r in reports], students=authors)
    labels = selectors.choice_labels(r.question for r in reports)  # "a" reads as "A: 2/5"
    accepted = selectors.accepted_now(r.question for r in reports)
    who = selectors.who_gave(
        [(q, w.answer) for q, answers in wrong.items() for w in answers], students=authors
    )
    rows = [
        (
            r,
            _labelled(
                r.question,
                wrong.get(r.question, []),
                labels.get(r.question),
                accepted.get(r.question),
                who,
            ),
        )
        for r in reports
    ]
    spread = selectors.facility_spread(reports)
    return render(
        request,
        "reporting/questions.html",
        {
            "chapter": chapter,
            "classroom": classroom,
            "own_students_only": authors is not None and classroom is None,
            "classes": roles.classes_visible_to(request.user),
            "reports": rows,
            "now_accepted": any(now for _, labelled in rows for _, _, now, _ in labelled),
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
