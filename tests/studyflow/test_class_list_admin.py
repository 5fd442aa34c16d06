"""The class page's "Add students from a list", through the admin: who may, what is made, and that
a list with a wrong line makes nothing."""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from studyflow import class_lists_added, passwords_waiting, services
from studyflow.admin_class_list import ClassListForm
from studyflow.class_list import MAX_STUDENTS, ClassListProblems, ListedStudent
from studyflow.class_lists_added import NewStudent
from studyflow.models import Classroom, School
from studyflow.roles import STUDENTS
from studyflow.services import (
    INITIAL_PASSWORD_ALPHABET,
    INITIAL_PASSWORD_ITERATIONS,
    INITIAL_PASSWORD_LENGTH,
    ListAddedAlready,
    initial_password,
)
from tests.held_open import held_open, waited_for_a_lock

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def classroom(make_class: Any) -> Any:
    return make_class("1A")


@pytest.fixture
def staff_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("boss", role="staff", is_superuser=True))
    return client


def page_url(classroom: Any) -> str:
    return reverse("admin:studyflow_classroom_add_students", args=[classroom.pk])


def added_url(classroom: Any, list_id: str) -> str:
    return reverse("admin:studyflow_classroom_students_added", args=[classroom.pk, list_id])


def post(client: Any, classroom: Any, text: str, list_id: str | None = None, **fields: str) -> Any:
    """The list's form sent, and its answer: the form again (refused), or a redirect (303)."""
    return client.post(
        page_url(classroom),
        {"class_list": text, "list_id": list_id or str(uuid.uuid4()), **fields},
    )


def send(client: Any, classroom: Any, text: str, list_id: str | None = None, **fields: str) -> Any:
    """The list's form sent, and the page the browser ends on: the form again (refused), or the
    page of the list added, which the answer (303) leads to."""
    response = post(client, classroom, text, list_id, **fields)
    if response.status_code != 303:
        return response
    return client.get(response["Location"])


def shown_rows(response: Any) -> list[tuple[str, str, str]]:
    """(name, username, password) of each row of the page of passwords."""
    html = response.content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    cells = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", body)]
    return [tuple(cells[n : n + 3]) for n in range(0, len(cells), 3)]  # type: ignore[misc]


def logs_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


def kept_in_session(client: Any) -> str:
    """All the session row holds, as text."""
    return repr(dict(client.session.items()))


