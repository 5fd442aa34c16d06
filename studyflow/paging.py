"""What the API's paged lists share: the `Link` header to a list's next page, and its place in
the schema. (Here, beside studyflow.api, so that the roster's list and the quiz API's lists use
the one helper without the quiz API and studyflow.api importing each other.)"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request


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
