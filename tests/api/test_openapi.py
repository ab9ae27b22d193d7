"""The OpenAPI 3.1 document is generated from the route table, and the API keeps to it:
schemathesis sends generated requests to every operation (a bounded number of examples) and
checks there is no 5xx and that every response matches its documented status, type and schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis import GenerationMode, checks

from portal.api.resources import ROUTES


def test_document_lists_every_route_and_parameter(real_client):
    response = real_client.get("/api/v1/openapi.json")  # no key needed
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {r.path for r in ROUTES}
    for route in ROUTES:
        operation = doc["paths"][route.path]["get"]
        assert operation["operationId"] == route.name
        assert [p["name"] for p in operation["parameters"]] == [p.name for p in route.all_params]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        if route.paginated:
            assert ok["required"] == ["count", "next", "previous", "results"]
            assert ok["properties"]["results"]["items"]["$ref"].endswith(route.response.__name__)
        else:
            assert ok["$ref"].endswith(route.response.__name__)
    figure = doc["components"]["schemas"]["Figure"]
    assert {"period", "source", "synthetic"} <= set(figure["required"])
    OpenAPIV31SpecValidator(doc).validate()  # raises on any departure from OpenAPI 3.1


def test_docs_page_describes_each_endpoint(real_client):
    response = real_client.get("/api/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for route in ROUTES:
        assert f"GET /api/v1{route.path}" in html
    assert 'href="/api/keys"' in html and 'href="/api/v1/openapi.json"' in html


@pytest.fixture(scope="module")
def api_schema(real_app):
    with real_app.test_client() as client:
        document = client.get("/api/v1/openapi.json").get_json()
    return schemathesis.openapi.from_dict(document)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation_id", [r.name for r in ROUTES])
def test_generated_requests_match_the_document(api_schema, real_app, real_key, operation_id, mode):
    """Valid and invalid generated requests alike: never a 5xx, always the documented shape."""
    operation = api_schema.find_operation_by_id(operation_id)
    headers = {"Authorization": f"Bearer {real_key}"}

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(app=real_app, headers=headers, checks=CHECKS)

    run()
