"""`Idempotency-Key` -> command id.

The quiz services are idempotent by command id (event ids derive from it), so the key only has to
map deterministically to a command id. It is scoped per user, so two users' keys never collide; one
user's key names one request, whatever the endpoint: sent again with another action, quiz, chapter
or answer, the services refuse it (`command_id_reused`), as the IETF draft on the header and
payment APIs do, rather than apply a second command under a key the client already used.
"""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request

HEADER = "Idempotency-Key"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.UUID,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A UUID chosen by the client. Repeating the request with the same key returns the same "
        "response and records nothing new. The same key with a different request (another "
        "answer, action, quiz or chapter) records nothing either: 409 `command_id_reused`, or "
        "the first request's own 409 again when that one was refused."
    ),
)


def command_id_for(key: str | None, *, user_id: int) -> uuid.UUID:
    """Pure: the command id for a client key (a fresh one when there is no key)."""
    if key is None:
        return uuid.uuid4()
    try:
        parsed = uuid.UUID(key.strip())
    except ValueError as error:
        raise exceptions.ValidationError(
            {HEADER: ["Must be a UUID, e.g. 3f2b8c1e-0d4a-4c7e-9a55-1b2c3d4e5f60."]}
        ) from error
    return uuid.uuid5(parsed, f"user:{user_id}")


def command_id_from(request: Request) -> uuid.UUID:
    user_id = request.user.pk
    assert user_id is not None, "command endpoints require an authenticated user"
    return command_id_for(request.headers.get(HEADER), user_id=int(user_id))
