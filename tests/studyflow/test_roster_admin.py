"""The class admin: pickers limited to the right group; one class per student."""

import pytest
from django.urls import reverse

from studyflow.models import Classroom
from tests.change_pages import names_on_the_page
from tests.saved_meanwhile import saved_meanwhile

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    admin = make_user("boss", role="staff", is_superuser=True)
    client.force_login(admin)
    return client


def test_pickers_offer_only_teachers_and_students(staff_client, make_user):
    teacher = make_user("juf", role="teachers")
    student = make_user("leerling", role="students")
    make_user("outsider")
    response = staff_client.get(reverse("admin:studyflow_classroom_add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields["teachers"].queryset) == [teacher]
    assert list(form.fields["students"].queryset) == [student]


def test_pickers_list_people_by_name(staff_client, make_user):
    make_user("student10", role="students", first_name="Anna", last_name="de Vries")
    make_user("student2", role="students", first_name="Bram", last_name="Bakker")
    make_user("student3", role="students")  # no name: the username alone
    response = staff_client.get(reverse("admin:studyflow_classroom_add"))
    field = response.context["adminform"].form.fields["students"]
    assert [label for _, label in field.choices] == [
        "student3",
        "Bram Bakker (student2)",
        "Anna de Vries (student10)",
    ]


def test_the_student_picker_says_who_is_in_another_class_and_makes_no_accounts(
    staff_client, make_user, make_class
):
    busy = make_user("busy", role="students", first_name="Anna", last_name="Bos")
    make_user("free", role="students")
    make_class("2A", students=(busy,))
    response = staff_client.get(reverse("admin:studyflow_classroom_add"))
    field = response.context["adminform"].form.fields["students"]
    school = busy.classes.get().school.name  # class names repeat from school to school
    assert [label for _, label in field.choices] == ["free", f"Anna Bos (busy), in 2A ({school})"]
    # no "+" beside the pickers: an account made there is in no group, so never a choice
    html = response.content.decode()
    assert 'id="add_id_students"' not in html and 'id="add_id_teachers"' not in html
    assert "add the user under Users with that group first" in html


def test_a_class_is_saved_with_its_teacher_and_students(staff_client, make_user, school):
    teacher = make_user("juf", role="teachers")
    students = [make_user(f"kid{n}", role="students") for n in range(3)]
    response = staff_client.post(
        reverse("admin:studyflow_classroom_add"),
        {
            "school": school.pk,
            "name": "1B",
            "teachers": [teacher.pk],
            "students": [s.pk for s in students],
        },
    )
    assert response.status_code == 302, response.content
    classroom = Classroom.objects.get(name="1B")
    assert list(classroom.teachers.all()) == [teacher]
    assert set(classroom.students.all()) == set(students)


def test_a_student_already_in_another_class_is_refused(staff_client, make_user, make_class, school):
    student = make_user("busy", role="students")
    make_class("2A", students=(student,))
    response = staff_client.post(
        reverse("admin:studyflow_classroom_add"),
        {"school": school.pk, "name": "2B", "students": [student.pk]},
    )
    assert response.status_code == 200
    assert "busy is already in class 2A" in response.content.decode()
    assert not Classroom.objects.filter(name="2B").exists()


def test_saving_a_class_again_keeps_its_own_students(staff_client, make_user, make_class, school):
    student = make_user("stay", role="students")
    classroom = make_class("2A", students=(student,))
    response = staff_client.post(
        reverse("admin:studyflow_classroom_change", args=[classroom.pk]),
        {"school": school.pk, "name": "2A-renamed", "students": [student.pk]},
    )
    assert response.status_code == 302, response.content
    classroom.refresh_from_db()
    assert classroom.name == "2A-renamed"


@pytest.mark.django_db(transaction=True)
def test_a_student_with_recent_commands_can_be_deleted(staff_client, make_user):
    import uuid

    from quiz import services
    from quiz.models import CommandOutcome
    from tests.pages_data import make_chapter

    student = make_user("leaver", role="students")
    chapter = make_chapter()
    for _ in range(2):  # the second start only finds the open quiz: an outcome row
        services.start_quiz(actor=student, chapter_id=chapter.pk, command_id=uuid.uuid4())
    assert CommandOutcome.objects.filter(actor=student).exists()
    url = reverse("admin:auth_user_delete", args=[student.pk])
    page = staff_client.get(url).content.decode()
    assert "permission to delete" not in page
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not CommandOutcome.objects.filter(actor_id=student.pk).exists()


def test_names_differing_only_in_case_are_refused(staff_client, make_class, school):
    from studyflow.models import School

    make_class("2A")
    refused = staff_client.post(
        reverse("admin:studyflow_school_add"), {"name": school.name.upper()}
    )
    assert refused.status_code == 200
    assert "There is a school of this name already (in any case)." in refused.content.decode()
    response = staff_client.post(
        reverse("admin:studyflow_classroom_add"), {"school": school.pk, "name": "2a"}
    )
    assert response.status_code == 200
    assert "This school has a class of this name already (in any case)." in (
        response.content.decode()
    )
    assert not Classroom.objects.filter(name="2a").exists()
    # another school may have its own 2a
    other = School.objects.create(name="Elsewhere")
    response = staff_client.post(
        reverse("admin:studyflow_classroom_add"), {"school": other.pk, "name": "2a"}
    )
    assert response.status_code == 302


def inline_form(school_name: str, rows: list[tuple[int | None, str]]) -> dict[str, object]:
    """The school admin's form with its class rows (id or None for a new one, name)."""
    data: dict[str, object] = {
        "name": school_name,
        "classrooms-TOTAL_FORMS": str(len(rows)),
        "classrooms-INITIAL_FORMS": str(sum(pk is not None for pk, _ in rows)),
    }
    for n, (pk, name) in enumerate(rows):
        data[f"classrooms-{n}-name"] = name
        if pk is not None:
            data[f"classrooms-{n}-id"] = str(pk)
    return data


def test_the_school_form_refuses_class_names_differing_only_in_case(staff_client, make_class):
    from studyflow.models import School

    # two new classes at once, on a new school (spaces as they read)
    response = staff_client.post(
        reverse("admin:studyflow_school_add"),
        inline_form("Nieuwe School", [(None, "2 B"), (None, "2  b")]),
    )
    assert response.status_code == 200
    assert "differ only in case" in response.content.decode()
    assert not School.objects.filter(name="Nieuwe School").exists()
    # a new class beside an existing one
    existing = make_class("2A")
    url = reverse("admin:studyflow_school_change", args=[existing.school.pk])
    data = inline_form(existing.school.name, [(existing.pk, "2A"), (None, "2a")])
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "differ only in case" in response.content.decode()
    assert not Classroom.objects.filter(name="2a").exists()


def test_names_are_kept_on_one_line_with_single_spaces(staff_client, school):
    from studyflow.models import School

    response = staff_client.post(
        reverse("admin:studyflow_school_add"),
        inline_form(f"  {school.name.replace(' ', '   ')} ", []),
    )
    assert response.status_code == 200  # the same name as it reads: refused
    assert "There is a school of this name already" in response.content.decode()
    response = staff_client.post(
        reverse("admin:studyflow_school_add"), inline_form("Het  Lyceum", [])
    )
    assert response.status_code == 302
    assert School.objects.filter(name="Het Lyceum").exists()
    response = staff_client.post(
        reverse("admin:studyflow_classroom_add"), {"school": school.pk, "name": "2\tC"}
    )
    assert response.status_code == 302
    assert Classroom.objects.filter(school=school, name="2 C").exists()


def test_the_page_of_a_refused_rename_names_the_school_as_stored(staff_client, make_class):
    from studyflow.models import School

    # given Roster School with its class 2A, and another school North
    classroom = make_class("2A")
    school = classroom.school
    School.objects.create(name="North")
    # when staff rename it "north" (North's name, in another case) and the save is refused
    url = reverse("admin:studyflow_school_change", args=[school.pk])
    response = staff_client.post(url, inline_form("north", [(classroom.pk, "2A")]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["name"]
    # then the page names the school as it is stored, and so does its class's row
    assert response.context["subtitle"] == "Roster School"
    assert names_on_the_page(response) == ("Error: Roster School", "Roster School", "Roster School")
    html = response.content.decode()
    assert "2A (Roster School)" in html and "2A (north)" not in html
    # while the form keeps what was typed, to correct it
    assert form["name"].value() == "north"
    # and nothing was saved
    school.refresh_from_db()
    assert school.name == "Roster School"
    # until the name is one no other school has
    response = staff_client.post(url, inline_form("Noord", [(classroom.pk, "2A")]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert str(Classroom.objects.get(pk=classroom.pk)) == "2A (Noord)"


def test_the_page_of_a_refused_rename_names_the_class_as_stored(staff_client, make_class):
    # given the classes 2A and 2B of Roster School
    classroom = make_class("2A")
    make_class("2B")
    stored = "2A (Roster School)"
    # when staff rename 2A "2b" (2B's name, in another case) and the save is refused
    url = reverse("admin:studyflow_classroom_change", args=[classroom.pk])
    typed = {"school": classroom.school_id, "name": "2b"}
    response = staff_client.post(url, typed)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["name"]
    # then the page names the class as it is stored, not as typed
    assert response.context["subtitle"] == stored
    assert names_on_the_page(response) == (f"Error: {stored}", stored, stored)
    assert "2b (Roster School)" not in response.content.decode()
    # while the form keeps what was typed, to correct it
    assert form["name"].value() == "2b"
    # and nothing was saved
    classroom.refresh_from_db()
    assert classroom.name == "2A"
    # until the name is one the school has no class of
    response = staff_client.post(url, typed | {"name": "2C"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    classroom.refresh_from_db()
    assert str(classroom) == "2C (Roster School)"


# Two staff members saving one name at once: both forms pass their checks, and the second save
# meets the database's constraint. The other's save commits in another connection after this
# form was checked (tests.saved_meanwhile); the form comes back with the reason on the name.


@pytest.mark.django_db(transaction=True)  # the other staff member's save really commits
def test_a_school_of_a_name_saved_by_someone_else_meanwhile_is_a_form_error(staff_client):
    from studyflow.models import School

    with saved_meanwhile(School, lambda: School.objects.create(name="het LYCEUM")):
        response = staff_client.post(
            reverse("admin:studyflow_school_add"), inline_form("Het Lyceum", [(None, "1A")])
        )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["There is a school of this name already (in any case)."]
    }
    # nothing of the form was saved: the other's school alone, without the class
    assert list(School.objects.values_list("name", flat=True)) == ["het LYCEUM"]
    assert not Classroom.objects.exists()


@pytest.mark.django_db(transaction=True)  # the other staff member's save really commits
def test_a_class_of_a_name_saved_by_someone_else_meanwhile_is_a_form_error(
    staff_client, make_user, school
):
    student = make_user("kid", role="students")
    with saved_meanwhile(Classroom, lambda: Classroom.objects.create(school=school, name="2c")):
        response = staff_client.post(
            reverse("admin:studyflow_classroom_add"),
            {"school": school.pk, "name": "2C", "students": [student.pk]},
        )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["This school has a class of this name already (in any case)."]
    }
    classroom = Classroom.objects.get()
    assert classroom.name == "2c" and not classroom.students.exists()


@pytest.mark.django_db(transaction=True)  # the other staff member's save really commits
def test_a_class_row_of_a_name_saved_by_someone_else_meanwhile_is_a_form_error(
    staff_client, make_class
):
    existing = make_class("2A")
    school = existing.school
    with saved_meanwhile(Classroom, lambda: Classroom.objects.create(school=school, name="2b")):
        response = staff_client.post(
            reverse("admin:studyflow_school_change", args=[school.pk]),
            inline_form("Renamed School", [(existing.pk, "2A"), (None, "2B")]),
        )
    assert response.status_code == 200
    rows = response.context["inline_admin_formsets"][0].formset.forms
    assert rows[1].errors == {
        "name": ["This school has a class of this name already (in any case)."]
    }
    school.refresh_from_db()
    assert school.name == "Roster School"
    assert sorted(school.classrooms.values_list("name", flat=True)) == ["2A", "2b"]


@pytest.mark.django_db(transaction=True)  # the other staff member's save really commits
def test_a_username_saved_by_someone_else_meanwhile_is_a_form_error(staff_client):
    from django.contrib.auth import get_user_model

    users = get_user_model()
    with saved_meanwhile(users, lambda: users.objects.create_user("anna", password="pw")):
        response = staff_client.post(
            reverse("admin:auth_user_add"),
            {
                "username": "anna",
                "usable_password": "true",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
            },
        )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["username"]
    assert users.objects.filter(username="anna").count() == 1


@pytest.mark.django_db(transaction=True)  # the other staff member's save really commits
def test_a_group_name_saved_by_someone_else_meanwhile_is_a_form_error(staff_client):
    from django.contrib.auth.models import Group, Permission

    # given a staff member adding "editors" with a permission, while another adds "editors"
    # (committed) after the first one's form was checked and before it is saved
    permission = Permission.objects.get(codename="change_question")
    with saved_meanwhile(Group, lambda: Group.objects.create(name="editors")):
        response = staff_client.post(
            reverse("admin:auth_group_add"), {"name": "editors", "permissions": [permission.pk]}
        )
    # then the form comes back with the reason on the name (it was a server error), and nothing
    # of it was saved: the other's group alone, without the permission
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["Group with this Name already exists."]
    }
    group = Group.objects.get(name="editors")
    assert not group.permissions.exists()


def test_the_group_admin_is_djangos_own_but_for_a_name_taken_meanwhile():
    from django.contrib import admin
    from django.contrib.auth.admin import GroupAdmin
    from django.contrib.auth.models import Group

    from studyflow.taken_meanwhile import FormAgainWhenTaken

    group_admin = admin.site._registry[Group]
    assert isinstance(group_admin, GroupAdmin) and isinstance(group_admin, FormAgainWhenTaken)
    assert group_admin.filter_horizontal == ("permissions",)
