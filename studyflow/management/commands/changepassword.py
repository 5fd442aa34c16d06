"""`manage.py changepassword`: Django's, finding the account in any case, as logging in does
(`changepassword Admin` is admin's password). Django's looks the username up exactly, and said
"user 'Admin' does not exist" of an account its owner logs in to as Admin.

Usernames are unique in any case (studyflow migration 0005), so the spelling given names at most
one account; its stored spelling is handed to Django's command. This command replaces Django's as
createsuperuser's does (studyflow comes before django.contrib.auth in INSTALLED_APPS).
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword


class Command(changepassword.Command):
    def handle(self, *args: Any, **options: Any) -> str | None:
        username = options["username"] or getpass.getuser()
        users = get_user_model()._default_manager.using(options["database"])
        field = get_user_model().USERNAME_FIELD
        # iexact: the database's own folding, upper(), as the index folds (not Python's).
        stored = users.filter(**{f"{field}__iexact": username}).values_list(field, flat=True)
        found = list(stored[:2])
        if len(found) == 1:
            options["username"] = found[0]
        return super().handle(*args, **options)
