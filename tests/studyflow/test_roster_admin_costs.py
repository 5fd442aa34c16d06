"""The roster admin's pages at a school group's size: their queries and templates do not grow with
the classes and students listed (bench/staff_pages.py times them with 100 classes of 30)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CLASSES = 12
# The pages' own queries (session, user, the list or object, its related rows), whatever the
# number of classes: a query a class would pass it.
QUERIES = 8


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("boss", role="staff", is_superuser=True))
    return client


@pytest.fixture
def classes(make_user, make_class):
    teacher = make_user("juf", role="teachers")
    made = []
    for n in range(CLASSES):
        students = [make_user(f"kid{n}-{k}", role="students") for k in range(3)]
        made.append(make_class(f"{n + 1}A", teachers=(teacher,), students=tuple(students)))
    return made


def test_the_class_list_counts_every_class_in_one_query(
    staff_client, classes, django_assert_max_num_queries
):
    # a query a class (its number of students) made 100 classes 100 queries
    with django_assert_max_num_queries(QUERIES):
        response = staff_client.get(reverse("admin:studyflow_classroom_changelist"))
    html = response.content.decode()
    assert html.count('<td class="field-student_count">3</td>') == CLASSES
    # and the column sorts by it
    assert response.context["cl"].model_admin.student_count.admin_order_field == "student_total"


def test_the_school_page_names_its_classes_without_a_query_each(
    staff_client, classes, school, django_assert_max_num_queries
):
    # each class row's link names the class with its school ("1A (Roster School)")
    with django_assert_max_num_queries(QUERIES):
        response = staff_client.get(reverse("admin:studyflow_school_change", args=[school.pk]))
    assert response.content.decode().count(f"({school.name})") >= CLASSES


def test_the_school_page_writes_its_class_rows_inputs_without_a_template_each(
    staff_client, classes, school
):
    # given a school page with a row for each class (100 in a group), four <input>s a row
    response = staff_client.get(reverse("admin:studyflow_school_change", args=[school.pk]))
    html = response.content.decode()
    # then every row has its class's name, its id, its school and its delete box
    for n, classroom in enumerate(sorted(classes, key=lambda c: c.name)):
        row = f"classrooms-{n}"
        assert f'name="{row}-name" value="{classroom.name}"' in html
        assert f'<input type="hidden" name="{row}-id" value="{classroom.pk}"' in html
        assert f'<input type="hidden" name="{row}-school" value="{school.pk}"' in html
        assert f'<input type="checkbox" name="{row}-DELETE"' in html
    # and no <input> was rendered through a template of its own
    rendered = [template.name for template in response.templates]
    assert rendered.count("django/forms/widgets/input.html") < CLASSES


def test_the_class_page_writes_its_pickers_options_without_a_template_each(staff_client, classes):
    # given a class page offering every student of the school (36 here, 3,000 in a group)
    response = staff_client.get(reverse("admin:studyflow_classroom_change", args=[classes[0].pk]))
    html = response.content.decode()
    students = html[html.index('<select name="students"') :]
    students = students[: students.index("</select>")]
    # then every student is an option, this class's own chosen
    assert students.count("<option value=") == 3 * CLASSES
    assert students.count(" selected>") == 3
    # and no option was rendered through a template of its own
    rendered = [template.name for template in response.templates]
    assert rendered.count("django/forms/widgets/select_option.html") < CLASSES