def clock_moved_on(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """Move the clock (django.utils.timezone.now, which the views and the sessions read) `by` on."""
    later = timezone.now() + by
    monkeypatch.setattr(timezone, "now", lambda: later)


def staff_with(make_user: Any, *codenames: str) -> Any:
    user = make_user("clerk", role="staff")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_the_students_are_added_with_their_passwords_shown_on_a_page_of_their_own(
    staff_client, classroom
):
    given = "Zoë, de Vries\n\nSem\tBakker\nNoor, El Amrani, noor.ea\n"
    list_id = str(uuid.uuid4())
    answer = post(staff_client, classroom, given, list_id)
    # the post is answered with a redirect to the list's page: reloading it sends no form again
    assert answer.status_code == 303 and answer["Location"] == added_url(classroom, list_id)
    response = staff_client.get(answer["Location"])
    assert response.status_code == 200
    assert "admin/studyflow/classroom/students_added.html" in [t.name for t in response.templates]
    rows = shown_rows(response)
    assert [(name, username) for name, username, _ in rows] == [
        ("Zoë de Vries", "zoe.devries"),
        ("Sem Bakker", "sem.bakker"),
        ("Noor El Amrani", "noor.ea"),
    ]
    for _, username, password in rows:
        student = User.objects.get(username=username)
        assert student.check_password(password)
        assert password not in student.password
        assert list(student.groups.values_list("name", flat=True)) == [STUDENTS]
        assert list(student.classes.all()) == [classroom]
        assert not student.is_staff
    assert User.objects.get(username="zoe.devries").last_name == "de Vries"
    # kept by no cache, and nothing of them in the address
    assert "no-store" in response["Cache-Control"] and "no-store" in answer["Cache-Control"]
    assert not [password for _, _, password in rows if password in answer["Location"]]
    html = response.content.decode()
    said = " ".join(html.replace("&#x27;", "'").split())
    assert f"shown on this page only, for {passwords_waiting.WAITS_MINUTES} minutes" in said
    assert "reloading it shows the same ones, and adds nobody again" in said
    assert "http://testserver/login/" in html
    assert "students change their password" in html and "http://testserver/password/" in html
    # a forgotten one: the class's teachers give a new one too, not only staff
    assert "the class's teachers give the student a new one from the student's page" in said


def test_the_admin_log_has_each_new_account_and_the_class_without_a_password(
    staff_client, classroom
):
    response = send(staff_client, classroom, "Anna, Bos\nBram, Bos")
    passwords = [password for _, _, password in shown_rows(response)]
    entries = LogEntry.objects.order_by("pk")
    assert [(e.action_flag, e.object_repr) for e in entries] == [
        (ADDITION, "anna.bos"),
        (ADDITION, "bram.bos"),
        (CHANGE, str(classroom)),
    ]
    assert entries[0].get_change_message() == f"Added from a class list to {classroom}."
    assert entries[2].get_change_message() == "Added 2 students from a list."
    assert not [e for e in entries for p in passwords if p in e.change_message + e.object_repr]


@pytest.mark.parametrize(
    ("given", "title", "logged"),
    [
        ("Anna, Bos", "1 student added to 1A", "Added 1 student from a list."),
        ("Anna, Bos\nBram, Bos", "2 students added to 1A", "Added 2 students from a list."),
    ],
)
def test_the_page_and_the_log_count_students_in_the_singular_and_plural(
    staff_client, classroom, given, title, logged
):
    html = send(staff_client, classroom, given).content.decode()
    assert re.search(rf"<h1>{title} \(", html) and f"<title>{title} (" in html
    assert LogEntry.objects.get(action_flag=CHANGE).get_change_message() == logged


def test_no_password_reaches_the_log(staff_client, classroom, caplog):
    with caplog.at_level(logging.DEBUG):
        response = send(staff_client, classroom, "Anna, Bos\nBram, Bos")
    passwords = [password for _, _, password in shown_rows(response)]
    assert passwords and not [p for p in passwords if p in caplog.text]


def test_a_list_with_a_wrong_line_adds_nobody(staff_client, classroom):
    users_before = User.objects.count()
    response = send(staff_client, classroom, "Anna, Bos\nBram\nCas, Dijk\n, Jansen")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nobody was added" in html
    assert "Line 2 (“Bram”) has no last name" in html
    assert "Line 4 (“, Jansen”) has no first name." in html
    assert User.objects.count() == users_before
    assert not classroom.students.exists() and not LogEntry.objects.exists()
    # the list comes back as sent, to be corrected
    assert "Anna, Bos\nBram\nCas, Dijk\n, Jansen</textarea>" in html


def test_an_empty_spreadsheet_row_is_skipped_as_a_blank_line(staff_client, classroom):
    # given a list pasted as CSV with empty rows (it was a server error)
    response = send(staff_client, classroom, "Anna, Bos\n,,,\n , \nBram, Bos\n,")
    # then its students are added, the empty rows skipped
    assert response.status_code == 200
    assert [username for _, username, _ in shown_rows(response)] == ["anna.bos", "bram.bos"]
    # and a list of empty rows only is an empty list, which adds nobody
    refused = send(staff_client, classroom, ",\n,,,")
    assert refused.status_code == 200
    assert "The list is empty" in refused.content.decode()
    assert classroom.students.count() == 2


def test_a_list_saved_as_csv_is_added_without_its_quotes(staff_client, classroom):
    # given a spreadsheet's rows saved as CSV, headings and quotes and all
    given = '"First name","Last name"\n"Anna","de Vries"\n"John","Smith, Jr."\n"Sean","O""Brien"'
    response = send(staff_client, classroom, given)
    assert [(name, username) for name, username, _ in shown_rows(response)] == [
        ("Anna de Vries", "anna.devries"),
        ("John Smith, Jr.", "john.smithjr"),
        ("Sean O&quot;Brien", "sean.obrien"),
    ]
    assert User.objects.get(username="john.smithjr").last_name == "Smith, Jr."
    # and a quote never closed is a wrong line, which adds nobody
    response = send(staff_client, classroom, 'Bram, Bos\n"Cas, Dijk')
    assert "Line 2 (“&quot;Cas, Dijk”) has a quote that is never closed." in (
        response.content.decode()
    )
    assert classroom.students.count() == 3


def test_a_given_username_of_an_existing_account_is_refused_in_any_case(
    staff_client, classroom, make_user
):
    make_user("Anna", role="students")
    response = send(staff_client, classroom, "Bram, Bos\nAnna, Bos, anna\nCas, Dijk, c d\nDirk")
    html = response.content.decode()
    # every problem in one go, the wrong lines' and the usernames' of the others
    assert "Line 4 (“Dirk”) has no last name" in html
    assert "Line 2: the username “anna” belongs to an account already." in html
    assert "Line 3: the username “c d” may contain only letters, digits" in html
    assert not User.objects.filter(username__in=["bram.bos", "anna", "c d"]).exists()


on_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite's upper() folds ASCII letters only: the dotless i is no i there",
)
# "mila" with a dotless i (U+0131), which PostgreSQL's upper() folds as I, as the username index
# does, where Python's casefold() keeps it: the same username as "mila" to the database.
MILA = "m\u0131la"


