"""Laurel's own API: issue, publish, edit, revoke, resend and look up credentials."""

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials.models import Credential, CredentialGroup
from laurel.mail.models import EmailDelivery
from tests.api.conftest import keys_for

RECIPIENT = {"name": "Ada Lovelace", "email": "ada@example.org"}


def issue(api, org, group, key=None, **fields):
    body = {"group_key": group.key, "recipient": RECIPIENT, **fields}
    return api.post("/api/v1/credentials", key or org.issuer_key, body)


def iso(moment):
    return moment.isoformat()


# --- issue -----------------------------------------------------------------------------


def test_issue_publishes_a_signed_credential_and_answers_201(api, acme_keys, never_group):
    response = issue(api, acme_keys, never_group, evidenceUrl="https://example.org/work")
    assert response.status_code == 201, response.content
    body = response.json()
    credential = Credential.objects.get()
    assert body["id"] == credential.id and len(credential.id) == 32
    assert body["status"] == "published" == credential.status
    assert body["verificationUrl"] == f"http://127.0.0.1:8000/credential/{credential.id}"
    assert body["recipientName"] == "Ada Lovelace"
    assert body["recipientEmail"] == "ada@example.org"
    assert body["expirationDate"] is None and body["issuanceDate"]
    assert body["supersedesCredentialId"] is None
    assert body["privacy"] == "public"
    assert body["group"] == {
        "key": never_group.key,
        "title": never_group.title,
        "code": never_group.code,
    }
    assert body["metadata"] == {}
    assert body["evidenceUrl"] == "https://example.org/work"
    assert credential.document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_badge_id_is_an_alias_of_group_key(api, acme_keys, never_group):
    response = api.post(
        "/api/v1/credentials",
        acme_keys.issuer_key,
        {"badgeId": never_group.key, "recipient": RECIPIENT},
    )
    assert response.status_code == 201
    assert Credential.objects.get().group == never_group


def test_issue_without_a_group_is_a_400(api, acme_keys):
    response = api.post("/api/v1/credentials", acme_keys.issuer_key, {"recipient": RECIPIENT})
    assert response.status_code == 400
    assert "badgeId or group_key" in response.json()["error"]
    assert not Credential.objects.exists()


def test_issue_as_a_draft_then_publish(api, acme_keys, never_group):
    draft = issue(api, acme_keys, never_group, draft=True).json()
    assert draft["status"] == "draft"
    assert Credential.objects.get().document is None
    response = api.post(f"/api/v1/credentials/{draft['id']}/publish", acme_keys.issuer_key)
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert Credential.objects.get().document is not None
    again = api.post(f"/api/v1/credentials/{draft['id']}/publish", acme_keys.issuer_key)
    assert again.status_code == 400
    assert again.json()["error_code"] == "invalid_status"


def test_private_credential_with_custom_attributes(api, acme_keys, custom_group):
    response = issue(
        api,
        acme_keys,
        custom_group,
        privacy="private",
        custom_attributes={"custom_grade": "A", "custom_hours": "40"},
    )
    assert response.status_code == 201
    assert response.json()["privacy"] == "private"
    assert response.json()["metadata"] == {"custom_grade": "A", "custom_hours": "40"}
    assert Credential.objects.get().custom_attributes == {"custom_grade": "A", "custom_hours": "40"}


def test_unknown_custom_attribute_is_a_400_that_names_it(api, acme_keys, custom_group):
    response = issue(api, acme_keys, custom_group, custom_attributes={"custom_colour": "red"})
    assert response.status_code == 400
    assert "custom_colour" in response.json()["error"]
    assert not Credential.objects.exists()


@pytest.mark.parametrize("recipient", [{"name": "", "email": ""}, {"name": "Ada"}, {}])
def test_missing_recipient_is_a_400_missing_recipient(api, acme_keys, never_group, recipient):
    body = {"group_key": never_group.key, "recipient": recipient}
    response = api.post("/api/v1/credentials", acme_keys.issuer_key, body)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "Recipient Name and Email are required",
        "error_code": "missing_recipient",
    }
    assert not Credential.objects.exists()


def test_unknown_group_is_a_404_group_not_found(api, acme_keys):
    response = api.post(
        "/api/v1/credentials", acme_keys.issuer_key, {"group_key": "nope", "recipient": RECIPIENT}
    )
    assert response.status_code == 404
    assert response.json()["error_code"] == "group_not_found"


# --- the recipient check, as the form runs it -------------------------------------------


def test_active_non_expiring_credential_blocks_reissue_with_409(api, acme_keys, never_group):
    issue(api, acme_keys, never_group)
    response = issue(api, acme_keys, never_group)
    assert response.status_code == 409
    assert response.json() == {
        "success": False,
        "error": "Credential already exists for this recipient, to overwrite, "
        "set duplication to true in group settings.",
        "error_code": "credential_exists",
    }
    assert Credential.objects.count() == 1


