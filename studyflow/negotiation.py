"""Content negotiation for API views that answer with a file."""

from collections.abc import Iterable

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class FileDownload(DefaultContentNegotiation):
    """For views that answer with a file of their own: whatever the client accepts (the file's
    own type included), errors are JSON. DRF would refuse an `Accept: text/csv` with a 406, as
    only its JSON renderer is configured."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)