@on_postgresql
@pytest.mark.parametrize(("theirs", "given"), [("mila", MILA), (MILA, "MILA")])
def test_a_given_username_is_taken_as_the_database_folds_it(
    staff_client, classroom, make_user, theirs, given
):
    make_user(theirs)
    html = send(staff_client, classroom, f"Mila, Bos, {given}").content.decode()
    assert f"Line 1: the username “{given}” belongs to an account already." in html
    assert not classroom.students.exists()


@on_postgresql
def test_made_usernames_are_numbered_past_usernames_the_database_folds_alike(
    staff_client, classroom, make_user
):
    make_user(f"{MILA}.bos")
    make_user("M\u0131LA.BOS2")
    response = send(staff_client, classroom, "Mila, Bos")
    assert [username for _, username, _ in shown_rows(response)] == ["mila.bos3"]


@on_postgresql
def test_a_made_username_is_not_one_given_on_another_line_as_the_database_folds_it(
    staff_client, classroom
):
    response = send(staff_client, classroom, f"Ayla, Kaya, {MILA}.bos\nMila, Bos")
    assert [username for _, username, _ in shown_rows(response)] == [f"{MILA}.bos", "mila.bos2"]


@on_postgresql
def test_a_username_given_twice_as_the_database_folds_it_is_refused(staff_client, classroom):
    response = send(staff_client, classroom, f"Mila, Bos, mila\nAyla, Kaya, {MILA}")
    assert "Lines 1 and 2 give the same username “mila”." in response.content.decode()
    assert not classroom.students.exists()


@pytest.mark.parametrize("wrong_line", ["", "\nDirk"])  # named with the list's wrong lines too
def test_a_username_given_twice_in_the_list_is_refused(staff_client, classroom, wrong_line):
    response = send(staff_client, classroom, "Anna, Bos, ab\nBram, Bos\nAnja, Bos, AB" + wrong_line)
    html = response.content.decode()
    assert "Lines 1 and 3 give the same username “ab”." in html
    assert ("Line 4 (“Dirk”) has no last name" in html) == bool(wrong_line)
    assert not classroom.students.exists()


def test_made_usernames_are_numbered_past_existing_accounts(staff_client, classroom, make_user):
    make_user("anna.bos", role="students")
    make_user("Anna.Bos2")
    response = send(
        staff_client, classroom, "Anna, Bos\nAnna, Bos\nÄnna, Bøs", same_names_allowed="on"
    )
    assert [username for _, username, _ in shown_rows(response)] == [
        "anna.bos3",
        "anna.bos4",
        "anna.bos5",
    ]


ADD_ANYWAY = "Add them anyway: these are different students of the same name"


def test_a_name_on_two_lines_adds_nobody_unless_staff_say_they_are_two_students(
    staff_client, classroom
):
    given = "Anna, Bos\nBram, Bos\nANNA, BOS\nCas, Dijk\nBram, Bos"
    # given a list with names on two lines: nobody is added, the lines are named
    response = send(staff_client, classroom, given)
    html = response.content.decode()
    assert "Nobody was added" in html
    assert "Lines 1 and 3 have the same name “Anna Bos”." in html
    assert "Lines 2 and 5 have the same name “Bram Bos”." in html
    assert User.objects.count() == 1 and not LogEntry.objects.exists()  # staff's own account
    # and staff are offered to add them anyway, unticked
    assert ADD_ANYWAY in html
    assert re.search(r'<input type="checkbox" name="same_names_allowed"(?![^>]*checked)', html)
    # when they tick it, every line is added
    response = send(staff_client, classroom, given, same_names_allowed="on")
    assert [username for _, username, _ in shown_rows(response)] == [
        "anna.bos",
        "bram.bos",
        "anna.bos2",
        "cas.dijk",
        "bram.bos2",
    ]


def test_the_offer_to_add_them_anyway_is_made_only_for_names_met_twice(staff_client, classroom):
    assert ADD_ANYWAY not in staff_client.get(page_url(classroom)).content.decode()
    assert ADD_ANYWAY not in send(staff_client, classroom, "Anna").content.decode()
    # but stays while it is ticked, to be unticked
    response = send(staff_client, classroom, "Anna", same_names_allowed="on")
    assert re.search(
        r'<input type="checkbox" name="same_names_allowed"[^>]* checked',
        (response.content.decode()),
    )


def test_a_student_of_the_class_is_not_added_again(staff_client, classroom, make_user, make_class):
    # given a class whose student Zoë de Vries has an account already
    zoe = make_user("zoe.devries", role="students", first_name="Zoë", last_name="de Vries")
    classroom.students.add(zoe)
    response = send(staff_client, classroom, "Sem, Bakker\nZoe, De Vries\nBram")
    html = response.content.decode()
    # then the list is refused, every problem named in one go
    assert "Line 2: Zoe De Vries is in 1A already (username zoe.devries)." in html
    assert "Line 3 (“Bram”) has no last name" in html
    assert ADD_ANYWAY in html
    assert list(classroom.students.all()) == [zoe]


