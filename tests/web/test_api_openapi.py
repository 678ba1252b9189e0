"""The OpenAPI document: valid OpenAPI 3.1, readable as a page, and true to the API. A
bounded schemathesis run calls every operation over HTTP, against the app served on loopback,
with a valid key: no answer is a 5xx, and every status, content type and body is one the
document declares."""
from __future__ import annotations

import threading

import pytest
from helpers import FIXED_NOW
from hypothesis import HealthCheck, given, settings
from platform_support import bearer, link_candidate, platform_with_key

EXAMPLES_PER_OPERATION = 20


def test_the_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json
    validate(document)
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/api/v1/attempts"]["get"]
    assert operation["security"] == [{"bearer": ["results:read"]}]
    assert {p["name"] for p in operation["parameters"]} == \
        {"assessment", "status", "since", "cursor", "limit"}
    create = document["paths"]["/api/v1/invitations"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert set(create["responses"]) >= {"201", "401", "403", "409", "422", "429"}
    assert "text/csv" in \
        document["paths"]["/api/v1/exports/results.csv"]["get"]["responses"]["200"]["content"]


def test_the_reference_page_needs_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "GET /api/v1/candidates/{external_id}" in page.text
    assert "Requires the scope `results:read`." in page.text
    assert 'id="schema-AttemptOut"' in page.text
    assert "<script" not in page.text and "cdn" not in page.text.lower()


@pytest.fixture
def seeded(app, imported, make_user):
    _, key = platform_with_key(app)
    link_candidate(app, key, make_user("ann@example.org"), "worker-1")
    return key


def test_every_operation_keeps_to_the_document(app, seeded):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    from werkzeug.serving import make_server
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # not what this test is about
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        schema = schemathesis.openapi.from_url(
            f"http://127.0.0.1:{server.port}/api/v1/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 17
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck), derandomize=True)
            def call(case):
                case.call_and_validate(headers=bearer(seeded), checks=checks)
            call()
    finally:
        server.shutdown()
        thread.join(10)
    assert FIXED_NOW  # the app's clock stays fixed: invitations never expire mid-run
