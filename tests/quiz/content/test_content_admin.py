"""The question admin: one form, and every edit is a new revision with the history kept."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quiz.admin.text_boxes import format_choice_lines, parse_answer_lines, parse_choice_lines
from quiz.content import chapter_pool, create_question, revise_question
from quiz.models import MAX_ORDER, Chapter, Course, Question
from tests.change_pages import names_on_the_page
from tests.held_open import held_open, waited_for_a_lock
from tests.pages_data import MULTI_LINE_CHOICE_QUESTION
from tests.saved_meanwhile import saved_meanwhile

pytestmark = pytest.mark.django_db


def form_data(question, **overrides):
    data = {
        "chapter": question.chapter_id,
        "order": question.order,
        "text": "Calculate 1/2 + 1/4.",
        "choices": "",
        "accepted_answers": "3/4\n0.75",
        "worked_answer": "2/4 + 1/4 = 3/4",
        # the read-only revision inline still posts its management form
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def change_url(question):
    return reverse("admin:quiz_question_change", args=[question.pk])


def test_the_form_shows_the_current_revision_and_history(staff_client, make_question):
    question = make_question()
    response = staff_client.get(change_url(question))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["text"] == "Calculate 1/2 + 1/4."
    assert form.initial["accepted_answers"] == "3/4\n0.75"
    assert form.fields["kind"].disabled
    html = response.content.decode()
    assert "Revision history" in html
    # The history writes accepted answers as the form does, one per line, not as JSON.
    assert "3/4<br>0.75" in html and "[&quot;3/4&quot;" not in html
    # and when a revision was made as the rest of the admin writes a moment, in the school's zone
    made = timezone.localtime(question.revisions.get().created_at)
    assert f"<p>{made:%Y-%m-%d %H:%M:%S}</p>" in html, made


def test_an_edit_creates_a_new_revision(staff_client, make_question, staff_user):
    question = make_question()
    response = staff_client.post(
        change_url(question), form_data(question, accepted_answers="3/4\n0.75\n0,75")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.current_revision == 2
    old, new = question.revisions.order_by("revision")
    assert old.accepted_answers == ["3/4", "0.75"]
    assert new.accepted_answers == ["3/4", "0.75", "0,75"]
    assert new.created_by == staff_user


def test_saving_unchanged_content_adds_no_revision(staff_client, make_question):
    question = make_question()
    response = staff_client.post(change_url(question), form_data(question, order=7))
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.order, question.current_revision) == (7, 1)


def test_invalid_content_is_shown_as_form_errors(staff_client, make_question):
    question = make_question(
        kind="choice",
        choices=[{"key": "A", "text": "1"}, {"key": "B", "text": "2"}],
        accepted_answers=["A"],
    )
    response = staff_client.post(
        change_url(question),
        form_data(question, kind="choice", choices="A: 1\nB: 2", accepted_answers="C"),
    )
    assert response.status_code == 200
    assert "not a choice key: C" in response.content.decode()
    question.refresh_from_db()
    assert question.current_revision == 1


def test_an_accepted_answer_with_a_thousands_separator_is_a_form_error(staff_client, make_question):
    # given a question accepting 3/4, when staff save it accepting "10.000" and "€ 1.250,-"
    question = make_question()
    response = staff_client.post(
        change_url(question), form_data(question, accepted_answers="10000\n10.000\n€ 1.250,-")
    )
    # then the form says, on that field, what each is checked as and how to write what is meant
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["accepted_answers"]
    assert errors == [
        "'10.000' is checked as 10 (a point or comma is a decimal separator), so a student's "
        "10000 is marked wrong. Write the number as 10000 if you mean 10000, or as 10 if you mean "
        "10.",
        "'€ 1.250,-' is checked as 1.25 (a point or comma is a decimal separator), so a student's "
        "1250 is marked wrong. Write the number as 1250 if you mean 1250, or as 1.25 if you mean "
        "1.25.",
    ]
    # and nothing is saved
    question.refresh_from_db()
    assert question.current_revision == 1
    assert question.revisions.get().accepted_answers == ["3/4", "0.75"]


def test_a_question_added_with_a_doubtful_accepted_answer_is_not_saved(staff_client, chapter):
    add = {"chapter": chapter.pk, "kind": "open", "text": "How many grams in 10 kg?"}
    response = staff_client.post(
        reverse("admin:quiz_question_add"),
        {**form_data(Question(chapter=chapter), order="", accepted_answers="10.000"), **add},
    )
    assert response.status_code == 200
    assert (
        "'10.000' is checked as 10"
        in response.context["adminform"].form.errors["accepted_answers"][0]
    )
    assert not Question.objects.exists()
    # written as meant, it is saved
    response = staff_client.post(
        reverse("admin:quiz_question_add"),
        {**form_data(Question(chapter=chapter), order="", accepted_answers="10000"), **add},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Question.objects.get().revisions.get().accepted_answers == ["10000"]


def test_a_fraction_character_is_told_to_be_written_with_a_slash(staff_client, make_question):
    question = make_question()
    response = staff_client.post(change_url(question), form_data(question, accepted_answers="½"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["accepted_answers"] == [
        "Accepted answers are written in plain characters: write fractions with a slash, "
        "'½' as '1/2'."
    ]
    assert question.revisions.count() == 1


def test_a_question_text_or_choice_too_long_to_show_is_a_form_error(staff_client, make_question):
    # given a question, when staff save it with a 20,000-character text
    question = make_question()
    response = staff_client.post(change_url(question), form_data(question, text="x" * 20_000))
    # then the form says the limit, on the text, and nothing is saved
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == [
        "The question text is at most 2,000 characters; this one has 20,000. Shorten it, or "
        "split it over two questions."
    ]
    assert question.revisions.count() == 1
    # and so for a choice's text
    choice = make_question(
        kind="choice", choices=[{"key": "A", "text": "1"}, {"key": "B", "text": "2"}],
        accepted_answers=["A"],
    )  # fmt: skip
    response = staff_client.post(
        change_url(choice),
        form_data(choice, kind="choice", choices=f"A: 1\nB: {'2' * 301}", accepted_answers="A"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["choices"] == [
        "The text of a choice is at most 300 characters; the choice 'B' has 301."
    ]
    assert choice.revisions.count() == 1


def test_a_worked_answer_too_long_to_show_is_a_form_error(staff_client, make_question):
    # given a question, when staff save it with a 5,000-character worked answer
    question = make_question()
    response = staff_client.post(
        change_url(question), form_data(question, worked_answer="1/2 = 2/4. " * 455)
    )
    # then the form says the limit and the length, on the worked answer, and nothing is saved
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "worked_answer": [
            "The worked answer is at most 2,000 characters; this one has 5,004. Shorten it to "
            "the steps of this question's solution."
        ]
    }
    assert question.revisions.count() == 1
    # and one of 2,000 is saved
    response = staff_client.post(
        change_url(question), form_data(question, worked_answer="x" * 2000)
    )
    assert response.status_code == 302
    assert question.revisions.get(revision=2).worked_answer == "x" * 2000


def test_the_page_of_a_refused_save_names_the_question_as_stored(staff_client, make_question):
    # given question #1 of Fractions, and a chapter Percentages
    question = make_question()
    stored = f"Question {question.pk} (Fractions #1)"
    percentages = Chapter.objects.create(
        course=question.chapter.course, title="Percentages", order=2
    )
    # when staff move it to Percentages as #2 and the save is refused (a doubtful answer)
    response = staff_client.post(
        change_url(question),
        form_data(question, chapter=percentages.pk, order=2, accepted_answers="10.000"),
    )
    assert response.status_code == 200
    assert "accepted_answers" in response.context["adminform"].form.errors
    # then the page names the question as it is stored, in its title, heading and breadcrumbs
    assert response.context["subtitle"] == stored
    html = response.content.decode()
    assert f"<title>Error: {stored} | Change question" in html
    assert f"<h2>{stored}</h2>" in html
    assert "Percentages #2" not in html
    # while the form keeps what was typed, to correct it
    assert response.context["adminform"].form["chapter"].value() == str(percentages.pk)
    question.refresh_from_db()
    assert (question.chapter.title, question.order, question.current_revision) == (
        "Fractions",
        1,
        1,
    )
    # and the move saves once the answer is written as meant
    response = staff_client.post(
        change_url(question),
        form_data(question, chapter=percentages.pk, order=2, accepted_answers="10000"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert (question.chapter, question.order, question.current_revision) == (percentages, 2, 2)
    assert str(question) == f"Question {question.pk} (Percentages #2)"


def test_the_page_of_a_refused_save_names_the_chapter_as_stored(staff_client, make_question):
    # given the chapter Fractions of Test course with its question #1, and another course
    question = make_question()
    chapter = question.chapter
    stored = "Test course / Fractions"
    geometry = Course.objects.create(title="Geometry", order=2)
    # when staff rename it and move it to Geometry, with a number past the highest
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    typed = {"course": geometry.pk, "title": "Angles", "order": MAX_ORDER + 1}
    response = staff_client.post(url, chapter_form_data(chapter, [(question, 1)]) | typed)
    # then the save is refused on the number
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["order"]
    # and the page names the chapter as it is stored, not as typed
    assert response.context["subtitle"] == stored
    assert names_on_the_page(response) == (f"Error: {stored}", stored, stored)
    # and so does its question's row
    html = response.content.decode()
    assert f"Question {question.pk} (Fractions #1)" in html
    assert "Angles #1" not in html and "Geometry / Angles" not in html
    # while the form keeps what was typed, to correct it
    assert (form["title"].value(), form["course"].value()) == ("Angles", str(geometry.pk))
    # and nothing was saved
    chapter.refresh_from_db()
    assert (chapter.course.title, chapter.title, chapter.order) == ("Test course", "Fractions", 1)
    # until the number is one there is
    response = staff_client.post(
        url, chapter_form_data(chapter, [(question, 1)]) | typed | {"order": 3}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    chapter.refresh_from_db()
    assert str(chapter) == "Geometry / Angles" and chapter.order == 3
    assert list(chapter.questions.all()) == [question]


def test_the_page_of_a_refused_save_names_the_course_as_stored(staff_client, chapter):
    from studyflow.models import School

    # given Test course, for every school, with its chapter Fractions
    course = chapter.course
    north = School.objects.create(name="North")
    # when staff rename it and make it North's, with a number past the highest
    url = reverse("admin:quiz_course_change", args=[course.pk])
    typed = {"title": "Extra practice", "school": north.pk, "order": MAX_ORDER + 1}
    rows: dict[str, object] = {"chapters-TOTAL_FORMS": "1", "chapters-INITIAL_FORMS": "1"}
    rows |= {"chapters-0-id": chapter.pk, "chapters-0-course": course.pk}
    rows |= {"chapters-0-title": "Fractions", "chapters-0-order": 1, "chapters-0-streak_goal": 3}
    response = staff_client.post(url, typed | rows)
    # then the save is refused on the number
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["order"]
    # and the page names the course as it is stored, not as typed
    assert response.context["subtitle"] == "Test course"
    assert names_on_the_page(response) == ("Error: Test course", "Test course", "Test course")
    assert "Extra practice (North)" not in response.content.decode()
    # while the form keeps what was typed, to correct it
    assert (form["title"].value(), form["school"].value()) == ("Extra practice", str(north.pk))
    # and nothing was saved
    course.refresh_from_db()
    assert (course.title, course.school, course.order) == ("Test course", None, 1)
    # until the number is one there is
    response = staff_client.post(url, typed | rows | {"order": 2})
    assert response.status_code == 302, response.context["adminform"].form.errors
    course.refresh_from_db()
    assert (str(course), course.order) == ("Extra practice (North)", 2)
    assert list(course.chapters.values_list("title", flat=True)) == ["Fractions"]


def test_adding_a_question_in_the_admin(staff_client, chapter, staff_user):
    response = staff_client.post(
        reverse("admin:quiz_question_add"),
        {
            "chapter": chapter.pk,
            "order": 3,
            "kind": "choice",
            "text": "Which fraction equals 0.5?",
            "choices": "A: 1/2\nB: 1/5\nC: 5/1",
            "accepted_answers": "a",
            "worked_answer": "0.5 = 5/10 = 1/2",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question = Question.objects.get()
    revision = question.revisions.get()
    assert (question.kind, question.order, question.current_revision) == ("choice", 3, 1)
    assert revision.choices[0] == {"key": "A", "text": "1/2"}
    assert revision.accepted_answers == ["A"]
    assert revision.created_by == staff_user


def test_the_add_form_shows_no_revision_and_says_what_choices_are_for(staff_client, make_question):
    page = staff_client.get(reverse("admin:quiz_question_add")).content.decode()
    # nothing is saved yet: no "Current revision: 0", no empty history
    assert "Current revision" not in page and "Revision history" not in page
    assert "For multiple-choice questions only; leave it empty for an open answer." in page
    # a saved question has both
    page = staff_client.get(change_url(make_question())).content.decode()
    assert "Current revision" in page and "Revision history" in page


def test_a_question_added_without_an_order_goes_last(staff_client, chapter, make_question):
    make_question(chapter=chapter, order=4)
    form = staff_client.get(reverse("admin:quiz_question_add")).context["adminform"].form
    assert form["order"].value() is None  # not the model's 0, which sorted before every other
    response = staff_client.post(
        reverse("admin:quiz_question_add"),
        {
            "chapter": chapter.pk,
            "order": "",
            "kind": "open",
            "text": "What is 2 + 2?",
            "accepted_answers": "4",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Question.objects.latest("pk").order == 5
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "#5" in message and "#None" not in message  # the admin's "was added" names it


def test_a_course_or_chapter_added_without_a_number_goes_last(staff_client, chapter):
    # given "Test course" (number 1) with "Fractions" (number 1)
    course = chapter.course
    for model in ("course", "chapter"):
        form = staff_client.get(reverse(f"admin:quiz_{model}_add")).context["adminform"].form
        assert form["order"].value() is None  # not the model's 0, which sorted before the others
    new_course = {"title": "Geometry", "order": "", "chapters-TOTAL_FORMS": "0"}
    new_course["chapters-INITIAL_FORMS"] = "0"
    response = staff_client.post(reverse("admin:quiz_course_add"), new_course)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Course.objects.get(title="Geometry").order == 2
    new_chapter = {"course": course.pk, "title": "Decimals", "order": "", "streak_goal": 3}
    new_chapter |= {"questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0"}
    response = staff_client.post(reverse("admin:quiz_chapter_add"), new_chapter)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Chapter.objects.get(title="Decimals").order == 2
    # the course page's new chapter rows too, in the order of the rows
    decimals = Chapter.objects.get(title="Decimals")
    rows = {"title": course.title, "order": course.order, "chapters-TOTAL_FORMS": "4"}
    rows["chapters-INITIAL_FORMS"] = "2"
    for n, (pk, title, order) in enumerate(
        [
            (chapter.pk, "Fractions", 1),
            (decimals.pk, "Decimals", 5),
            ("", "Ratios", ""),
            ("", "Areas", ""),
        ]
    ):
        rows |= {f"chapters-{n}-id": pk, f"chapters-{n}-course": course.pk}
        rows |= {f"chapters-{n}-title": title, f"chapters-{n}-order": order}
        rows[f"chapters-{n}-streak_goal"] = 3
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), rows)
    assert response.status_code == 302
    numbers = dict(course.chapters.values_list("title", "order"))
    assert numbers == {"Fractions": 1, "Decimals": 5, "Ratios": 6, "Areas": 7}
    # a number given is kept, 0 too
    new_course |= {"title": "First of all", "order": "0"}
    assert staff_client.post(reverse("admin:quiz_course_add"), new_course).status_code == 302
    assert Course.objects.get(title="First of all").order == 0
    assert Course.objects.values_list("title", flat=True)[0] == "First of all"


def test_a_question_saved_as_a_draft_is_not_put_to_students(staff_client, chapter, make_question):
    live = make_question(order=1)
    response = staff_client.post(
        reverse("admin:quiz_question_add"),
        {
            "chapter": chapter.pk,
            "order": "",
            "kind": "open",
            "live": "",  # the box left unticked
            "text": "What is 2 + 2?",
            "accepted_answers": "4",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft = Question.objects.latest("pk")
    assert draft.live is False
    assert [q.id for q in chapter_pool(chapter.pk)] == [live.pk]
    # Ticked on its page: students get it from now on.
    response = staff_client.post(
        change_url(draft), form_data(draft, live="on", text="What is 2 + 2?", accepted_answers="4")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [q.id for q in chapter_pool(chapter.pk)] == [live.pk, draft.pk]


def test_a_number_another_question_of_the_chapter_has_is_refused(staff_client, make_question):
    first = make_question(order=1)
    second = make_question(order=2)
    response = staff_client.post(change_url(second), form_data(second, order=1))
    assert response.status_code == 200
    assert f"Question {first.pk} of this chapter has number 1 already." in (
        response.content.decode()
    )
    second.refresh_from_db()
    assert second.order == 2
    # saving a question under its own number is fine
    response = staff_client.post(change_url(second), form_data(second, text="Changed."))
    assert response.status_code == 302


def chapter_form_data(chapter, numbers):
    """The chapter page as posted: its fields and a question row per (question, number)."""
    data = {
        "course": chapter.course_id,
        "title": chapter.title,
        "order": chapter.order,
        "streak_goal": chapter.streak_goal,
        "questions-TOTAL_FORMS": str(len(numbers)),
        "questions-INITIAL_FORMS": str(len(numbers)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, (question, number) in enumerate(numbers):
        data[f"questions-{i}-id"] = question.pk
        data[f"questions-{i}-chapter"] = chapter.pk
        data[f"questions-{i}-order"] = number
        data[f"questions-{i}-live"] = "on"  # ticked, as the page shows a live question
    return data


def test_the_chapter_page_refuses_two_questions_with_one_number(staff_client, make_question):
    first = make_question(order=1)
    second = make_question(chapter=first.chapter, order=2)
    chapter = first.chapter
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    response = staff_client.post(url, chapter_form_data(chapter, [(first, 1), (second, 1)]))
    assert response.status_code == 200
    assert f"Questions {first.pk} and {second.pk} both have number 1." in (
        response.content.decode()
    )
    second.refresh_from_db()
    assert second.order == 2
    # swapping two numbers in one save is fine
    response = staff_client.post(url, chapter_form_data(chapter, [(first, 2), (second, 1)]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (2, 1)
    assert first.live and second.live


def test_a_chapter_page_renumbering_its_questions_saves_every_new_number(
    staff_client, make_question
):
    # given four questions, numbered 1 to 4 on their chapter's page as 4, 1, 2, 3: each row's new
    # number is another's old one (saved one row at a time, the first met the database's
    # constraint)
    questions = [make_question(order=n) for n in (1, 2, 3, 4)]
    chapter = questions[0].chapter
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    renumbered = list(zip(questions, (4, 1, 2, 3), strict=True))
    response = staff_client.post(url, chapter_form_data(chapter, renumbered))
    assert response.status_code == 302
    assert list(chapter.questions.order_by("order").values_list("pk", flat=True)) == [
        q.pk for q in (questions[1], questions[2], questions[3], questions[0])
    ]
    assert list(chapter.questions.values_list("order", flat=True)) == [1, 2, 3, 4]


def test_a_number_past_the_highest_is_a_form_error_on_every_page(
    staff_client, chapter, make_question
):
    # given a course, a chapter and its two questions
    first, second = make_question(order=1), make_question(order=2)
    course = chapter.course
    too_high = f"Use a number up to {MAX_ORDER}"

    # when staff number a question past the highest on the chapter's page (a billion and a half
    # was saved, and the page's next renumbering, which first moves rows past the last number,
    # overflowed PostgreSQL's integer: a 500), or one more than the highest
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    for number in (1_500_000_000, MAX_ORDER + 1):
        response = staff_client.post(
            url, chapter_form_data(chapter, [(first, number), (second, 2)])
        )
        # then the page says so on the row, and nothing changes
        assert response.status_code == 200
        assert too_high in response.content.decode()
        assert list(chapter.questions.values_list("order", flat=True)) == [1, 2]

    # and so do a question's own page, a chapter's, a course's, and the course page's chapter rows
    response = staff_client.post(change_url(first), form_data(first, order=MAX_ORDER + 1))
    assert response.status_code == 200 and too_high in response.content.decode()
    new_course = {"title": "Geometry", "order": MAX_ORDER + 1, "chapters-TOTAL_FORMS": "0"}
    new_course["chapters-INITIAL_FORMS"] = "0"
    response = staff_client.post(reverse("admin:quiz_course_add"), new_course)
    assert response.status_code == 200 and too_high in response.content.decode()
    new_chapter = {"course": course.pk, "title": "Decimals", "order": MAX_ORDER + 1}
    new_chapter |= {"streak_goal": 3, "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0"}
    response = staff_client.post(reverse("admin:quiz_chapter_add"), new_chapter)
    assert response.status_code == 200 and too_high in response.content.decode()
    rows = {"title": course.title, "order": course.order, "chapters-TOTAL_FORMS": "1"}
    rows |= {"chapters-INITIAL_FORMS": "1", "chapters-0-id": chapter.pk}
    rows |= {"chapters-0-course": course.pk, "chapters-0-title": chapter.title}
    rows |= {"chapters-0-order": MAX_ORDER + 1, "chapters-0-streak_goal": 3}
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), rows)
    assert response.status_code == 200 and too_high in response.content.decode()
    assert Course.objects.count() == 1 and Chapter.objects.get().order == 1


def test_the_chapter_page_renumbers_questions_at_the_highest_numbers(staff_client, make_question):
    # given questions numbered 1 and the two highest numbers there are
    low, high, highest = (make_question(order=n) for n in (1, MAX_ORDER - 1, MAX_ORDER))
    chapter = low.chapter
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    # when the page swaps the highest two and moves the first to the highest (every row moves
    # past the last number first: up to twice the highest)
    renumbered = [(low, MAX_ORDER), (high, 1), (highest, MAX_ORDER - 1)]
    response = staff_client.post(url, chapter_form_data(chapter, renumbered))
    # then each has its new number
    assert response.status_code == 302
    assert dict(chapter.questions.values_list("pk", "order")) == {
        low.pk: MAX_ORDER,
        high.pk: 1,
        highest.pk: MAX_ORDER - 1,
    }


def number_inputs(page, name):
    """The `name` inputs of an admin page, its rows' ("chapters-0-order") and its new rows'
    template ("chapters-__prefix__-order") too."""
    return re.findall(rf'<input [^>]*name="(?:[\w]+-(?:\d+|__prefix__)-)?{name}"[^>]*>', page)


def test_every_number_input_says_its_bounds_to_the_browser(staff_client, chapter, make_question):
    # given a course with a chapter of two questions
    questions = make_question(order=1), make_question(order=2)
    course = chapter.course
    # when staff open each page that numbers a course, chapter or question, then each number's
    # input says the model's bounds (its arrows went past the highest, which only the server
    # then refused), on the page's own number and on each row's
    pages = {
        reverse("admin:quiz_question_add"): 1,
        change_url(questions[0]): 1,
        reverse("admin:quiz_chapter_add"): 1,
        reverse("admin:quiz_chapter_change", args=[chapter.pk]): 3,  # its own and 2 rows
        reverse("admin:quiz_course_add"): 2,  # its own and a new chapter row's template
        reverse("admin:quiz_course_change", args=[course.pk]): 3,  # and its chapter's row
    }
    for url, count in pages.items():
        inputs = number_inputs(staff_client.get(url).content.decode(), "order")
        assert len(inputs) == count, (url, inputs)
        for number in inputs:
            assert 'type="number"' in number and 'min="0"' in number, (url, number)
            assert f'max="{MAX_ORDER}"' in number, (url, number)
    # and so does each chapter's streak goal in the course page's rows (its own page: below)
    page = staff_client.get(reverse("admin:quiz_course_change", args=[course.pk]))
    inputs = number_inputs(page.content.decode(), "streak_goal")  # its row and a new row's
    assert len(inputs) == 2 and all('min="1" max="20"' in i for i in inputs), inputs


def no_number_left(what, last, last_number=MAX_ORDER):
    return (
        f"An empty number puts this {what} after the last, {last}, but that has number "
        f"{last_number}, the highest there is. Give this {what} a number, or first give {last} a "
        "lower one."
    )


def test_an_empty_number_after_the_highest_is_a_form_error_on_every_page(
    staff_client, chapter, make_question
):
    # given a chapter whose last question has the highest number, in a course whose last chapter
    # has it, the last course too
    last = make_question(order=MAX_ORDER)
    course = chapter.course
    Chapter.objects.filter(pk=chapter.pk).update(order=MAX_ORDER)
    Course.objects.filter(pk=course.pk).update(order=MAX_ORDER)
    # when staff add a question without a number (it was saved as one past the highest, which
    # the question's next edit then refused)
    response = staff_client.post(reverse("admin:quiz_question_add"), new_question(chapter, ""))
    # then the form says why beside the number, and nothing is saved
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"order": [no_number_left("question", f"question {last.pk}")]}
    assert list(Question.objects.values_list("pk", flat=True)) == [last.pk]
    # and so do a new chapter's page and a new course's
    new_chapter = {"course": course.pk, "title": "Decimals", "order": "", "streak_goal": 3}
    new_chapter |= {"questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0"}
    response = staff_client.post(reverse("admin:quiz_chapter_add"), new_chapter)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"order": [no_number_left("chapter", "the chapter “Fractions”")]}
    new_course = {"title": "Geometry", "order": "", "chapters-TOTAL_FORMS": "0"}
    new_course["chapters-INITIAL_FORMS"] = "0"
    response = staff_client.post(reverse("admin:quiz_course_add"), new_course)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"order": [no_number_left("course", "the course “Test course”")]}
    # and the course page's new chapter row, beside its number
    rows = {"title": course.title, "order": MAX_ORDER, "chapters-TOTAL_FORMS": "2"}
    rows["chapters-INITIAL_FORMS"] = "1"
    for n, (pk, title, order) in enumerate(
        [(chapter.pk, "Fractions", MAX_ORDER), ("", "Ratios", "")]
    ):
        rows |= {f"chapters-{n}-id": pk, f"chapters-{n}-course": course.pk}
        rows |= {f"chapters-{n}-title": title, f"chapters-{n}-order": order}
        rows[f"chapters-{n}-streak_goal"] = 3
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), rows)
    assert response.status_code == 200
    [_, new_row] = response.context["inline_admin_formsets"][0].formset.forms
    assert new_row.errors == {"order": [no_number_left("chapter", "the chapter “Fractions”")]}
    assert (Course.objects.count(), Chapter.objects.count()) == (1, 1)
    # and a number given is kept: staff decide where it goes
    response = staff_client.post(reverse("admin:quiz_question_add"), new_question(chapter, 7))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert chapter.questions.latest("pk").order == 7


def test_the_course_page_numbers_new_rows_up_to_the_highest(staff_client, chapter):
    # given a course whose chapter has the number before the highest
    course = chapter.course
    # when the course page adds two chapters without numbers: the first takes the highest
    rows = {"title": course.title, "order": course.order, "chapters-TOTAL_FORMS": "3"}
    rows["chapters-INITIAL_FORMS"] = "1"
    for n, (pk, title, order) in enumerate(
        [(chapter.pk, "Fractions", MAX_ORDER - 1), ("", "Ratios", ""), ("", "Areas", "")]
    ):
        rows |= {f"chapters-{n}-id": pk, f"chapters-{n}-course": course.pk}
        rows |= {f"chapters-{n}-title": title, f"chapters-{n}-order": order}
        rows[f"chapters-{n}-streak_goal"] = 3
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), rows)
    # then the second is refused with the reason, and nothing is saved
    assert response.status_code == 200
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [form.errors for form in forms] == [
        {},
        {},
        {"order": [no_number_left("chapter", "the chapter “Ratios”")]},
    ]
    assert list(course.chapters.values_list("title", "order")) == [("Fractions", 1)]
    # and without the second, the first is saved with the highest number
    rows["chapters-TOTAL_FORMS"] = "2"
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), rows)
    assert response.status_code == 302
    assert dict(course.chapters.values_list("title", "order")) == {
        "Fractions": MAX_ORDER - 1,
        "Ratios": MAX_ORDER,
    }


def test_the_chapter_page_refuses_the_number_of_a_question_added_since_it_was_opened(
    staff_client, make_question
):
    # given a chapter page opened with #1 and #2, where the second is renumbered 3, while another
    # staff member has added #3 on the question form since
    first, second = make_question(order=1), make_question(order=2)
    chapter = first.chapter
    theirs = make_question(order=3, text="Theirs")
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    response = staff_client.post(url, chapter_form_data(chapter, [(first, 1), (second, 3)]))
    # then the page comes back with the reason beside the row's number, and nothing changed
    assert response.status_code == 200
    rows = response.context["inline_admin_formsets"][0].formset.forms
    assert rows[1].errors == {
        "order": [
            f"Question {theirs.pk} of this chapter has number 3 already (it was added since this "
            "page was opened: reload it to see that question). Pick another."
        ]
    }
    assert list(chapter.questions.values_list("pk", "order")) == [
        (first.pk, 1),
        (second.pk, 2),
        (theirs.pk, 3),
    ]


def test_saving_a_chapter_with_fewer_questions_than_its_goal_warns(staff_client, make_question):
    only = make_question(order=1)
    chapter = only.chapter
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    response = staff_client.post(url, chapter_form_data(chapter, [(only, 1)]))
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("has 1 live question and a streak goal of 3" in m for m in said), said
    staff_client.get(url)  # the page shows the message, which is then gone
    # enough questions: no warning
    more = [only, *(make_question(order=n) for n in (2, 3))]
    response = staff_client.post(url, chapter_form_data(chapter, [(q, q.order) for q in more]))
    assert not any("streak goal" in str(m) for m in get_messages(response.wsgi_request))


def test_questions_cannot_be_deleted_in_the_admin_and_it_says_why(staff_client, make_question):
    # given a superuser who types a question's delete address (no link leads there)
    question = make_question()
    url = reverse("admin:quiz_question_delete", args=[question.pk])
    assert "/delete/" not in staff_client.get(change_url(question)).content.decode()
    for response in (staff_client.get(url), staff_client.post(url, {"post": "yes"})):
        # then they are told why not and what to do instead, on the question's page
        assert response.status_code == 302
        assert response["Location"] == change_url(question)
        said = {str(m) for m in get_messages(response.wsgi_request)}
        assert said == {
            "Questions cannot be deleted: past answers refer to them, and stay readable only "
            "while they are kept. To take a question out of quizzes, untick “live for students” "
            "on it."
        }
    assert Question.objects.filter(pk=question.pk).exists()
    # a question that is not there: the same reason, on the list of questions
    missing = staff_client.get(reverse("admin:quiz_question_delete", args=[999999]))
    assert missing["Location"] == reverse("admin:quiz_question_changelist")
    # and staff who may not see questions at all are refused as before
    no_rights = Client()
    no_rights.force_login(get_user_model().objects.create_user(username="nr", is_staff=True))
    assert no_rights.get(url).status_code == 403


def test_the_question_list_shows_current_texts(staff_client, make_question):
    question = make_question(text="First wording")
    revise_question(
        question=question,
        text="Second wording",
        choices=[],
        accepted_answers=["1"],
        worked_answer="",
    )
    response = staff_client.get(reverse("admin:quiz_question_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Second wording" in page
    assert "First wording" not in page


def test_the_question_list_puts_the_wording_after_the_id(staff_client, make_question):
    make_question(
        kind="choice",
        choices=[{"key": "A", "text": "1"}, {"key": "B", "text": "2"}],
        accepted_answers=["A"],
        text="Which is one?",
    )
    response = staff_client.get(reverse("admin:quiz_question_changelist"))
    html = response.content.decode()
    # the wording right after the id; short heads and values (Django's heads are in capitals:
    # "LIVE FOR STUDENTS" was a column of its own)
    heads = re.findall(r'<div class="text">(?:<a [^>]*>|<span>)([^<]*)<', html)
    assert heads == ["ID", "Text", "Chapter", "No.", "Kind", "Live", "Rev."]
    # the kind by the name the filter and the form give it, not its stored value
    assert '<td class="field-kind">Multiple choice</td>' in html
    # the chapter may wrap (Django keeps a related object's name on one line)
    assert '<td class="field-in_chapter">Test course / Fractions</td>' in html
    assert "quiz/admin.css" in html  # which keeps the wording readable


def test_the_chapter_page_names_its_questions_by_their_wording(staff_client, make_question):
    question = make_question(text="How much is 7 times 8?")
    url = reverse("admin:quiz_chapter_change", args=[question.chapter.pk])
    assert "How much is 7 times 8?" in staff_client.get(url).content.decode()


def test_the_course_page_lists_its_chapters(staff_client, chapter, make_question):
    make_question()
    make_question(live=False)
    response = staff_client.get(reverse("admin:quiz_course_change", args=[chapter.course_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fractions" in html
    assert "2 (1 live)" in html  # how many questions, and how many students can be asked


def test_questions_are_added_a_chapter_at_a_time(staff_client, chapter):
    # the chapter page links to a new question's form with the chapter chosen
    page = staff_client.get(reverse("admin:quiz_chapter_change", args=[chapter.pk]))
    add = f"{reverse('admin:quiz_question_add')}?chapter={chapter.pk}"
    assert f'href="{add}"' in page.content.decode()
    # and "Save and add another" opens the next one's form in the same chapter
    response = staff_client.post(
        reverse("admin:quiz_question_add"),
        {
            "chapter": chapter.pk,
            "kind": "open",
            "text": "What is 2 + 2?",
            "accepted_answers": "4",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
            "_addanother": "Save and add another",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?chapter={chapter.pk}")
    next_form = staff_client.get(response["Location"]).content.decode()
    assert f'<option value="{chapter.pk}" selected>' in next_form
    # and again from there: the chapter once in the address, not once more each time
    data = {
        "chapter": chapter.pk,
        "kind": "open",
        "text": "What is 3 + 3?",
        "accepted_answers": "6",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    again = staff_client.post(response["Location"], {**data, "_addanother": "1"})
    assert again["Location"].count("chapter=") == 1
    # and a plain "Save" of a question opened from the chapter goes back to the chapter
    data["text"] = "What is 4 + 4?"
    saved = staff_client.post(response["Location"], {**data, "_save": "Save"})
    assert saved["Location"] == reverse("admin:quiz_chapter_change", args=[chapter.pk])
    # the streak goal says its bounds to the browser too
    chapter_page = staff_client.get(reverse("admin:quiz_chapter_change", args=[chapter.pk]))
    assert re.search(r'name="streak_goal" [^>]*min="1" max="20"', chapter_page.content.decode())


def test_a_chapter_or_course_with_questions_is_not_deleted_and_says_why(
    staff_client, chapter, make_question
):
    make_question()
    for model, pk in (("chapter", chapter.pk), ("course", chapter.course_id)):
        response = staff_client.get(reverse(f"admin:quiz_{model}_delete", args=[pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse(f"admin:quiz_{model}_change", args=[pk])
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("cannot be deleted: questions are kept, so that every answer" in m for m in said)
        assert "permission" not in " ".join(said)
    assert Question.objects.count() == 1
    # an empty chapter is deleted as usual
    empty = chapter.course.chapters.create(title="Empty", order=9)
    url = reverse("admin:quiz_chapter_delete", args=[empty.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not chapter.course.chapters.filter(title="Empty").exists()


def test_titles_that_differ_only_in_case_are_refused(staff_client, chapter):
    # a second chapter "fractions" beside "Fractions", on the chapter page
    response = staff_client.post(
        reverse("admin:quiz_chapter_add"),
        {
            "course": chapter.course_id,
            "title": "fractions",
            "order": 2,
            "streak_goal": 3,
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "This course has a chapter of this title already (in any case)." in (
        response.content.decode()
    )
    # and on the course page's chapter rows
    course = chapter.course
    response = staff_client.post(
        reverse("admin:quiz_course_change", args=[course.pk]),
        {
            "title": course.title,
            "order": course.order,
            "chapters-TOTAL_FORMS": "2",
            "chapters-INITIAL_FORMS": "1",
            "chapters-0-id": chapter.pk,
            "chapters-0-course": course.pk,
            "chapters-0-title": chapter.title,
            "chapters-0-order": 1,
            "chapters-0-streak_goal": 3,
            "chapters-1-course": course.pk,
            "chapters-1-title": "FRACTIONS",
            "chapters-1-order": 2,
            "chapters-1-streak_goal": 3,
        },
    )
    assert response.status_code == 200
    assert "The chapters “Fractions” and “FRACTIONS” have one title (in any case)" in (
        response.content.decode()
    )
    # a course "test COURSE" beside "Test course"
    response = staff_client.post(
        reverse("admin:quiz_course_add"),
        {
            "title": "test COURSE",
            "order": 2,
            "chapters-TOTAL_FORMS": "0",
            "chapters-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "There is a course of this title already (in any case)." in response.content.decode()
    assert course.chapters.count() == 1


@pytest.mark.django_db(transaction=True)  # the other staff member's course really commits
def test_a_course_of_one_title_saved_by_someone_else_meanwhile_is_a_form_error(staff_client):
    # given a staff member adding "Extra practice", with a chapter, while another adds
    # "extra PRACTICE" (in another connection, committed) after the first one's form was checked
    # and before it is saved: the database's constraint is the first to notice
    with saved_meanwhile(Course, lambda: Course.objects.create(title="extra PRACTICE", order=5)):
        response = staff_client.post(
            reverse("admin:quiz_course_add"),
            {
                "title": "Extra practice",
                "order": 1,
                "chapters-TOTAL_FORMS": "1",
                "chapters-INITIAL_FORMS": "0",
                "chapters-0-title": "Powers of ten",
                "chapters-0-order": 1,
                "chapters-0-streak_goal": 3,
            },
        )
    # then the form says so on its title, as when that course was there before: not a 500
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "There is a course of this title already (in any case)."
    ]
    # and nothing of this form was saved: the other's course alone, without the chapter
    assert list(Course.objects.values_list("title", flat=True)) == ["extra PRACTICE"]
    assert not Chapter.objects.exists()


@pytest.mark.django_db(transaction=True)  # the other staff member's chapter really commits
def test_a_chapter_row_of_a_title_saved_by_someone_else_meanwhile_is_a_form_error(staff_client):
    # given a course with "Fractions", renamed on its page with a new chapter row "Powers of ten",
    # while another staff member adds "powers of TEN" to it (on the chapter page, committed) after
    # the course page was checked and before its rows are saved
    course = Course.objects.create(title="Test course", order=1)
    fractions = Chapter.objects.create(course=course, title="Fractions", order=1)
    with saved_meanwhile(
        Chapter,
        lambda: Chapter.objects.create(course=course, title="powers of TEN", order=7),
    ):
        response = staff_client.post(
            reverse("admin:quiz_course_change", args=[course.pk]),
            {
                "title": "Renamed course",
                "order": 1,
                "chapters-TOTAL_FORMS": "2",
                "chapters-INITIAL_FORMS": "1",
                "chapters-0-id": fractions.pk,
                "chapters-0-course": course.pk,
                "chapters-0-title": "Fractions",
                "chapters-0-order": 1,
                "chapters-0-streak_goal": 3,
                "chapters-1-course": course.pk,
                "chapters-1-title": "Powers of ten",
                "chapters-1-order": 2,
                "chapters-1-streak_goal": 3,
            },
        )
    # then the page comes back with the reason beside the new row's title: not a 500
    assert response.status_code == 200
    rows = response.context["inline_admin_formsets"][0].formset.forms
    assert rows[1].errors["title"] == [
        "This course has a chapter of this title already (in any case)."
    ]
    # and nothing of the page was saved: the course keeps its title, the other's chapter alone
    course.refresh_from_db()
    assert course.title == "Test course"
    assert sorted(course.chapters.values_list("title", flat=True)) == [
        "Fractions",
        "powers of TEN",
    ]


@pytest.mark.django_db(transaction=True)  # the other staff member's chapter really commits
def test_a_chapter_of_a_title_saved_by_someone_else_meanwhile_is_a_form_error(staff_client):
    course = Course.objects.create(title="Test course", order=1)
    with saved_meanwhile(
        Chapter, lambda: Chapter.objects.create(course=course, title="Powers of ten", order=7)
    ):
        response = staff_client.post(
            reverse("admin:quiz_chapter_add"),
            {
                "course": course.pk,
                "title": "Powers of ten",
                "order": 1,
                "streak_goal": 3,
                "questions-TOTAL_FORMS": "0",
                "questions-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 200
    # one reason, the project's (the case-sensitive constraint's generic one said it again)
    assert response.context["adminform"].form.errors == {
        "title": ["This course has a chapter of this title already (in any case)."]
    }
    assert list(course.chapters.values_list("order", flat=True)) == [7]


def new_question(chapter, order):
    """The question form's fields for a new question of `chapter` numbered `order` ("": last)."""
    return {
        "chapter": chapter.pk,
        "order": order,
        "kind": "open",
        "live": "on",
        "text": "What is 2 + 2?",
        "accepted_answers": "4",
    }