def test_a_student_of_another_class_of_the_school_is_not_given_a_second_account(
    staff_client, classroom, make_user, make_class
):
    # given Zoë de Vries, a student of the school's class 1A
    zoe = make_user("zoe.devries", role="students", first_name="Zoë", last_name="de Vries")
    classroom.students.add(zoe)
    other = make_class("2B")
    # when she is pasted into 2B's list
    response = send(staff_client, other, "Sem, Bakker\nZoe, De Vries")
    # then nobody is added: the line names her account, her class, and how to move her
    html = response.content.decode().replace("&#x27;", "'")
    assert "Nobody was added" in html
    assert (
        "Line 2 (Zoe De Vries): a student of that name, zoe.devries, is in class 1A; to move them "
        "to 2B, remove them from 1A's students on its class page, then choose them among 2B's "
        "students on its page; if this is a different student, tick “Add them anyway” below."
    ) in html
    assert ADD_ANYWAY in html
    assert not other.students.exists() and User.objects.count() == 2
    # and when staff tick that she is another student of that name, she is added
    response = send(staff_client, other, "Sem, Bakker\nZoe, De Vries", same_names_allowed="on")
    assert [username for _, username, _ in shown_rows(response)] == ["sem.bakker", "zoe.devries2"]
    assert list(classroom.students.all()) == [zoe]


def test_a_student_of_another_school_is_another_student(staff_client, classroom, make_user):
    zoe = make_user("zoe.devries", role="students", first_name="Zoë", last_name="de Vries")
    other_school = School.objects.create(name="Other School")
    Classroom.objects.create(school=other_school, name="1A").students.add(zoe)
    response = send(staff_client, classroom, "Zoe, De Vries")
    assert [username for _, username, _ in shown_rows(response)] == ["zoe.devries2"]


def test_the_schools_names_are_read_in_one_query_for_any_list(
    classroom, make_user, make_class, django_assert_num_queries
):
    for number, name in enumerate(["2A", "2B", "2C"]):
        make_class(name).students.add(make_user(f"kid{number}", first_name="Kid", last_name=name))
    given = [ListedStudent(n, "Kid", f"2{letter}") for n, letter in enumerate("ABCDEF", start=1)]
    with django_assert_num_queries(1):
        problems = services.class_same_name_problems(classroom, given)
    assert [p[: p.index(":")] for p in problems] == [
        "Line 1 (Kid 2A)",
        "Line 2 (Kid 2B)",
        "Line 3 (Kid 2C)",
    ]


def test_the_list_sent_again_as_a_new_form_adds_nobody_again(staff_client, classroom):
    # given a list added, then sent again from a new form (Back, and the browser kept the text)
    given = "Zoë, de Vries\nSem, Bakker"
    assert send(staff_client, classroom, given).status_code == 200
    response = send(staff_client, classroom, given)
    # then nobody gets a second account
    html = response.content.decode()
    assert "Line 1: Zoë de Vries is in 1A already (username zoe.devries)." in html
    assert "Line 2: Sem Bakker is in 1A already (username sem.bakker)." in html
    assert classroom.students.count() == 2 and User.objects.count() == 3


