"""Bad input: 400 naming the parameter, the generic 404, 401, 405, 429; never a 500."""

import pytest
import sqlalchemy as sa

from portal import ratelimits
from portal.extensions import db
from portal.models import AuditEvent
from tests.api.conftest import ApiClient, make_key
from tests.conftest import make_app

NOT_FOUND = {"status": 404, "message": "Not found or access denied.", "parameter": None}
FIGURES = "/datasets/patients-registered/figures"


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/practices", {"pcn": "not a code"}, "pcn"),
        ("/practices", {"pcn": "NOSUCH"}, "pcn"),
        ("/practices", {"sub_icb": "ZZZ"}, "sub_icb"),
        ("/practices", {"icb": "QQQ9"}, "icb"),
        ("/practices", {"region": "Y99"}, "region"),
        ("/practices", {"status": "open"}, "status"),
        ("/practices", {"page": "0"}, "page"),
        ("/practices", {"page": "two"}, "page"),
        ("/practices", {"page_size": "501"}, "page_size"),
        ("/practices", {"format": "xml"}, "format"),
        ("/practices", {"pnc": "U89141"}, "pnc"),
        ("/practices", {"icb": ""}, "icb"),
        ("/practices/search", {}, "q"),
        ("/practices/search", {"q": " "}, "q"),
        ("/practices/search", {"q": "x" * 101}, "q"),
        (FIGURES, {}, "practice"),
        (FIGURES, {"practice": "A81001", "period": "December 2025"}, "period"),
        (FIGURES, {"practice": "A8100"}, "practice"),
        (FIGURES, {"practice": "A81001", "metric": "dna_rate"}, "metric"),
        (FIGURES, {"practice": "A81001", "metric": "nope"}, "metric"),
        ("/benchmarks/list_size", {}, "practice"),
        ("/practices/A81001", {"format": "csv"}, "format"),
        ("/organisations/pcn", {"parent": "QHM"}, "parent"),
        ("/organisations/region", {"parent": "Y63"}, "parent"),
        ("/organisations/pcn", {"parent": "not a code"}, "parent"),
    ],
)
def test_each_bad_filter_is_a_400_naming_it(real_api, path, params, parameter):
    response = real_api.get(path, **params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert body["status"] == 400 and body["message"]


CONTROL = ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f"]


@pytest.mark.parametrize("char", CONTROL, ids=[f"{ord(c):02x}" for c in CONTROL])
@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/practices/search", {"q": "dens{c}ham"}, "q"),
        ("/practices", {"icb": "Q{c}M"}, "icb"),
        (FIGURES, {"practice": "A81001{c}"}, "practice"),
        (FIGURES, {"practice": "A81001", "period": "2025-12{c}"}, "period"),
        ("/metrics", {"page": "1{c}"}, "page"),
        ("/metrics", {"unknown": "{c}"}, "unknown"),
        ("/no/such/endpoint", {"q": "{c}"}, "q"),
    ],
)
def test_control_characters_in_a_parameter_are_a_400_naming_it(
    real_api, char, path, params, parameter
):
    response = real_api.get(path, **{k: v.replace("{c}", char) for k, v in params.items()})
    assert response.status_code == 400
    assert response.get_json() == {
        "status": 400,
        "message": f"{parameter}: must not contain control characters",
        "parameter": parameter,
    }


@pytest.mark.parametrize("char", ["%00", "%01", "%0A", "%1F", "%7F"])
@pytest.mark.parametrize(
    "path", ["/practices/A81{c}01", "/organisations/icb/Q{c}M", "/metrics/list{c}size", "/x{c}"]
)
def test_control_characters_in_the_address_or_a_name_are_a_400(real_api, char, path):
    headers = {"Authorization": f"Bearer {real_api.secret}"}
    expected = {"status": 400, "parameter": None}
    in_path = real_api.client.get("/api/v1" + path.replace("{c}", char), headers=headers)
    assert in_path.status_code == 400
    assert in_path.get_json() == {
        **expected,
        "message": "the address: must not contain control characters",
    }
    in_name = real_api.client.get(f"/api/v1/metrics?a{char}b=1", headers=headers)
    assert in_name.status_code == 400
    assert in_name.get_json() == {
        **expected,
        "message": "parameter names: must not contain control characters",
    }


def test_control_characters_in_a_form_field_are_a_400(real_api):
    response = real_api.client.post(
        "/api/v1/practices",
        data={"note": "a\x00b"},
        headers={"Authorization": f"Bearer {real_api.secret}"},
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "status": 400,
        "message": "note: must not contain control characters",
        "parameter": "note",
    }


