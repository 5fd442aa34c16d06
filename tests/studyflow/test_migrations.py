"""The roster's migrations, run backwards and forwards on a real database."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from studyflow.taken_meanwhile import unique_violation

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("studyflow", "0002_roles_groups")
ANY_CASE = ("studyflow", "0003_names_unique_in_any_case")


def migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


def test_names_that_differ_only_in_case_are_named_before_the_constraint() -> None:
    from studyflow.models import Classroom, School

    migrate(BEFORE)
    try:
        # given a roster from before, with names that differ only in case
        demo = School.objects.create(name="Demo School")
        School.objects.create(name="demo school")
        Classroom.objects.create(school=demo, name="2A")
        Classroom.objects.create(school=demo, name="2a")
        # when migrating, then the clashes are named, and nothing is half done
        with pytest.raises(ValueError, match=r"2A / 2a in Demo School; Demo School / demo school"):
            migrate(ANY_CASE)
        # and once renamed, it goes through
        School.objects.filter(name="demo school").update(name="Demo School (old)")
        Classroom.objects.filter(name="2a").update(name="2C")
        migrate(ANY_CASE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


BEFORE_USERNAMES = ("studyflow", "0004_any_case_names_replace_exact")
USERNAMES_ANY_CASE = ("studyflow", "0005_usernames_unique_in_any_case")


def test_usernames_that_differ_only_in_case_are_named_before_the_index() -> None:
    users = get_user_model().objects
    migrate(BEFORE_USERNAMES)
    try:
        # given accounts from before, some of whose usernames differ only in case
        users.create_user("anna")
        users.create_user("Anna")
        users.create_user("ANNA")
        bram = users.create_user("bram")
        users.create_user("BRAM")
        users.create_user("cas")
        # when migrating, then each such set is named with the accounts' ids, and how to rename
        with pytest.raises(CommandError) as refused:
            migrate(USERNAMES_ANY_CASE)
        message = str(refused.value)
        ids = dict(users.values_list("username", "pk"))
        assert f"anna (id {ids['anna']}) / Anna (id {ids['Anna']}) / ANNA (id {ids['ANNA']}); " in (
            message
        )
        assert f"bram (id {ids['bram']}) / BRAM (id {ids['BRAM']}). Rename" in message
        assert f"(id {ids['cas']})" not in message
        assert f"UPDATE auth_user SET username = 'ANNA.2' WHERE id = {ids['ANNA']};" in message
        # and the way that needs no web process (the upgrade has them all stopped) before the admin
        shell = (
            'python manage.py shell -c "from django.contrib.auth.models import User; '
            f"User.objects.filter(pk={ids['ANNA']}).update(username='ANNA.2')\""
        )
        assert shell in message
        assert message.index(shell) < message.index("in the admin (Users) if you start the web")
        # and it says what was done: nothing by this migration, while earlier ones may be applied
        assert "This migration changed nothing; migrations before it in this run may have" in (
            message
        )
        assert "Nothing has been changed" not in message
        # and nothing is half done: no index yet
        users.create_user("Cas")
        # and once renamed (or deleted), it goes through
        users.filter(username__in=["Anna", "Cas"]).delete()
        users.filter(username="ANNA").update(username="anna.2")
        users.filter(pk=bram.pk).update(username="bram.old")
        migrate(USERNAMES_ANY_CASE)
        assert sorted(users.values_list("username", flat=True)) == [
            "BRAM",
            "anna",
            "anna.2",
            "bram.old",
            "cas",
        ]
    finally:
        users.all().delete()  # a failure above leaves twins that the way back refuses
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_sql_suggested_to_rename_a_username_with_a_quote_runs() -> None:
    users = get_user_model().objects
    migrate(BEFORE_USERNAMES)
    try:
        # given accounts from before whose usernames, with a quote, differ only in case
        users.create_user("o'neil")
        newer = users.create_user("O'Neil")
        with pytest.raises(CommandError) as refused:
            migrate(USERNAMES_ANY_CASE)
        # when the SQL that the message suggests is run as it stands
        (suggested,) = re.findall(r"UPDATE auth_user SET .* WHERE id = \d+;", str(refused.value))
        with connection.cursor() as cursor:
            cursor.execute(suggested)
        # then it renames that account, and the migration goes through
        newer.refresh_from_db()
        assert newer.username == "O'Neil.2"
        migrate(USERNAMES_ANY_CASE)
    finally:
        users.all().delete()  # a failure above leaves twins that the way back refuses
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_database_refuses_a_username_in_another_case() -> None:
    users = get_user_model().objects
    student = users.create_user("student1")
    # a new account, or one renamed, to another's username in another case
    for username in ("Student1", "STUDENT1"):
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            users.create_user(username)
        assert unique_violation(refused.value)
    other = users.create_user("student2")
    other.username = "sTuDeNt1"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    # while one's own username may change case, and other names are free
    student.username = "Student1"
    student.save()
    users.create_user("student1.b")
    # and the index goes with the migration, backwards
    migrate(BEFORE_USERNAMES)
    try:
        users.create_user("STUDENT1")
    finally:
        users.filter(username="STUDENT1").delete()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    with pytest.raises(IntegrityError), transaction.atomic():
        users.create_user("STUDENT1")