def test_active_time_bound_credential_is_revoked_and_replaced(api, acme_keys, yearly_group):
    first = issue(api, acme_keys, yearly_group).json()
    assert first["expirationDate"]
    second = issue(api, acme_keys, yearly_group).json()
    assert second["supersedesCredentialId"] == first["id"]
    old = Credential.objects.get(pk=first["id"])
    assert old.status == "revoked" and old.revocation_reason == "superseded"
    assert Credential.objects.get(pk=second["id"]).status == "published"


def test_renewing_an_expired_credential_links_it(api, acme_keys, yearly_group):
    now = timezone.now()
    expired = issue(
        api,
        acme_keys,
        yearly_group,
        issued_on=iso(now - timedelta(days=730)),
        valid_until=iso(now - timedelta(days=365)),
    ).json()
    renewal = issue(api, acme_keys, yearly_group).json()
    assert renewal["supersedesCredentialId"] == expired["id"]
    assert Credential.objects.get(pk=expired["id"]).status == "published"


def test_recipient_check_answers_what_issuing_would_do(api, acme_keys, never_group):
    body = {"group": never_group.key, "email": " ADA@example.org "}
    assert api.post("/api/v1/recipient-check", acme_keys.issuer_key, body).json()["state"] == "new"
    existing = issue(api, acme_keys, never_group).json()
    response = api.post("/api/v1/recipient-check", acme_keys.issuer_key, body)
    assert response.status_code == 200
    assert response.json()["state"] == "active_non_expiring"
    assert response.json()["blocked"] is True
    assert response.json()["existing_id"] == existing["id"]


@pytest.mark.parametrize("email", ["not-an-email", "", "   ", "a@" + "b" * 260 + ".org"])
def test_recipient_check_of_what_is_no_email_address_is_a_400(api, acme_keys, never_group, email):
    body = {"group": never_group.key, "email": email}
    response = api.post("/api/v1/recipient-check", acme_keys.issuer_key, body)
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == "validation_error"
    assert "email" in response.json()["error"]


# --- prerequisites -----------------------------------------------------------------------


def test_over_quota_is_a_402_and_stores_nothing(api, org_factory, group_factory):
    org = keys_for(org_factory("Tiny", monthly_quota=1))
    group = group_factory(org.organization)
    assert issue(api, org, group).status_code == 201
    response = api.post(
        "/api/v1/credentials",
        org.issuer_key,
        {"group_key": group.key, "recipient": {"name": "Bo", "email": "bo@example.org"}},
    )
    assert response.status_code == 402
    assert response.json()["error_code"] == "quota_exceeded"
    assert Credential.objects.count() == 1


def test_unapproved_organization_cannot_issue(api, org_factory, group_factory):
    org = keys_for(org_factory("Pending", approved=False))
    group = group_factory(org.organization)
    response = issue(api, org, group)
    assert response.status_code == 403
    assert response.json()["error_code"] == "organization_not_approved"
    assert not Credential.objects.exists()


# --- look up -----------------------------------------------------------------------------


def test_list_filters_and_pages(api, acme_keys, never_group, yearly_group):
    for n in range(3):
        api.post(
            "/api/v1/credentials",
            acme_keys.issuer_key,
            {"group_key": never_group.key, "recipient": {"name": f"P{n}", "email": f"p{n}@x.org"}},
        )
    issue(api, acme_keys, yearly_group, draft=True)
    page = api.get("/api/v1/credentials?limit=2&offset=0", acme_keys.issuer_key).json()
    assert page["total"] == 4 and len(page["data"]) == 2
    rest = api.get("/api/v1/credentials?limit=2&offset=2", acme_keys.issuer_key).json()
    ids = {c["id"] for c in page["data"]} | {c["id"] for c in rest["data"]}
    assert ids == set(Credential.objects.values_list("id", flat=True))
    drafts = api.get("/api/v1/credentials?status=draft", acme_keys.issuer_key).json()
    assert [c["group"]["key"] for c in drafts["data"]] == [yearly_group.key]
    by_group = api.get(f"/api/v1/credentials?group={never_group.key}", acme_keys.issuer_key)
    assert by_group.json()["total"] == 3
    by_email = api.get("/api/v1/credentials?email=P1@X.org", acme_keys.issuer_key).json()
    assert [c["recipientName"] for c in by_email["data"]] == ["P1"]


def test_list_with_a_bad_filter_is_a_400(api, acme_keys):
    response = api.get("/api/v1/credentials?limit=0", acme_keys.issuer_key)
    assert response.status_code == 400
    assert "limit" in response.json()["error"]


def test_get_credential_and_its_signed_document(api, acme_keys, never_group):
    created = issue(api, acme_keys, never_group).json()
    response = api.get(f"/api/v1/credentials/{created['id']}", acme_keys.issuer_key)
    assert response.json() == created
    document = api.get(f"/api/v1/credentials/{created['id']}/document", acme_keys.issuer_key)
    assert document.status_code == 200
    assert document.json() == Credential.objects.get().document
    assert "OpenBadgeCredential" in document.json()["type"]