READ_ONLY = {"status": 405, "message": "The API is read-only: use GET.", "parameter": None}


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b"{" * 100_000, b'{"a":' * 100_000, b"\x00" * 1000, b"x" * 4_000_000],
    ids=["open-arrays", "open-objects", "nested", "nul", "big"],
)
def test_json_bodies_of_any_shape_get_json_answers(real_api, body):
    headers = {"Authorization": f"Bearer {real_api.secret}", "Content-Type": "application/json"}
    ignored = real_api.client.get("/api/v1/metrics", data=body, headers=headers)
    assert ignored.status_code == 200
    refused = real_api.client.post("/api/v1/practices", data=body, headers=headers)
    assert refused.status_code == 405
    assert refused.get_json() == READ_ONLY


def test_a_body_over_the_limit_is_a_json_413(real_api):
    headers = {"Authorization": f"Bearer {real_api.secret}"}
    big = {"note": "x" * (5 * 1024 * 1024 + 1)}
    response = real_api.client.post("/api/v1/practices", data=big, headers=headers)
    assert response.status_code == 413
    assert response.get_json() == {
        "status": 413,
        "message": "The request is too large.",
        "parameter": None,
    }


@pytest.mark.parametrize("method", ["PROPFIND", "TRACE", "FOO"])
def test_any_other_method_is_a_json_405(real_api, method):
    response = real_api.client.open(
        "/api/v1/practices/A81001",
        method=method,
        headers={"Authorization": f"Bearer {real_api.secret}"},
    )
    assert response.status_code == 405
    assert response.get_json() == READ_ONLY
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_repeated_parameter_is_a_400(real_api):
    response = real_api.client.get(
        "/api/v1/practices?icb=QHM&icb=QK1", headers={"Authorization": f"Bearer {real_api.secret}"}
    )
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "icb"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/practices/Z99999", {}),
        ("/practices/A8100", {}),
        ("/practices/Z99999/registered-patients", {}),
        (FIGURES, {"practice": "Z99999"}),
        ("/benchmarks/list_size", {"practice": "Z99999"}),
        ("/benchmarks/no_such_metric", {"practice": "A81001"}),
        ("/organisations/pcn/NOSUCH", {}),
        ("/organisations/ccg/QHM", {}),
        ("/organisations/icb/Q M", {}),
        ("/organisations/icb/QQQ/figures", {}),
        ("/datasets/no-such-dataset/figures", {"practice": "A81001"}),
        ("/metrics/no_such_metric", {}),
        ("/no/such/endpoint", {}),
    ],
)
def test_missing_things_get_the_one_generic_404(real_api, path, params):
    response = real_api.get(path, **params)
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


def test_no_key_or_a_wrong_key_is_401(real_client):
    for headers in [{}, {"Authorization": "Bearer hsk_wrong"}, {"Authorization": "Basic abc"}]:
        response = real_client.get("/api/v1/practices/A81001", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["status"] == 401


def test_revoked_key_is_401(real_app, real_client):
    from portal.api_keys import revoke_key
    from portal.models import ApiKey, User

    user_id, secret = make_key(real_app)
    api = ApiClient(real_client, secret)
    assert api.get("/practices/A81001").status_code == 200
    with real_app.app_context():
        user = db.session.get(User, user_id)
        key = db.session.scalar(sa.select(ApiKey).where(ApiKey.user_id == user_id))
        assert revoke_key(user, key.id)
        db.session.remove()
    assert api.get("/practices/A81001").status_code == 401


def test_api_is_read_only(real_api):
    headers = {"Authorization": f"Bearer {real_api.secret}"}
    for method in ("post", "put", "patch", "delete"):
        response = getattr(real_api.client, method)("/api/v1/practices/A81001", headers=headers)
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "value",
    ["A81001'; DROP TABLE practice;--", "ü" * 50, "A" * 5000, "\\", "%", "_", "*"],
)
def test_hostile_values_never_500(real_api, value):
    for path, params in [
        ("/practices/search", {"q": value}),
        ("/practices", {"pcn": value}),
        (FIGURES, {"practice": value}),
        (FIGURES, {"period": value}),
        ("/benchmarks/list_size", {"practice": value}),
        ("/organisations/icb", {"parent": value}),
    ]:
        assert real_api.get(path, **params).status_code in (200, 400, 404)
    assert real_api.get(f"/practices/{value}").status_code == 404


