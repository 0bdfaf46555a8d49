"""The Hyperstack-compatible calls answer field for field as Hyperstack documents them
(its API reference: "Generate Credential (Draft)"), errors included."""

import re

import pytest

from laurel.credentials.models import Credential, CredentialGroup
from laurel.webhooks.models import WebhookSubscription
from tests.api.conftest import keys_for

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CREDENTIAL_FIELDS = {
    "success",
    "status",
    "document_id",
    "document_url",
    "recipient",
    "group",
    "issued_on",
    "valid_until",
    "metadata",
    "privacy",
}


@pytest.fixture
def cloud(acme, group_factory):
    return group_factory(
        acme, title="Cloud Certification", code="CC-2024", custom_fields=["custom_location"]
    )


def generate(api, org, group, path="/v1/credentials/generate", **overrides):
    body = {
        "recipient": {"name": "John Doe", "email": "john@example.com"},
        "group_key": group.key,
        "custom_attributes": {"custom_location": "Mars"},
        **overrides,
    }
    return api.post(path, org.issuer_key, body)


def test_generate_answers_the_documented_draft_shape(api, acme_keys, cloud):
    response = generate(api, acme_keys, cloud)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == CREDENTIAL_FIELDS
    credential = Credential.objects.get()
    assert body == {
        "success": True,
        "status": "draft",
        "document_id": credential.id,
        "document_url": f"http://127.0.0.1:8000/credential/{credential.id}",
        "recipient": {"name": "John Doe", "email": "john@example.com"},
        "group": {"title": "Cloud Certification", "key": cloud.key, "code": "CC-2024"},
        "issued_on": body["issued_on"],
        "valid_until": None,
        "metadata": {"custom_location": "Mars"},
        "privacy": "public",
    }
    assert TIMESTAMP.match(body["issued_on"])
    assert len(body["document_id"]) == 32
    assert credential.status == "draft" and credential.document is None


def test_new_issues_and_publishes(api, acme_keys, cloud):
    body = generate(api, acme_keys, cloud, path="/v1/credentials/new").json()
    assert body["status"] == "published"
    assert set(body) == CREDENTIAL_FIELDS
    assert Credential.objects.get().document["proof"]


@pytest.mark.parametrize(
    "recipient", [None, {}, {"name": "John Doe"}, {"email": "john@example.com"}, {"name": " "}]
)
def test_missing_recipient_is_the_documented_400(api, acme_keys, cloud, recipient):
    overrides = {"recipient": recipient} if recipient is not None else {}
    body = {"group_key": cloud.key, **overrides}
    response = api.post("/v1/credentials/generate", acme_keys.issuer_key, body)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "Recipient Name and Email are required",
        "error_code": "missing_recipient",
    }
    assert not Credential.objects.exists()


def test_unknown_group_is_the_documented_404(api, acme_keys):
    response = api.post(
        "/v1/credentials/generate",
        acme_keys.issuer_key,
        {"recipient": {"name": "J", "email": "j@x.org"}, "group_key": "GcI6H5b66a3v"},
    )
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "error": "Group Not Found",
        "error_code": "group_not_found",
    }


def test_existing_credential_is_the_documented_409(api, acme_keys, cloud):
    generate(api, acme_keys, cloud, path="/v1/credentials/new")
    for path in ["/v1/credentials/new", "/v1/credentials/generate"]:
        response = generate(api, acme_keys, cloud, path=path)
        assert response.status_code == 409
        assert response.json() == {
            "success": False,
            "error": "Credential already exists for this recipient, to overwrite, "
            "set duplication to true in group settings.",
            "error_code": "credential_exists",
        }
    assert Credential.objects.count() == 1


def test_no_quota_left_is_the_documented_402_low_balance(api, org_factory, group_factory):
    org = keys_for(org_factory("Small", monthly_quota=0))
    group = group_factory(org.organization)
    response = api.post(
        "/v1/credentials/generate",
        org.issuer_key,
        {"recipient": {"name": "J", "email": "j@x.org"}, "group_key": group.key},
    )
    assert response.status_code == 402
    assert response.json() == {
        "success": False,
        "error": "Low balance",
        "error_code": "low_balance",
    }
    assert not Credential.objects.exists()


