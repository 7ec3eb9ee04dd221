"""Schemathesis reads our own OpenAPI document and sends each operation what the document
allows and what it forbids (positive and negative data), with a live key of a customer who
may send orders. No answer may be a 500, and every answer must match the document (status
codes, content types, bodies, headers)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from koppeling.tests.conftest import subscribe
from webshop.tests.conftest import accept_processor_agreement, new_key

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The project runs as a WSGI app in this process, inside the test's transaction: like
    Django's test client, it must not close the database connection after each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def live_key(customer, settings):
    settings.WEBSHOP_API_REQUESTS_PER_MINUTE = 100_000
    subscribe(customer)
    accept_processor_agreement(customer)
    return new_key(customer)


def _document():
    from portal.wsgi import application
    from webshop.api import api

    document = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    document.app = application
    document.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=60, deterministic=True
    )
    return document


schema = _document()


@schema.parametrize()
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # one customer and key for all inputs
@pytest.mark.django_db
def test_no_input_from_the_document_breaks_the_api(case, live_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {live_key}"}, checks=CHECKS)
