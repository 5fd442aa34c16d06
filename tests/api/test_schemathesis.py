"""Schemathesis against /api/schema/: generated requests never get a 5xx; responses match it.

The schema is loaded through the WSGI app (no server), so every call runs in the test's own database
transaction. Bounded: at most 20 examples per operation, once as a student and once as staff.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from studyflow.wsgi import application
from tests.api.conftest import School2

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("caller", ["student1", "admin"])
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_conforms_to_its_schema(case, caller: str, school: School2) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {school.tokens[caller]}"}, checks=CHECKS
    )