def test_a_student_added_to_the_class_meanwhile_is_not_added_again(
    staff_client, classroom, make_user, monkeypatch
):
    # given the list checked, and then the same name added to the class (another staff member's
    # list) before it is added: the check under the class's lock refuses it, nothing half-added
    checked = ClassListForm.clean_class_list

    def then_added_meanwhile(form: ClassListForm) -> Any:
        students = checked(form)
        classroom.students.add(make_user("sem.bakker", first_name="Sem", last_name="Bakker"))
        return students

    monkeypatch.setattr(ClassListForm, "clean_class_list", then_added_meanwhile)
    response = send(staff_client, classroom, "Anna, Bos\nSem, Bakker")
    html = response.content.decode()
    assert "Line 2: Sem Bakker is in 1A already (username sem.bakker)." in html
    assert ADD_ANYWAY in html
    assert not User.objects.filter(username="anna.bos").exists()
    assert not LogEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the school's row lock is PostgreSQL's (SQLite runs one writer at a time anyway)",
)
def test_the_same_list_sent_twice_at_once_is_added_once(classroom, make_user):
    # given a list being added, its transaction still open (a double click's first request)
    boss = make_user("boss", role="staff", is_superuser=True)
    sem = [ListedStudent(1, "Sem", "Bakker")]

    def add() -> list[Any]:
        return services.add_students_from_list(classroom=classroom, students=sem, actor=boss)

    def add_on_its_own_connection() -> list[Any]:
        try:
            return add()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as second, held_open(add) as first:
        # when the second request adds it meanwhile: it waits (for the school the class is in)
        again = second.submit(add_on_its_own_connection)
        waited_for_a_lock(again)
    # then the second is refused once the first has committed, and Sem has one account
    assert [student.username for student in first] == ["sem.bakker"]
    with pytest.raises(ClassListProblems) as refused:
        again.result(timeout=30)
    assert refused.value.problems == ("Line 1: Sem Bakker is in 1A already (username sem.bakker).",)
    assert list(classroom.students.values_list("username", flat=True)) == ["sem.bakker"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the school's row lock is PostgreSQL's (SQLite runs one writer at a time anyway)",
)
def test_one_student_listed_for_two_classes_at_once_is_added_once(classroom, make_class, make_user):
    # given Sem being added to 1A, its transaction still open, when 1B's list adds Sem meanwhile
    boss = make_user("boss", role="staff", is_superuser=True)
    other = make_class("1B")
    sem = [ListedStudent(1, "Sem", "Bakker")]

    def add_to(target: Any) -> list[Any]:
        return services.add_students_from_list(classroom=target, students=sem, actor=boss)

    def add_to_1b_on_its_own_connection() -> list[Any]:
        try:
            return add_to(other)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as second, held_open(lambda: add_to(classroom)) as first:
        again = second.submit(add_to_1b_on_its_own_connection)
        waited_for_a_lock(again)
    # then 1B's waits for the school, and is refused once 1A's has committed
    assert [student.username for student in first] == ["sem.bakker"]
    with pytest.raises(ClassListProblems) as refused:
        again.result(timeout=30)
    assert refused.value.same_names
    assert refused.value.problems[0].startswith(
        "Line 1 (Sem Bakker): a student of that name, sem.bakker, is in class 1A;"
    )
    assert not other.students.exists()


def test_a_list_over_the_maximum_adds_nobody(staff_client, classroom):
    given = "\n".join(f"Kid, Number{n}" for n in range(MAX_STUDENTS + 1))
    response = send(staff_client, classroom, given)
    assert (
        f"The list has {MAX_STUDENTS + 1} students; add at most {MAX_STUDENTS} at a time."
        in response.content.decode()
    )
    assert not classroom.students.exists()


def test_an_empty_list_is_refused(staff_client, classroom):
    assert send(staff_client, classroom, "").status_code == 200
    response = send(staff_client, classroom, "\n \n")
    assert "The list is empty" in response.content.decode()


@pytest.mark.parametrize("same_names_allowed", ["", "on"])
def test_the_same_form_sent_again_leads_to_the_page_of_its_passwords_and_adds_nobody(
    staff_client, classroom, same_names_allowed
):
    # given a list added (a given username: an account's once added) and its page shown
    list_id = str(uuid.uuid4())
    given = "Anna, Bos\nBram, Bos, bram"
    fields = {"same_names_allowed": same_names_allowed}
    shown = shown_rows(send(staff_client, classroom, given, list_id, **fields))
    # when the same form is sent again (a double click answered last, Back and send), also with
    # "Add them anyway" ticked
    again = post(staff_client, classroom, given, list_id, **fields)
    # then it leads to the same page, which shows the same passwords, and nobody was added again
    assert again.status_code == 303 and again["Location"] == added_url(classroom, list_id)
    assert shown_rows(staff_client.get(again["Location"])) == shown
    assert sorted(classroom.students.values_list("username", flat=True)) == ["anna.bos", "bram"]
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 1


def test_the_page_of_passwords_reloaded_within_its_minutes_shows_the_same_ones(
    staff_client, classroom, monkeypatch
):
    # given a list added and its page shown
    list_id = str(uuid.uuid4())
    shown = shown_rows(send(staff_client, classroom, "Anna, Bos\nBram, Bos", list_id))
    # when it is reloaded at once, and a moment before the passwords waited their minutes
    again = staff_client.get(added_url(classroom, list_id))
    clock_moved_on(monkeypatch, passwords_waiting.WAITS - timedelta(seconds=5))
    later = staff_client.get(added_url(classroom, list_id))
    # then each time it shows the same passwords, which log the students in; nobody added again
    assert shown_rows(again) == shown_rows(later) == shown
    assert all(logs_in(username, password) for _, username, password in shown)
    assert classroom.students.count() == 2