def their_question(chapter, order):
    """Another staff member's question #`order` of `chapter` (in their own connection)."""
    return lambda: create_question(
        chapter=chapter,
        kind="open",
        text="Theirs",
        choices=[],
        accepted_answers=["5"],
        worked_answer="",
        order=order,
    )


@pytest.mark.django_db(transaction=True)  # the other staff member's question really commits
def test_a_question_number_taken_by_someone_else_meanwhile_is_a_form_error(staff_client):
    # given a chapter with #1, a question added as #2 while another staff member adds their #2
    # (committed) after the form was checked and before it is saved
    chapter = Chapter.objects.create(
        course=Course.objects.create(title="Test course", order=1), title="Fractions", order=1
    )
    their_question(chapter, 1)()
    with saved_meanwhile(Question, their_question(chapter, 2)):
        response = staff_client.post(reverse("admin:quiz_question_add"), new_question(chapter, 2))
    # then the form comes back with the reason beside the number: not a second #2, not a 500
    assert response.status_code == 200
    theirs = chapter.questions.get(order=2)
    assert response.context["adminform"].form.errors == {
        "order": [
            f"Question {theirs.pk} of this chapter has number 2 already. Pick another, or leave "
            "it empty to put this one last."
        ]
    }
    assert list(chapter.questions.values_list("order", flat=True)) == [1, 2]
    # and a number left empty goes after theirs, also when a third takes the next meanwhile
    with saved_meanwhile(Question, their_question(chapter, 3)):
        response = staff_client.post(reverse("admin:quiz_question_add"), new_question(chapter, ""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert chapter.questions.latest("pk").revisions.get().text == "What is 2 + 2?"
    assert chapter.questions.latest("pk").order == 4


@pytest.mark.django_db(transaction=True)  # the other staff member's question really commits
def test_an_empty_number_left_none_by_someone_else_meanwhile_is_a_form_error(staff_client):
    # given a chapter whose last question has the number before the highest, and a question
    # added without a number while another staff member adds theirs with the highest (committed)
    # after the form was checked and before it is saved
    chapter = Chapter.objects.create(
        course=Course.objects.create(title="Test course", order=1), title="Fractions", order=1
    )
    their_question(chapter, MAX_ORDER - 1)()
    with saved_meanwhile(Question, their_question(chapter, MAX_ORDER)):
        response = staff_client.post(reverse("admin:quiz_question_add"), new_question(chapter, ""))
    # then the form comes back with the reason beside the number: not one past the highest, not
    # a 500
    assert response.status_code == 200
    theirs = chapter.questions.get(order=MAX_ORDER)
    assert response.context["adminform"].form.errors == {
        "order": [no_number_left("question", f"question {theirs.pk}")]
    }
    assert list(chapter.questions.values_list("order", flat=True)) == [MAX_ORDER - 1, MAX_ORDER]


@pytest.mark.django_db(transaction=True)  # the other staff member's question really commits
def test_a_renumbered_row_whose_number_was_taken_meanwhile_is_a_form_error(staff_client):
    # given a chapter page that swaps #1 and #2 and renumbers #3 as 4, while another staff member
    # adds #4 (committed) after the page was checked and before its rows are saved
    chapter = Chapter.objects.create(
        course=Course.objects.create(title="Test course", order=1), title="Fractions", order=1
    )
    rows = [their_question(chapter, n)() for n in (1, 2, 3)]
    url = reverse("admin:quiz_chapter_change", args=[chapter.pk])
    numbers = list(zip(rows, (2, 1, 4), strict=True))
    with saved_meanwhile(Question, their_question(chapter, 4)):
        response = staff_client.post(url, chapter_form_data(chapter, numbers))
    # then the page comes back with the reason beside that row's number, and nothing of it saved
    assert response.status_code == 200
    added = chapter.questions.get(order=4)
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [form.errors for form in forms] == [
        {},
        {},
        {
            "order": [
                f"Question {added.pk} of this chapter has number 4 already (it was added since "
                "this page was opened: reload it to see that question). Pick another."
            ]
        },
    ]
    assert list(chapter.questions.values_list("pk", "order")) == [
        *((row.pk, n) for row, n in zip(rows, (1, 2, 3), strict=True)),
        (added.pk, 4),
    ]


def test_two_chapter_rows_swapping_titles_are_refused_with_the_reason(staff_client):
    # given a course page whose two rows swap titles: the database compares row by row, and
    # refused the first ("B" while the other still had it) with a server error
    course = Course.objects.create(title="Test course", order=1)
    a = Chapter.objects.create(course=course, title="A", order=1)
    b = Chapter.objects.create(course=course, title="B", order=2)
    data = {"title": course.title, "order": 1, "chapters-TOTAL_FORMS": "2"}
    data["chapters-INITIAL_FORMS"] = "2"
    for n, (row, title) in enumerate([(a, "B"), (b, "A")]):
        data |= {f"chapters-{n}-id": row.pk, f"chapters-{n}-course": course.pk}
        data |= {f"chapters-{n}-title": title, f"chapters-{n}-order": row.order}
        data[f"chapters-{n}-streak_goal"] = 3
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), data)
    # then each row says why, and the titles stay as they were
    assert response.status_code == 200
    rows = response.context["inline_admin_formsets"][0].formset.forms
    assert [row.errors for row in rows] == [
        {"title": ["This course has a chapter of this title already (in any case)."]}
    ] * 2
    assert list(course.chapters.values_list("title", flat=True)) == ["A", "B"]


