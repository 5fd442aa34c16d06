"""Log-in with the username in any case: `STUDENT1` is student1, on every way in (the log-in
page, the admin's, `POST /api/auth/token/`), since they all ask Django's authenticate().

A pupil types their username as a phone capitalises it, or as the printed list seemed to read.
Usernames are unique in any case (the database's index, studyflow migration 0005, and every form
that sets one), so a username in any case names one account at most.

The failed log-ins counted per account (studyflow.login_guard) key on the username folded at
least as far as upper() folds it, so `STUDENT1` and `student1` share one count.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

from studyflow import roles


def account_named(username: str) -> Any | None:
    """The account of this username, in any case. One query, which the index serves: it folds as
    `iexact` does (upper())."""
    users = get_user_model()._default_manager
    field = get_user_model().USERNAME_FIELD
    try:
        return users.get(**{f"{field}__iexact": username})
    except ObjectDoesNotExist:
        return None


class AnyCaseUsernameBackend(ModelBackend):
    """Django's ModelBackend, finding the account by account_named.

    It decides every username-and-password log-in: a refusal raises PermissionDenied, which ends
    authenticate() there, so that the ModelBackend listed after it (settings) does not hash the
    password a second time. ModelBackend stays listed for the sessions it logged in before this
    backend came: Django keeps a session only while the backend that made it is listed.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None  # not a username and password: another backend's to judge
        user = account_named(username)
        if user is None:
            # Hash once all the same: an unknown username takes as long as a wrong password
            # (Django's #20760).
            get_user_model()().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            return user
        raise PermissionDenied

    def get_user(self, user_id: Any) -> Any | None:
        """ModelBackend's, with the user's roles read in the same query (roles.with_roles): every
        request's user is asked them, in a query of its own otherwise."""
        users = roles.with_roles(get_user_model()._default_manager.filter(pk=user_id))
        user = users.first()
        if user is None:
            return None
        roles.remember_roles(user)
        return user if self.user_can_authenticate(user) else None

    async def aauthenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any | None:
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