def test_the_page_of_passwords_after_its_minutes_says_they_were_shown_already(
    staff_client, classroom, monkeypatch
):
    # given a list added and its page shown
    list_id = str(uuid.uuid4())
    shown = shown_rows(send(staff_client, classroom, "Anna, Bos", list_id))
    # when it is reloaded once the passwords waited their minutes, or the form is sent again
    clock_moved_on(monkeypatch, passwords_waiting.WAITS)
    late = staff_client.get(added_url(classroom, list_id))
    again = send(staff_client, classroom, "Anna, Bos", list_id)
    # then it says they were shown already and how to give a student a new one, showing none
    for response in (late, again):
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        html = " ".join(response.content.decode().replace("&#x27;", "'").split())
        assert "<h1>The passwords of this list were shown already</h1>" in html
        assert "Nobody was added again; the passwords shown still work." in html
        assert "the class's teachers do so from the student's page in their reports" in html
        assert "staff set one on the student's page under Users" in html
        assert "<tbody>" not in html and shown[0][2] not in html
    # and the session keeps nothing of them; nobody was added again, the password shown works
    assert shown[0][2] not in kept_in_session(staff_client)
    assert classroom.students.count() == 1 and logs_in(shown[0][1], shown[0][2])


def test_passwords_not_shown_in_time_are_dropped_at_the_next_request_and_said_so(
    staff_client, classroom, monkeypatch
):
    # given a list added, the redirect to its page never followed
    list_id = str(uuid.uuid4())
    assert post(staff_client, classroom, "Anna, Bos", list_id).status_code == 303
    (anna,) = classroom.students.all()
    assert "anna.bos" in kept_in_session(staff_client)
    # when staff open any page once the passwords waited their minutes
    clock_moved_on(monkeypatch, passwords_waiting.WAITS)
    assert staff_client.get(reverse("admin:index")).status_code == 200
    # then the session keeps nothing of them, and the list's page says they were not shown in time
    assert "anna.bos" not in kept_in_session(staff_client)
    html = " ".join(staff_client.get(added_url(classroom, list_id)).content.decode().split())
    assert "<h1>The passwords of this list were not shown in time</h1>" in html
    assert "this page was not opened within 10 minutes of it" in html
    assert "<tbody>" not in html
    # and nobody was added again: Anna's account is the one made
    assert list(classroom.students.all()) == [anna]


def test_passwords_are_shown_in_the_session_that_added_them_only(
    staff_client, classroom, make_user, make_class
):
    # given a list added by one staff member, its page shown
    list_id = str(uuid.uuid4())
    shown = shown_rows(send(staff_client, classroom, "Anna, Bos", list_id))
    boss = User.objects.get(username="boss")
    # when another staff member, the same one logged in elsewhere, or the page of another class
    # asks for that list's page
    other_staff, elsewhere = Client(), Client()
    other_staff.force_login(make_user("other", role="staff", is_superuser=True))
    elsewhere.force_login(boss)
    other_class = make_class("1B")
    for response in (
        other_staff.get(added_url(classroom, list_id)),
        elsewhere.get(added_url(classroom, list_id)),
        staff_client.get(added_url(other_class, list_id)),
    ):
        # then it shows none of the passwords, and says where they are shown
        html = " ".join(response.content.decode().split())
        assert response.status_code == 200
        assert "<h1>No passwords to show</h1>" in html and shown[0][2] not in html
        assert "shown only in the browser that added it" in html
        # and, on 1A's page only, that the list was added there already
        said_added = "That list was added to 1A already" in html
        assert said_added == (response.wsgi_request.path == added_url(classroom, list_id))
    # and the page of the list still shows them where it was added
    assert shown_rows(staff_client.get(added_url(classroom, list_id))) == shown


def test_the_page_of_passwords_takes_no_form_and_what_adding_takes(
    staff_client, classroom, make_user
):
    list_id = str(uuid.uuid4())
    send(staff_client, classroom, "Anna, Bos", list_id)
    assert staff_client.post(added_url(classroom, list_id)).status_code == 405
    clerk = Client()
    clerk.force_login(staff_with(make_user, "change_classroom", "add_user"))
    assert clerk.get(added_url(classroom, list_id)).status_code == 403
    assert Client().get(added_url(classroom, list_id)).status_code == 302  # to log in


def test_the_same_form_sent_again_from_another_session_adds_nobody_and_says_so(
    staff_client, classroom
):
    # given a list added with "Add them anyway" ticked, whose checks then no longer refuse it
    list_id = str(uuid.uuid4())
    anyway = {"same_names_allowed": "on"}
    shown = shown_rows(send(staff_client, classroom, "Anna, Bos", list_id, **anyway))
    # when the same form is sent again from another session (logged in anew)
    staff_client.logout()
    staff_client.force_login(User.objects.get(username="boss"))
    again = post(staff_client, classroom, "Anna, Bos", list_id, **anyway)
    # then nobody gets a second account, and it leads to the list's page, which shows no password
    # (they are the other session's) and says the list was added already
    assert again.status_code == 303 and again["Location"] == added_url(classroom, list_id)
    assert list(classroom.students.values_list("username", flat=True)) == ["anna.bos"]
    html = " ".join(staff_client.get(again["Location"]).content.decode().split())
    assert "<h1>No passwords to show</h1>" in html and shown[0][2] not in html
    assert "That list was added to 1A already, so nobody was added again" in html
    assert "shown only in the browser that added it" in html