def test_too_many_requests_is_429_with_retry_after(scratch_url, monkeypatch):
    monkeypatch.setattr(ratelimits, "clock", lambda: 1_800_000_000.0)  # the window's clock stands
    app = make_app(scratch_url, RATELIMIT_ENABLED=True, API_RATE_LIMIT="2/minute")
    try:
        _, secret = make_key(app)
        api = ApiClient(app.test_client(), secret)
        assert [api.get("/metrics").status_code for _ in range(2)] == [200, 200]
        response = api.get("/metrics")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "60"
        assert response.get_json()["status"] == 429
        # the limit is per key: another key is not held back
        _, other = make_key(app)
        assert ApiClient(app.test_client(), other).get("/metrics").status_code == 200
        with app.app_context():
            rows = db.session.execute(
                sa.select(AuditEvent.method, AuditEvent.outcome, AuditEvent.status).order_by(
                    AuditEvent.id
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("GET /metrics", "ok", 200),
            ("GET /metrics", "ok", 200),
            ("GET /metrics", "rate_limited", 429),
            ("GET /metrics", "ok", 200),
        ]
    finally:
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


def test_each_request_is_audited_without_free_text(real_app, real_client):
    user_id, secret = make_key(real_app)
    api = ApiClient(real_client, secret)
    api.get("/practices/search", q="densham surgery")
    api.get("/practices/A81001")
    api.get("/practices/Z99999")
    api.get(FIGURES, icb="QHM", period="2025-12", page_size=1)
    with real_app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.user_id == user_id).order_by(AuditEvent.id)
        ).all()
        db.session.remove()
    assert [(r.surface, r.tool, r.status, r.outcome) for r in rows] == [
        ("api", "search_practices", 200, "ok"),
        ("api", "get_practice", 200, "ok"),
        ("api", "get_practice", 404, "not_found"),
        ("api", "get_dataset_figures", 200, "ok"),
    ]
    assert rows[0].query_length == len("densham surgery")
    assert all("densham" not in str(value) for r in rows for value in vars(r).values())
    assert [r.ods_codes for r in rows] == [None, "A81001", "Z99999", "QHM"]
    assert rows[1].method == "GET /practices/{code}"
    assert all(r.key_id is not None and r.latency_ms >= 0 for r in rows)


def test_every_request_is_audited_refusals_included(real_app, real_api):
    with real_app.app_context():
        first = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
        db.session.remove()
    headers = {"Authorization": f"Bearer {real_api.secret}"}
    client = real_api.client
    invented = "secret-made-up-address"
    client.get("/api/v1/practices/A81001")  # 401: no key
    client.get(f"/api/v1/{invented}", headers=headers)  # 404
    client.post("/api/v1/practices/A81001", headers=headers)  # 405 (the route's template kept)
    client.open("/api/v1/practices/A81001", method="PROPFIND", headers=headers)  # 405, routing
    client.options("/api/v1/practices/A81001")  # answered by Flask itself
    client.get("/api/v1/practices/search?q=a%00b", headers=headers)  # 400 before the view
    client.get(f"/api/v1/practices/search?q={invented}", headers=headers)
    client.get(f"/api/v1/practices?icb={invented}", headers=headers)  # 400: a code it is not
    client.get("/api/v1/openapi.json")
    with real_app.app_context():
        rows = db.session.execute(
            sa.select(
                AuditEvent.method,
                AuditEvent.tool,
                AuditEvent.ods_codes,
                AuditEvent.query_length,
                AuditEvent.outcome,
                AuditEvent.status,
                AuditEvent.key_id.is_not(None),
            )
            .where(AuditEvent.id > first)
            .order_by(AuditEvent.id)
        ).all()
        db.session.remove()
    assert [tuple(r) for r in rows] == [
        ("GET /practices/{code}", "get_practice", "A81001", None, "unauthorised", 401, False),
        ("GET (unknown)", None, None, None, "not_found", 404, True),
        ("POST /practices/{code}", "get_practice", None, None, "invalid", 405, True),
        ("OTHER (unknown)", None, None, None, "invalid", 405, False),
        ("OPTIONS /practices/{code}", "get_practice", None, None, "ok", 200, False),
        ("GET /practices/search", "search_practices", None, None, "invalid", 400, False),
        ("GET /practices/search", "search_practices", None, len(invented), "ok", 200, True),
        ("GET /practices", "list_practices", None, None, "invalid", 400, True),
        ("GET /openapi.json", "openapi", None, None, "ok", 200, False),
    ]
    assert not any(invented in str(value) for row in rows for value in row)
