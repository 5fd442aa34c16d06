"""Usernames unique in any case: a unique index on Django's user table, on the username folded.

Log-in takes a username in any case (studyflow.auth_backends), so `Student1` beside `student1`
would be one name for two accounts. Django's user model is not ours to give a constraint (the
migration state of `auth.User` is the auth app's), so the index is plain SQL that the state does
not know of; it folds with the database's own upper(), as Django's `iexact` lookups do, so that
what the forms check (`username__iexact`) is what the index refuses, and such a lookup may use it.

A site that has such accounts already is refused, not renamed: a username is what its person types
to log in, and which of the two should change, and telling them, is the operator's to decide.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.base import CommandError
from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Upper

INDEX = "auth_user_username_upper_uniq"


def refuse_usernames_that_clash(apps: Any, schema_editor: Any) -> None:
    """Usernames that differ only in case would make the index fail with a bare integrity error:
    name them, with what to do. A CommandError: `migrate` prints its message without a traceback."""
    User = apps.get_model("auth", "User")
    folded = User.objects.annotate(folded=Upper("username"))
    twins = (
        folded.values("folded")
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .values("folded")
    )
    accounts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    rows = folded.filter(folded__in=twins).order_by("folded", "pk")  # the older first
    for key, pk, username in rows.values_list("folded", "pk", "username"):
        accounts[key].append((pk, username))
    if not accounts:
        return
    example_pk, example = next(iter(accounts.values()))[-1]
    renamed = f"{example}.2"
    in_sql = renamed.replace("'", "''")  # a quote inside an SQL string is written twice
    # The upgrade has every process stopped: SQL or `manage.py shell` first, which need none; the
    # admin only with the web process started for it. And `migrate` applies each migration in a
    # transaction of its own, so those before this one in the run may be applied: only this one
    # changed nothing, and the next `migrate` goes on from here.
    raise CommandError(
        "Usernames must now differ in more than case, and these accounts' do not: "
        + "; ".join(
            " / ".join(f"{username} (id {pk})" for pk, username in twin)
            for twin in accounts.values()
        )
        + ". Rename all but one account of each, and tell its person the new name they log in "
        f"with: in SQL, UPDATE auth_user SET username = '{in_sql}' WHERE id = {example_pk}; or "
        'with python manage.py shell -c "from django.contrib.auth.models import User; '
        f'User.objects.filter(pk={example_pk}).update(username={renamed!r})"; or in the admin '
        "(Users) if you start the web process for it. Then run migrate again. This migration "
        "changed nothing; migrations before it in this run may have been applied, which is fine: "
        "migrate goes on from here."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("studyflow", "0004_any_case_names_replace_exact"),
    ]

    operations = [
        migrations.RunPython(refuse_usernames_that_clash, migrations.RunPython.noop),
        # One statement for PostgreSQL and SQLite alike (SQLite's upper() folds ASCII letters
        # only, as its case-insensitive lookups do).
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (upper(username))",
            f"DROP INDEX {INDEX}",
        ),
    ]