def test_titles_are_kept_on_one_line(staff_client, chapter):
    # given a title pasted from a word processor: a soft line break (vertical tab), two spaces
    response = staff_client.post(
        reverse("admin:quiz_chapter_add"),
        {
            "course": chapter.course_id,
            "title": "Powers\x0bof  ten",
            "order": 2,
            "streak_goal": 3,
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    # then it is stored as it reads (a spreadsheet export refuses the control character)
    assert response.status_code == 302
    assert chapter.course.chapters.filter(title="Powers of ten").exists()
    # and on the course page, a row that reads the same as another is refused, not a 500
    course = chapter.course
    ten = course.chapters.get(title="Powers of ten")
    response = staff_client.post(
        reverse("admin:quiz_course_change", args=[course.pk]),
        {
            "title": course.title,
            "order": course.order,
            "chapters-TOTAL_FORMS": "3",
            "chapters-INITIAL_FORMS": "2",
            "chapters-0-id": chapter.pk,
            "chapters-0-course": course.pk,
            "chapters-0-title": chapter.title,
            "chapters-0-order": 1,
            "chapters-0-streak_goal": 3,
            "chapters-1-id": ten.pk,
            "chapters-1-course": course.pk,
            "chapters-1-title": ten.title,
            "chapters-1-order": 2,
            "chapters-1-streak_goal": 3,
            "chapters-2-course": course.pk,
            "chapters-2-title": "Powers  OF\x0bten",
            "chapters-2-order": 3,
            "chapters-2-streak_goal": 3,
        },
    )
    assert response.status_code == 200
    assert "have one title (in any case)" in response.content.decode()


# --- the pure line formats ------------------------------------------------------------------------


def test_choice_lines_round_trip():
    choices = [{"key": "A", "text": "3:4"}, {"key": "B", "text": "1/2"}]
    assert parse_choice_lines(format_choice_lines(choices)) == choices
    assert parse_choice_lines("A:  x \n\n B : y") == [
        {"key": "A", "text": "x"},
        {"key": "B", "text": "y"},
    ]


def test_a_choice_line_without_a_colon_is_an_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Line 2"):
        parse_choice_lines("A: 1\nB 2")


def test_answer_lines_skip_blanks():
    assert parse_answer_lines(" 1/2 \n\n0,5\n") == ["1/2", "0,5"]


def test_command_outcomes_are_listed_read_only(staff_client, staff_user):
    import uuid

    from quiz.models import CommandOutcome

    outcome = CommandOutcome.objects.create(
        command_id=uuid.uuid4(),
        command="AnswerQuestion",
        actor=staff_user,
        stream_id="quiz-1",
        version=3,
        code="no_open_question",
        message="There is no open question.",
    )
    listing = staff_client.get(
        reverse("admin:quiz_commandoutcome_changelist"), {"q": str(outcome.command_id)}
    )
    assert listing.status_code == 200
    assert "no_open_question" in listing.content.decode()
    detail = staff_client.get(reverse("admin:quiz_commandoutcome_change", args=[outcome.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert staff_client.get(reverse("admin:quiz_commandoutcome_add")).status_code == 403


# --- course titles: unique among what one school's people see ------------------------------------


def add_course(staff_client, title, school=None):
    return staff_client.post(
        reverse("admin:quiz_course_add"),
        {
            "title": title,
            "order": 1,
            "school": school.pk if school else "",
            "chapters-TOTAL_FORMS": "0",
            "chapters-INITIAL_FORMS": "0",
        },
    )


@pytest.mark.django_db
def test_two_schools_may_each_have_a_course_of_one_title(staff_client):
    from quiz.models import Course
    from studyflow.models import School

    # given two schools
    north, south = School.objects.create(name="North"), School.objects.create(name="South")
    # when each adds its own "Extra practice"
    assert add_course(staff_client, "Extra practice", north).status_code == 302
    assert add_course(staff_client, "extra PRACTICE", south).status_code == 302
    # then both are kept, one per school
    assert Course.objects.filter(title__iexact="extra practice").count() == 2
    # but a second one for the same school is refused on the form (in any case)
    response = add_course(staff_client, "EXTRA practice", north)
    assert response.status_code == 200
    assert "This school has a course of this title already (in any case)." in (
        response.content.decode()
    )
    # and so is a course for every school of that title: both schools would see two
    response = add_course(staff_client, "Extra Practice")
    assert response.status_code == 200
    assert "North, South have courses of their own of this title (in any case)" in (
        response.content.decode()
    )
    assert Course.objects.filter(title__iexact="extra practice").count() == 2


@pytest.mark.django_db
def test_a_schools_course_may_not_take_a_shared_courses_title(staff_client):
    from quiz.models import Course
    from studyflow.models import School

    # given a course for every school
    Course.objects.create(title="Powers")
    school = School.objects.create(name="North")
    # when a school adds its own "POWERS", or moves its own course to that title
    response = add_course(staff_client, "POWERS", school)
    # then its people would see two: refused, with the reason
    assert response.status_code == 200
    assert "There is a course for every school of this title already (in any case)." in (
        response.content.decode()
    )
    own = Course.objects.create(title="Roots", school=school)
    response = staff_client.post(
        reverse("admin:quiz_course_change", args=[own.pk]),
        {
            "title": "powers",
            "order": 1,
            "school": school.pk,
            "chapters-TOTAL_FORMS": "0",
            "chapters-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "There is a course for every school" in response.content.decode()
    own.refresh_from_db()
    assert own.title == "Roots"
    assert Course.objects.filter(title__iexact="powers").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_course_of_one_title_where_it_is_seen():
    from django.db import IntegrityError, transaction

    from quiz.models import Course
    from studyflow.models import School

    school = School.objects.create(name="North")
    Course.objects.create(title="Shared")
    Course.objects.create(title="Own", school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.create(title="SHARED")
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.create(title="own", school=school)
    Course.objects.create(title="own", school=School.objects.create(name="South"))


on_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the exclusion constraint is PostgreSQL's (SQLite has none, and one writer at a time)",
)


@pytest.mark.django_db
@on_postgresql
def test_the_database_refuses_a_shared_and_a_schools_course_of_one_title():
    from quiz.models import Course
    from studyflow.models import School
    from studyflow.taken_meanwhile import taken

    north, south = School.objects.create(name="North"), School.objects.create(name="South")
    Course.objects.create(title="Shared")
    own = Course.objects.create(title="Own", school=north)
    # a school's own course beside a shared one, a shared one beside a school's own (in any case)
    for title, school in [("SHARED", north), ("own", None)]:
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            Course.objects.create(title=title, school=school)
        assert taken(refused.value)
    # and so is a school's own course made one for every school beside another's own, or renamed
    # to a shared one's title
    Course.objects.create(title="Roots", school=south)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=own.pk).update(title="ROOTS", school=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=own.pk).update(title="shared")
    # while two schools may each have their own, and a course its own title in another case
    Course.objects.create(title="OWN", school=south)
    own.title = "OWN"
    own.save()


@pytest.mark.django_db(transaction=True)  # two connections: each course really commits
@on_postgresql
def test_of_a_shared_and_a_schools_course_of_one_title_saved_at_once_one_is_refused():
    from quiz.models import Course
    from studyflow.models import School
    from studyflow.taken_meanwhile import taken

    # given a course for every school "Algebra" being saved, its transaction still open, when
    # North's own "algebra" is checked and saved meanwhile (its check sees nothing committed)
    north = School.objects.create(name="North")

    def norths_own_on_its_own_connection() -> Course:
        try:
            with transaction.atomic():
                course = Course(title="algebra", school=north, order=1)
                assert course.title_seen_beside() is None
                course.save()
                return course
        finally:
            connection.close()

    with (
        ThreadPoolExecutor(max_workers=1) as second,
        held_open(lambda: Course.objects.create(title="Algebra", order=1)),
    ):
        meanwhile = second.submit(norths_own_on_its_own_connection)
        waited_for_a_lock(meanwhile)
    # then it waits for the first, and is refused once that one has committed
    with pytest.raises(IntegrityError) as refused:
        meanwhile.result(timeout=30)
    assert taken(refused.value)
    assert list(Course.objects.values_list("title", "school")) == [("Algebra", None)]


@pytest.mark.django_db(transaction=True)  # the other staff member's course really commits
@on_postgresql
@pytest.mark.parametrize("theirs_shared", [False, True], ids=["theirs-a-schools", "theirs-shared"])
def test_a_course_of_a_title_seen_beside_one_saved_meanwhile_is_a_form_error(
    staff_client, theirs_shared
):
    from quiz.models import Course
    from studyflow.models import School

    # given staff adding "Algebra" for every school, while another adds North's own "algebra"
    # after the form was checked and before it is saved (or the other way round)
    north = School.objects.create(name="North")
    theirs, ours = (None, north) if theirs_shared else (north, None)
    with saved_meanwhile(
        Course, lambda: Course.objects.create(title="algebra", school=theirs, order=5)
    ):
        response = add_course(staff_client, "Algebra", ours)
    # then the form says so on its title, as when that course was there before: not a 500
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "There is a course for every school of this title already (in any case)."
        if theirs_shared
        else "North has a course of its own of this title (in any case): a course for every "
        "school needs another."
    ]
    # and theirs alone was saved
    assert list(Course.objects.values_list("title", "school__name")) == [
        ("algebra", None if theirs_shared else "North")
    ]


@pytest.mark.django_db
def test_the_course_and_chapter_pickers_tell_two_schools_courses_of_one_title_apart(staff_client):
    from quiz.models import Chapter, Course
    from studyflow.models import School

    # given two schools, each with its own "Extra practice" and a chapter in it
    north, south = School.objects.create(name="North"), School.objects.create(name="South")
    for school in (north, south):
        course = Course.objects.create(title="Extra practice", school=school)
        Chapter.objects.create(course=course, title="Week 1")
    option = re.compile(r'<option value="\d+"(?: selected)?>([^<]*)</option>')
    # when staff add a chapter, or a question, and pick where it goes
    courses = option.findall(staff_client.get(reverse("admin:quiz_chapter_add")).content.decode())
    chapters = option.findall(staff_client.get(reverse("admin:quiz_question_add")).content.decode())
    # then each school's course is named apart: a pick is never a guess between two alike (a
    # chapter put in the other school's course is shown to that school's students)
    extra = [name for name in courses if "Extra practice" in name]
    assert len(extra) == 2 and len(set(extra)) == 2, extra
    weeks = [name for name in chapters if "Week 1" in name]
    assert len(weeks) == 2 and len(set(weeks)) == 2, weeks


# --- an unchanged save says so (a browser sends a box's line breaks as CRLF) ----------------------


def as_a_browser_sends(data):
    """The form's boxes as a browser posts them: HTML's form encoding makes every line break of a
    textarea CRLF, whatever the page showed."""
    return {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in data.items()
    }


def multi_line_choice_question(make_question):
    return make_question(**MULTI_LINE_CHOICE_QUESTION)


def unchanged_choice_form(question):
    return form_data(
        question,
        live="on",
        text="Which of these is 3/4?\nPick every one that is.",
        choices="A: 0.75\nB: 1/2\nC: 6/8",
        accepted_answers="A\nC",
        worked_answer="3/4 = 0.75\n3/4 = 6/8",
        _continue="Save and continue editing",
    )


def last_change_of(row):
    """The last message of a question's, chapter's or course's History."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(row)
    entry = LogEntry.objects.filter(content_type=kind, object_id=str(row.pk)).latest("pk")
    return entry.get_change_message()


def test_saving_an_unchanged_multi_line_question_logs_no_change(staff_client, make_question):
    question = multi_line_choice_question(make_question)
    response = staff_client.post(
        change_url(question), as_a_browser_sends(unchanged_choice_form(question))
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert last_change_of(question) == "No fields changed."
    question.refresh_from_db()
    assert question.current_revision == 1


def test_changing_one_line_of_the_choices_is_logged_and_revised(staff_client, make_question):
    question = multi_line_choice_question(make_question)
    data = unchanged_choice_form(question)
    data["choices"] = "A: 0.75\nB: 1/3\nC: 6/8"
    response = staff_client.post(change_url(question), as_a_browser_sends(data))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert last_change_of(question) == "Changed Choices."
    question.refresh_from_db()
    assert question.current_revision == 2
    assert question.revisions.get(revision=2).choices[1] == {"key": "B", "text": "1/3"}


def test_a_box_is_stored_with_newline_line_breaks(staff_client, make_question):
    question = make_question()
    data = form_data(question, worked_answer="1/2 = 2/4\n2/4 + 1/4 = 3/4")
    response = staff_client.post(change_url(question), as_a_browser_sends(data))
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.revisions.get(revision=2).worked_answer == "1/2 = 2/4\n2/4 + 1/4 = 3/4"


def test_a_text_saved_with_crlf_before_is_unchanged_by_an_unchanged_save(
    staff_client, make_question
):
    # A text of several lines saved through the admin before line breaks were read as LF: CRLF.
    from quiz.models import QuestionRevision

    question = make_question()
    QuestionRevision.objects.create(
        question=question,
        revision=2,
        text="Calculate\r\n1/2 + 1/4.",
        accepted_answers=["3/4", "0.75"],
        worked_answer="2/4 + 1/4 = 3/4",
    )
    Question.objects.filter(pk=question.pk).update(current_revision=2)
    data = form_data(
        question, live="on", text="Calculate\n1/2 + 1/4.", _continue="Save and continue"
    )
    response = staff_client.post(change_url(question), as_a_browser_sends(data))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert last_change_of(question) == "No fields changed."
    question.refresh_from_db()
    assert question.current_revision == 2


# --- the history names fields as the form does -------------------------------------------------


def test_the_history_names_the_questions_fields_as_the_form_does(staff_client, make_question):
    # given a question
    question = make_question(order=1)
    # when staff draft it and add an accepted answer
    data = form_data(question, accepted_answers="3/4\n0.75\n0,75")  # "live" left unticked
    response = staff_client.post(change_url(question), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # then its History names both fields by their labels on the form (it said "Changed Live for
    # students and accepted_answers.": one label, one field name)
    assert last_change_of(question) == "Changed Live for students and Accepted answers."
    # and so for every field of the form
    data = form_data(
        question,
        order=2,
        live="on",
        text="Calculate 1/3 + 1/3.",
        accepted_answers="2/3",
        worked_answer="1/3 + 1/3 = 2/3",
    )
    response = staff_client.post(change_url(question), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    form = staff_client.get(change_url(question)).context["adminform"].form
    shown = [form[name].label for name in ("order", "live", "text", "accepted_answers")]
    assert last_change_of(question) == (
        "Changed Order, Live for students, Text, Accepted answers and Worked answer."
    )
    assert shown == ["Order", "Live for students", "Text", "Accepted answers"]
    choice = multi_line_choice_question(make_question)
    data = unchanged_choice_form(choice) | {"choices": "A: 0.75\nB: 1/3\nC: 6/8", "live": ""}
    response = staff_client.post(change_url(choice), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert last_change_of(choice) == "Changed Live for students and Choices."


def test_the_history_of_a_chapter_and_a_course_names_fields_as_the_form_does(
    staff_client, chapter, make_question
):
    # given a chapter with two questions, in a course
    first, second = make_question(order=1), make_question(order=2)
    # when its page changes its streak goal and renumbers and drafts a question
    data = chapter_form_data(chapter, [(first, 1), (second, 3)]) | {"streak_goal": 2}
    del data["questions-1-live"]
    response = staff_client.post(reverse("admin:quiz_chapter_change", args=[chapter.pk]), data)
    assert response.status_code == 302
    second.refresh_from_db()  # "Question 2 (Fractions #3)"
    # then its History names each field by its label on the page, the rows' too
    assert last_change_of(chapter) == (
        f"Changed Streak goal. Changed Order and Live for students for question “{second}”."
    )
    # and so does the course's, for its chapter rows
    course = chapter.course
    rows = {"title": "Numbers", "order": 3, "chapters-TOTAL_FORMS": "1"}
    rows |= {"chapters-INITIAL_FORMS": "1", "chapters-0-id": chapter.pk}
    rows |= {"chapters-0-course": course.pk, "chapters-0-title": "Fractions and decimals"}
    rows |= {"chapters-0-order": 1, "chapters-0-streak_goal": 4}
    response = staff_client.post(reverse("admin:quiz_course_change", args=[course.pk]), rows)
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert last_change_of(course) == (
        f"Changed Title and Order. Changed Title and Streak goal for chapter “{chapter}”."
    )
