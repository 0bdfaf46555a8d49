import pytest

from laurel.organizations.api_keys import revoke_api_key
from laurel.organizations.models import ApiKey
from laurel.organizations.permissions import Actor

UNAUTHORIZED = {"detail": "Invalid token or organization not found"}


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer crd_live_unknown",
        "Bearer x" * 50,
    ],
)
def test_missing_malformed_or_unknown_key_answers_401_detail(api, acme_keys, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = api.get("/api/v1/organization", headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_revoked_key_answers_401(api, acme_keys):
    key = ApiKey.objects.get(organization=acme_keys.organization, role="issuer")
    revoke_api_key(actor=Actor.system(acme_keys.organization), api_key_id=key.pk)
    response = api.get("/api/v1/organization", acme_keys.issuer_key)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_valid_key_sees_its_organization_and_marks_last_use(api, acme_keys, globex_keys):
    response = api.get("/api/v1/organization", acme_keys.issuer_key)
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == acme_keys.organization.slug
    assert body["status"] == "approved"
    assert body["signing_key"]["status"] == "active"
    assert body["quota"]["left"] == body["quota"]["limit"] - body["quota"]["used"]
    assert ApiKey.objects.get(organization=acme_keys.organization, role="issuer").last_used_at
    assert (
        ApiKey.objects.get(organization=globex_keys.organization, role="issuer").last_used_at
        is None
    )


def test_every_response_carries_rate_limit_headers(api, acme_keys):
    for path, key in [("/api/v1/organization", acme_keys.issuer_key), ("/api/v1/nowhere", None)]:
        response = api.get(path, key)
        assert response["X-RateLimit-Limit"]
        assert int(response["X-RateLimit-Remaining"]) >= 0
        assert int(response["X-RateLimit-Reset"]) > 0


def test_key_limit_counts_down_then_answers_429_with_retry_after(api, acme_keys, settings):
    settings.LAUREL_API_RATE_LIMIT_PER_KEY = 3
    remaining = [
        int(api.get("/api/v1/organization", acme_keys.issuer_key)["X-RateLimit-Remaining"])
        for _ in range(3)
    ]
    assert remaining == [2, 1, 0]
    response = api.get("/api/v1/organization", acme_keys.issuer_key)
    assert response.status_code == 429
    assert response.json()["error_code"] == "rate_limited"
    assert response.json()["success"] is False
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Limit"] == "3"
    # Another key of the same client is counted apart.
    assert api.get("/api/v1/organization", acme_keys.admin_key).status_code == 200


def test_ip_limit_holds_whatever_the_key(api, acme_keys, settings):
    settings.LAUREL_API_RATE_LIMIT_PER_IP = 2
    assert api.get("/api/v1/organization", acme_keys.issuer_key).status_code == 200
    assert api.get("/api/v1/organization", acme_keys.admin_key).status_code == 200
    response = api.get("/api/v1/organization", "crd_live_someone_else")
    assert response.status_code == 429
    assert response["X-RateLimit-Limit"] == "2"


def test_rate_limited_post_creates_nothing(api, acme_keys, settings):
    from laurel.webhooks.models import WebhookSubscription

    settings.LAUREL_API_RATE_LIMIT_PER_KEY = 1
    body = {"url": "https://example.com/hook", "events": ["credential.issued"]}
    assert api.post("/api/v1/webhooks", acme_keys.admin_key, body).status_code == 201
    assert api.post("/api/v1/webhooks", acme_keys.admin_key, body).status_code == 429
    assert WebhookSubscription.objects.count() == 1


def test_unknown_route_under_api_is_a_json_404(api, acme_keys):
    for path in ["/api/v1/nowhere", "/api/v2/credentials", "/v1/nowhere"]:
        response = api.get(path, acme_keys.issuer_key)
        assert response.status_code == 404
        assert response.json() == {
            "success": False,
            "error": "There is nothing at this address.",
            "error_code": "not_found",
        }


def test_wrong_method_is_a_json_405(api, acme_keys):
    response = api.call("PUT", "/api/v1/organization", acme_keys.issuer_key, body={})
    assert response.status_code == 405
    assert response.json()["error_code"] == "method_not_allowed"


def test_malformed_json_is_a_400_invalid_json(api, acme_keys):
    response = api.post("/api/v1/webhooks", acme_keys.admin_key, body="{not json")
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_json"


def test_validation_error_is_a_400_naming_the_field(api, acme_keys):
    response = api.post("/api/v1/webhooks", acme_keys.admin_key, body={"events": []})
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "The field 'url' is required.",
        "error_code": "validation_error",
    }


def test_huge_body_is_a_413(api, acme_keys, settings):
    settings.LAUREL_API_MAX_BODY_BYTES = 1024
    body = {"url": "https://example.com/" + "a" * 2000, "events": ["credential.issued"]}
    response = api.post("/api/v1/webhooks", acme_keys.admin_key, body=body)
    assert response.status_code == 413
    assert response.json()["error_code"] == "request_too_large"
    assert response["X-RateLimit-Limit"] == "60"


def test_docs_and_schema_need_no_key(api, db):
    assert api.get("/api/v1/openapi.json").json()["info"]["title"] == "Laurel API"
    assert api.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/v1/groups", '{"title": "bad\\u0000title"}'),
        ("POST", "/api/v1/groups", '{"title\\u0000": "x"}'),
        ("GET", "/api/v1/credentials?email=a%00b", None),
        ("GET", "/api/v1/credentials/abc%00def", None),
    ],
)
def test_nul_characters_are_refused_as_a_400(api, acme_keys, method, path, body):
    from laurel.credentials.models import CredentialGroup

    response = api.call(method, path, acme_keys.issuer_key, body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_characters"
    assert not CredentialGroup.objects.exists()


def test_a_literal_backslash_u0000_is_ordinary_text(api, acme_keys):
    response = api.post("/api/v1/groups", acme_keys.issuer_key, body='{"title": "a\\\\u0000b"}')
    assert response.status_code == 201
    assert response.json()["title"] == "a\\u0000b"
