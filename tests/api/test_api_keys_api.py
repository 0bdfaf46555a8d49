"""/api/v1/api-keys: an Admin key lists, creates (shown once, stored as an HMAC only) and
revokes the organization's keys; an Issuer key may not; another organization's key ids
look missing."""

import pytest

from laurel.organizations.models import ApiKey, AuditEvent

pytestmark = pytest.mark.django_db


def test_a_new_key_is_shown_once_works_and_is_stored_only_as_an_hmac(api, acme_keys):
    response = api.post(
        "/api/v1/api-keys", acme_keys.admin_key, {"name": "Moodle", "role": "issuer"}
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    raw = created["key"]
    assert raw.startswith("crd_live_") and created["prefix"] == raw[: len(created["prefix"])]
    assert (created["name"], created["role"], created["active"]) == ("Moodle", "issuer", True)
    stored = ApiKey.objects.get(pk=created["id"])
    assert raw not in {value for value in vars(stored).values() if isinstance(value, str)}
    # It works, with the Issuer's rights.
    assert api.get("/api/v1/organization", raw).status_code == 200
    assert api.get("/api/v1/api-keys", raw).status_code == 403
    # And the list never shows it again.
    listed = api.get("/api/v1/api-keys", acme_keys.admin_key).json()["data"]
    mine = next(item for item in listed if item["id"] == created["id"])
    assert "key" not in mine and raw not in str(listed)
    assert {item["name"] for item in listed} == {"admin key", "issuer key", "Moodle"}
    assert AuditEvent.objects.filter(
        action="api_key.created", object_id=str(created["id"])
    ).exists()


def test_a_revoked_key_answers_401_at_once_and_stays_listed_as_revoked(api, acme_keys):
    created = api.post("/api/v1/api-keys", acme_keys.admin_key, {"name": "Old LMS"}).json()
    assert created["role"] == "issuer"  # the default
    assert api.delete(f"/api/v1/api-keys/{created['id']}", acme_keys.admin_key).status_code == 204
    answer = api.get("/api/v1/organization", created["key"])
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Invalid token or organization not found"}
    listed = api.get("/api/v1/api-keys", acme_keys.admin_key).json()["data"]
    revoked = next(item for item in listed if item["id"] == created["id"])
    assert revoked["active"] is False and revoked["revoked_at"]
    # Revoking again changes nothing.
    assert api.delete(f"/api/v1/api-keys/{created['id']}", acme_keys.admin_key).status_code == 204


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Ok", "role": "owner"}, "role"),
        ({"role": "issuer"}, "name"),
        ({"name": 5}, "name"),
    ],
)
def test_bad_input_is_a_400_that_creates_nothing(api, acme_keys, body, field):
    before = ApiKey.objects.count()
    response = api.post("/api/v1/api-keys", acme_keys.admin_key, body)
    assert response.status_code == 400, response.json()
    assert response.json()["success"] is False and field in response.json()["error"]
    assert ApiKey.objects.count() == before


def test_the_issuer_key_may_neither_list_create_nor_revoke(api, acme_keys):
    admin_key_id = ApiKey.objects.get(name="admin key", organization=acme_keys.organization).pk
    for method, path, body in (
        ("GET", "/api/v1/api-keys", None),
        ("POST", "/api/v1/api-keys", {"name": "Mine", "role": "admin"}),
        ("DELETE", f"/api/v1/api-keys/{admin_key_id}", None),
    ):
        response = api.call(method, path, acme_keys.issuer_key, body)
        assert response.status_code == 403, (method, path, response.json())
        assert response.json()["error_code"] == "forbidden"
    assert ApiKey.objects.filter(organization=acme_keys.organization).count() == 2
    assert ApiKey.objects.get(pk=admin_key_id).revoked_at is None


@pytest.mark.parametrize("key_id", ["0", "99999999", "9" * 30, "-1", "abc"])
def test_a_key_id_that_is_not_one_of_ours_is_not_found(api, acme_keys, globex_keys, key_id):
    response = api.delete(f"/api/v1/api-keys/{key_id}", acme_keys.admin_key)
    assert response.status_code in (400, 404), response.json()
    assert response.json()["success"] is False


def test_another_organizations_key_looks_missing_and_stays_alive(api, acme_keys, globex_keys):
    theirs = ApiKey.objects.get(name="admin key", organization=globex_keys.organization)
    response = api.delete(f"/api/v1/api-keys/{theirs.pk}", acme_keys.admin_key)
    missing = api.delete("/api/v1/api-keys/99999999", acme_keys.admin_key)
    assert response.status_code == 404
    assert (response.status_code, response.json()) == (missing.status_code, missing.json())
    assert api.get("/api/v1/organization", globex_keys.admin_key).status_code == 200
    listed = api.get("/api/v1/api-keys", acme_keys.admin_key).json()["data"]
    assert theirs.pk not in {item["id"] for item in listed}