def test_bad_key_is_the_documented_401(api, acme_keys, cloud):
    response = api.post("/v1/credentials/generate", "crd_live_wrong", {"group_key": cloud.key})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token or organization not found"}


def test_unknown_custom_attribute_is_a_400_naming_it(api, acme_keys, cloud):
    response = generate(api, acme_keys, cloud, custom_attributes={"custom_planet": "Mars"})
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert "custom_planet" in response.json()["error"]
    assert not Credential.objects.exists()


def test_publish_a_draft_then_publishing_again_is_invalid_status(api, acme_keys, cloud):
    draft = generate(api, acme_keys, cloud).json()
    path = f"/v1/credential/{draft['document_id']}/publish"
    published = api.post(path, acme_keys.issuer_key)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert set(published.json()) == CREDENTIAL_FIELDS
    again = api.post(path, acme_keys.issuer_key)
    assert again.status_code == 400
    assert again.json()["error_code"] == "invalid_status"


def test_view_answers_the_same_shape(api, acme_keys, cloud):
    created = generate(api, acme_keys, cloud).json()
    response = api.get(f"/v1/credential/{created['document_id']}/view", acme_keys.issuer_key)
    assert response.status_code == 200
    assert response.json() == created


def test_update_sets_and_clears_the_expiry_in_unix_seconds(api, acme_keys, cloud):
    created = generate(api, acme_keys, cloud, path="/v1/credentials/new").json()
    path = f"/v1/credential/{created['document_id']}/update"
    response = api.post(path, acme_keys.issuer_key, {"expiry": 1924992000})
    assert response.status_code == 200
    assert response.json()["valid_until"] == "2031-01-01T00:00:00Z"
    assert Credential.objects.get().valid_until.year == 2031
    cleared = api.post(path, acme_keys.issuer_key, {"expiry": None})
    assert cleared.json()["valid_until"] is None
    assert Credential.objects.get().valid_until is None


def test_all_and_search_page_through_credentials(api, acme_keys, cloud):
    for n in range(3):
        api.post(
            "/v1/credentials/generate",
            acme_keys.issuer_key,
            {"recipient": {"name": f"P{n}", "email": f"p{n}@x.org"}, "group_key": cloud.key},
        )
    everything = api.post("/v1/credentials/all", acme_keys.issuer_key, {}).json()
    assert (everything["page"], everything["page_size"], everything["total"]) == (1, 50, 3)
    assert len(everything["credentials"]) == 3
    second = api.post("/v1/credentials/all", acme_keys.issuer_key, {"page": 2, "page_size": 2})
    assert len(second.json()["credentials"]) == 1
    found = api.post("/v1/credentials/search", acme_keys.issuer_key, {"email": "P2@x.org"})
    assert [c["recipient"]["name"] for c in found.json()["credentials"]] == ["P2"]


def test_groups_new_view_update_and_search(api, acme_keys):
    created = api.post(
        "/v1/groups/new", acme_keys.issuer_key, {"title": "Mars Walking", "code": "MW-1"}
    )
    assert created.status_code == 200
    group = created.json()["group"]
    assert created.json()["success"] is True and group["code"] == "MW-1"
    viewed = api.get(f"/v1/group/view/{group['key']}", acme_keys.issuer_key).json()
    assert viewed["group"] == group
    updated = api.post(
        f"/v1/group/update/{group['key']}", acme_keys.issuer_key, {"allow_duplicates": True}
    )
    assert updated.json()["group"]["allow_duplicates"] is True
    assert CredentialGroup.objects.get(key=group["key"]).allow_duplicates is True
    found = api.post("/v1/groups/search", acme_keys.issuer_key, {"query": "mars"}).json()
    assert [g["key"] for g in found["groups"]] == [group["key"]]


def test_webhook_subscribe(api, acme_keys):
    response = api.post(
        "/v1/webhook/subscribe",
        acme_keys.admin_key,
        {"url": "https://example.com/hook", "events": ["credential.issued"]},
    )
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["secret"] == WebhookSubscription.objects.get().secret
