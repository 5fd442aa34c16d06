"""What the quiz API's views share: the largest id a client may send, and the `Link` header to
a list's next page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

MAX_ID = 2**63 - 1


def next_page_link(request: Request, **params: Any) -> str:
    """An RFC 8288 Link header to the same list with `params` for its next page. A path, not an
    absolute URL: the client resolves it against the URL it asked for. Behind the site's HTTPS
    proxy this server sees plain HTTP, and an http:// link would have the client send its token
    in the clear."""
    return f'<{request.path}?{urlencode(params)}>; rel="next"'


def next_page_header(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "Link",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[200],
        description=(
            f'Only when there is more: `<path>; rel="next"`, the path of {what} on this site '
            "(resolve it against the request's URL)."
        ),
    )
