"""Schemathesis against /api/v1/openapi.json, through Django's WSGI app: no input makes a
500, and every response matches the schema (status, content type, body)."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from laurel.api.v1 import api as v1_api

schema = schemathesis.openapi.from_dict(v1_api.get_openapi_schema())
schema.app = WSGIHandler()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_test_connection():
    # Django's WSGI handler closes the database connection after each request; the test
    # database lives in this test's transaction, so keep it open (as django.test.Client does).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_key(acme, group_factory, settings, keep_test_connection):
    from tests.api.conftest import keys_for

    settings.LAUREL_API_RATE_LIMIT_PER_KEY = 1_000_000
    settings.LAUREL_API_RATE_LIMIT_PER_IP = 1_000_000
    group_factory(acme, title="Fuzzed Course", custom_fields=["custom_grade"])
    return keys_for(acme).admin_key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_makes_a_500_or_breaks_the_schema(case, fuzz_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_key}"}, checks=CHECKS)
