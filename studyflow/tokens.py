"""API tokens that do not outlive their purpose.

A token works for API_TOKEN_DAYS after it was issued; then the API answers 401 `token_expired`, and
logging in again (`POST /api/auth/token/`) issues a new one. A token is revoked when its user's
password changes, however it changes (the password page, the admin, `manage.py changepassword`):
resetting a password after a lost laptop also locks out whatever held the token.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = "Your token has expired. Log in again (POST /api/auth/token/) for a new one."
    default_code = "token_expired"


def lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


def has_expired(token: Token) -> bool:
    return token.created + lifetime() <= timezone.now()


def token_for(user: AbstractBaseUser) -> Token:
    """The user's token: the one they have while it works, else a new one."""
    token, created = Token.objects.get_or_create(user_id=user.pk)
    if not created and has_expired(token):
        # By key, then get_or_create: two log-ins renewing at once end with one new token.
        Token.objects.filter(key=token.key).delete()
        token, _ = Token.objects.get_or_create(user_id=user.pk)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if has_expired(token):
            raise TokenExpired()
        return user, token


def revoke_when_password_changes(
    sender: type[AbstractBaseUser],
    instance: AbstractBaseUser,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save of the user model: a new password hash revokes the user's token."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return  # a new user has no token; a log-in saves only last_login
    if getattr(instance, "_password", None) is None and instance.has_usable_password():
        # No new password was set: at most the same one hashed afresh (Django does that at a
        # log-in after an upgrade raised its hashing cost), which is no change of password.
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