# --- edit --------------------------------------------------------------------------------


def test_patch_edits_a_draft(api, acme_keys, never_group):
    draft = issue(api, acme_keys, never_group, draft=True).json()
    response = api.patch(
        f"/api/v1/credentials/{draft['id']}",
        acme_keys.issuer_key,
        {"recipient": {"name": "Ada King"}, "evidenceUrl": "https://example.org/e"},
    )
    assert response.status_code == 200
    assert response.json()["recipientName"] == "Ada King"
    stored = Credential.objects.get()
    assert (stored.recipient_name, stored.evidence_url) == ("Ada King", "https://example.org/e")


def test_patch_changes_a_published_credentials_expiry_only(api, acme_keys, never_group):
    created = issue(api, acme_keys, never_group).json()
    until = timezone.now() + timedelta(days=30)
    response = api.patch(
        f"/api/v1/credentials/{created['id']}", acme_keys.issuer_key, {"valid_until": iso(until)}
    )
    assert response.status_code == 200
    assert response.json()["expirationDate"]
    assert Credential.objects.get().valid_until == until.replace(microsecond=until.microsecond)
    refused = api.patch(
        f"/api/v1/credentials/{created['id']}", acme_keys.issuer_key, {"recipient": {"name": "X"}}
    )
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "invalid_status"
    assert Credential.objects.get().recipient_name == "Ada Lovelace"


# --- revoke, resend (Admin keys) -----------------------------------------------------------


def test_admin_key_revokes_with_a_reason(api, acme_keys, never_group):
    created = issue(api, acme_keys, never_group).json()
    response = api.post(
        f"/api/v1/credentials/{created['id']}/revoke", acme_keys.admin_key, {"reason": "fraud"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revocationReason"] == "fraud"
    stored = Credential.objects.get()
    assert (stored.status, stored.revocation_reason) == ("revoked", "fraud")


def test_issuer_key_may_not_revoke(api, acme_keys, never_group):
    created = issue(api, acme_keys, never_group).json()
    response = api.post(f"/api/v1/credentials/{created['id']}/revoke", acme_keys.issuer_key)
    assert response.status_code == 403
    assert response.json()["error_code"] == "forbidden"
    assert Credential.objects.get().status == "published"


def test_resend_by_admin_then_cooldown(api, acme_keys, never_group):
    created = issue(api, acme_keys, never_group).json()
    path = f"/api/v1/credentials/{created['id']}/resend"
    assert api.post(path, acme_keys.issuer_key).status_code == 403
    before = EmailDelivery.objects.count()
    response = api.post(path, acme_keys.admin_key)
    # The issuance email was just queued: the cooldown applies.
    assert response.status_code == 429
    assert response.json()["error_code"] == "cooldown"
    assert int(response["Retry-After"]) > 0
    assert EmailDelivery.objects.count() == before


def test_resend_after_a_failed_email_queues_another(api, acme_keys, never_group):
    created = issue(api, acme_keys, never_group).json()
    EmailDelivery.objects.update(status=EmailDelivery.Status.FAILED)
    response = api.post(f"/api/v1/credentials/{created['id']}/resend", acme_keys.admin_key)
    assert response.status_code == 202
    assert response.json()["id"] == created["id"]
    assert EmailDelivery.objects.get(pk=response.json()["email_delivery_id"])


# --- groups and organization -------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/v1/groups", "/api/v1/badges"])
def test_groups_create_list_get_and_patch(api, acme_keys, prefix):
    created = api.post(
        prefix,
        acme_keys.issuer_key,
        {"title": "Cloud Certification", "code": "CC-2024", "custom_fields": ["custom_location"]},
    )
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    assert CredentialGroup.objects.get(key=key).custom_fields == ["custom_location"]
    listed = api.get(prefix, acme_keys.issuer_key).json()
    assert [g["key"] for g in listed["data"]] == [key]
    assert api.get(f"{prefix}/{key}", acme_keys.issuer_key).json()["code"] == "CC-2024"
    patched = api.patch(f"{prefix}/{key}", acme_keys.issuer_key, {"allow_duplicates": True})
    assert patched.json()["allow_duplicates"] is True
    assert CredentialGroup.objects.get(key=key).allow_duplicates is True


def test_group_without_title_is_a_400(api, acme_keys):
    response = api.post("/api/v1/groups", acme_keys.issuer_key, {"code": "X"})
    assert response.status_code == 400
    assert "title" in response.json()["error"]
    assert not CredentialGroup.objects.filter(code="X").exists()


def test_organization_shows_quota_used_after_issuing(api, acme_keys, never_group):
    issue(api, acme_keys, never_group)
    body = api.get("/api/v1/organization", acme_keys.issuer_key).json()
    assert body["plan"] == "professional"
    assert body["quota"]["used"] == 1
    assert body["quota"]["left"] == body["quota"]["limit"] - 1