def test_a_list_refused_is_added_from_the_same_form_once_corrected(
    staff_client, classroom, make_user, monkeypatch
):
    # given a form whose list was refused by its checks, then by the adding itself (a username
    # taken meanwhile, found only by the database): neither used up the form's id
    list_id = str(uuid.uuid4())
    assert "has no last name" in send(staff_client, classroom, "Anna", list_id).content.decode()
    make_user("bram.bos")
    found = services.existing_usernames
    with monkeypatch.context() as meanwhile:
        meanwhile.setattr(
            services,
            "existing_usernames",
            lambda students: dataclasses.replace(found(students), usernames=frozenset()),
        )
        refused = send(staff_client, classroom, "Anna, Bos\nBram, Bos", list_id)
    assert "was added meanwhile: send the list again" in refused.content.decode()
    # when it is sent again from that form, then its students are added
    response = send(staff_client, classroom, "Anna, Bos\nBram, Bos", list_id)
    assert response.status_code == 200
    assert [username for _, username, _ in shown_rows(response)] == ["anna.bos", "bram.bos2"]


def test_the_same_list_id_is_added_once_by_the_service(classroom, make_user):
    # given a list added with its form's id
    boss = make_user("boss", role="staff", is_superuser=True)
    list_id = uuid.uuid4()
    sem = [ListedStudent(1, "Sem", "Bakker")]
    services.add_students_from_list(classroom=classroom, students=sem, actor=boss, list_id=list_id)
    # when the same id comes again, same names allowed: it adds nobody and says so
    with pytest.raises(ListAddedAlready):
        services.add_students_from_list(
            classroom=classroom, students=sem, actor=boss, list_id=list_id, same_names_allowed=True
        )
    assert list(classroom.students.values_list("username", flat=True)) == ["sem.bakker"]
    assert services.list_added_already(list_id, classroom)
    assert not services.list_added_already(uuid.uuid4(), classroom)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the school's row lock is PostgreSQL's (SQLite runs one writer at a time anyway)",
)
@pytest.mark.parametrize("anyway", [False, True], ids=["as-sent", "add-them-anyway"])
@pytest.mark.parametrize(
    "an_older_list", [False, True], ids=["first-list", "an-older-list-not-shown-in-time"]
)
def test_a_double_click_adds_the_list_once_and_both_sends_lead_to_its_passwords(
    classroom, make_user, anyway, an_older_list
):
    # given staff's double click on "Add these students": one form sent twice by one browser (one
    # session), the first send's transaction still open when the second arrives
    boss = make_user("boss", role="staff", is_superuser=True)
    first_click, second_click = Client(), Client()
    first_click.force_login(boss)
    session = settings.SESSION_COOKIE_NAME
    second_click.cookies[session] = first_click.cookies[session].value
    form = {"class_list": "Sem, Bakker\nAnna, Bos", "list_id": str(uuid.uuid4())}
    if anyway:  # the names' check is off: before, both sends added everyone
        form["same_names_allowed"] = "on"
    if an_older_list:  # whose passwords both sends drop from the session as they arrive
        kept = first_click.session
        kept[class_lists_added.SESSION_KEY] = class_lists_added.added(
            {},
            str(uuid.uuid4()),
            classroom.pk,
            [NewStudent("Noor", "El Amrani", "noor.elamrani", "abcdefghjk")],
            timezone.now() - passwords_waiting.WAITS,
        )
        kept.save()

    def second_send() -> Any:
        try:
            return second_click.post(page_url(classroom), form)
        finally:
            connection.close()

    with (
        ThreadPoolExecutor(max_workers=1) as second,
        held_open(lambda: first_click.post(page_url(classroom), form)) as first,
    ):
        again = second.submit(second_send)
        waited_for_a_lock(again)
    # then the second, once the first committed, adds nobody, and both lead to the list's page
    response = again.result(timeout=30)
    assert first.status_code == response.status_code == 303
    assert first["Location"] == response["Location"] == added_url(classroom, form["list_id"])
    assert sorted(classroom.students.values_list("username", flat=True)) == [
        "anna.bos",
        "sem.bakker",
    ]
    assert User.objects.count() == 3
    # and whichever answer the browser shows last, its page shows the passwords just made (the
    # second send, which read the session before the first saved them, did not write it back)
    shown = shown_rows(second_click.get(response["Location"]))
    assert [username for _, username, _ in shown] == ["sem.bakker", "anna.bos"]
    assert all(logs_in(username, password) for _, username, password in shown)


