"""URL converters."""

import uuid

from django.urls import register_converter


class AnyCaseUUIDConverter:
    """A UUID in any case: Django's `uuid` converter takes lower case only, and clients (Swift's
    uuidString, .NET's ToString("D").ToUpper()) send upper case. Views get a uuid.UUID; URLs built
    by reverse() are lower case."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value: uuid.UUID | str) -> str:
        return str(value).lower()


register_converter(AnyCaseUUIDConverter, "anyuuid")
