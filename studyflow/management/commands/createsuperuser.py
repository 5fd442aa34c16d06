"""`manage.py createsuperuser`: Django's, refusing a username that is another account's in another
case as it refuses the exact one ("Error: That username is already taken.").

Usernames are unique in any case (studyflow migration 0005's index on upper(username)); Django's
command checks only the exact spelling, so `--username Admin` beside `admin` got past its check
and met the index as an IntegrityError traceback. Its one check serves both the prompt (which asks
again) and --noinput (a CommandError), so that check is what is extended here.

This command replaces Django's because studyflow is listed before django.contrib.auth in
INSTALLED_APPS (the first app listed wins a command's name).
"""

from __future__ import annotations

from django.contrib.auth.management.commands import createsuperuser


class Command(createsuperuser.Command):
    def _validate_username(
        self, username: str, verbose_field_name: str, database: str
    ) -> str | None:
        # Django's own check (the stubs leave this private method out): exact, blank, valid.
        error: str | None = super()._validate_username(  # type: ignore[misc]
            username, verbose_field_name, database
        )
        if error is None and self.taken_in_any_case(username, database):
            return f"Error: That {verbose_field_name} is already taken."
        return error

    def taken_in_any_case(self, username: str, database: str) -> bool:
        # iexact: the database's own folding, upper(), as the index folds (not Python's).
        users = self.UserModel._default_manager.db_manager(database)
        return users.filter(**{f"{self.username_field.name}__iexact": username}).exists()