@pytest.mark.parametrize("theirs", ["bram.bos", "Bram.Bos"])  # in any case: the database's index
def test_a_username_taken_meanwhile_adds_nobody(
    staff_client, classroom, make_user, monkeypatch, theirs
):
    # Another account gets the username between the check and the insert.
    make_user(theirs)
    found = services.existing_usernames
    monkeypatch.setattr(
        services,
        "existing_usernames",
        lambda students: dataclasses.replace(found(students), usernames=frozenset()),
    )
    response = send(staff_client, classroom, "Anna, Bos\nBram, Bos")
    assert response.status_code == 200
    assert "was added meanwhile: send the list again" in response.content.decode()
    assert not User.objects.filter(username="anna.bos").exists()
    assert not LogEntry.objects.exists()


def test_a_teacher_or_student_is_sent_to_the_admin_log_in(client, classroom, make_user):
    for role in ("teachers", STUDENTS):
        client.force_login(make_user(f"a-{role}", role=role))
        assert client.get(page_url(classroom)).status_code == 302
        response = send(client, classroom, "Anna, Bos")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not User.objects.filter(username="anna.bos").exists()


@pytest.mark.parametrize(
    "codenames",
    [
        ("change_classroom", "add_user"),  # adding users takes changing them too (as in Django)
        ("change_classroom", "change_user"),
        ("view_classroom", "add_user", "change_user"),
    ],
)
def test_staff_without_the_permissions_are_refused(client, classroom, make_user, codenames):
    client.force_login(staff_with(make_user, *codenames))
    assert client.get(page_url(classroom)).status_code == 403
    assert send(client, classroom, "Anna, Bos").status_code == 403
    assert not User.objects.filter(username="anna.bos").exists()
    page = client.get(reverse("admin:studyflow_classroom_change", args=[classroom.pk]))
    assert "Add students from a list" not in page.content.decode()


def test_staff_with_the_permissions_see_the_link_and_add(client, classroom, make_user):
    client.force_login(staff_with(make_user, "change_classroom", "add_user", "change_user"))
    page = client.get(reverse("admin:studyflow_classroom_change", args=[classroom.pk]))
    assert f'href="{page_url(classroom)}"' in page.content.decode()
    assert client.get(page_url(classroom)).status_code == 200
    assert send(client, classroom, "Anna, Bos").status_code == 200
    assert classroom.students.filter(username="anna.bos").exists()


def test_a_class_that_does_not_exist_is_not_found(staff_client, classroom):
    url = reverse("admin:studyflow_classroom_add_students", args=[classroom.pk + 1000])
    assert staff_client.get(url).status_code == 404


def test_the_new_students_can_be_picked_no_more_for_another_class(
    staff_client, classroom, make_class, school
):
    send(staff_client, classroom, "Anna, Bos")
    response = staff_client.post(
        reverse("admin:studyflow_classroom_add"),
        {"school": school.pk, "name": "1B", "students": [User.objects.get(username="anna.bos").pk]},
    )
    assert "anna.bos is already in class 1A" in response.content.decode()


@pytest.mark.parametrize("page", ["form", "errors", "passwords"])
def test_the_pages_have_no_inline_script_or_style(staff_client, classroom, page):
    # A Content-Security-Policy without 'unsafe-inline' is coming: behaviour and looks are files.
    if page == "form":
        response = staff_client.get(page_url(classroom))
    else:
        response = send(staff_client, classroom, "Anna" if page == "errors" else "Anna, Bos")
    html = response.content.decode()
    assert response.status_code == 200
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html)
    if page == "passwords":
        assert "studyflow/print_button.js" in html and "studyflow/class_list.css" in html


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_an_initial_password_is_hashed_at_full_strength_at_the_first_log_in(
    staff_client, classroom
):
    ((_, username, password),) = shown_rows(send(staff_client, classroom, "Anna, Bos"))
    stored = User.objects.get(username=username).password
    assert stored.startswith(f"pbkdf2_sha256${INITIAL_PASSWORD_ITERATIONS}$")
    assert authenticate(username=username, password=password) is not None
    rehashed = User.objects.get(username=username).password
    assert rehashed.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


def test_an_initial_password_is_ten_characters_without_look_alikes() -> None:
    passwords = {initial_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == INITIAL_PASSWORD_LENGTH
        assert set(password) <= set(INITIAL_PASSWORD_ALPHABET)
    assert not set("0o1liIO") & set(INITIAL_PASSWORD_ALPHABET)


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 14},
        }
    ]
)
def test_a_site_that_wants_longer_passwords_gets_longer_initial_ones() -> None:
    password = initial_password()
    assert len(password) >= 14 and set(password) <= set(INITIAL_PASSWORD_ALPHABET)
