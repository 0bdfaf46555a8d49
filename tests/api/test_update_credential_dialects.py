"""Laurel's PATCH and the Hyperstack update call one service (update_credential), so what may
change in which status is the same whichever dialect asks."""

from laurel.credentials.models import Credential


def issue(api, acme_keys, group, email: str, *, draft: bool = False) -> str:
    body = {"group_key": group.key, "recipient": {"name": "Ada", "email": email}, "draft": draft}
    return api.post("/api/v1/credentials", acme_keys.issuer_key, body).json()["id"]


def test_both_api_dialects_change_a_published_credentials_expiry_alike(api, acme_keys, never_group):
    ids = [issue(api, acme_keys, never_group, f"{n}@example.org") for n in ("v1", "compat")]
    v1 = api.patch(
        f"/api/v1/credentials/{ids[0]}",
        acme_keys.issuer_key,
        {"valid_until": "2031-01-01T00:00:00Z"},
    )
    compat = api.post(
        f"/v1/credential/{ids[1]}/update", acme_keys.issuer_key, {"expiry": 1924992000}
    )
    assert (v1.status_code, compat.status_code) == (200, 200)
    stored = [Credential.objects.get(pk=credential_id) for credential_id in ids]
    assert stored[0].valid_until == stored[1].valid_until
    assert stored[0].valid_until.isoformat() == "2031-01-01T00:00:00+00:00"
    assert all(credential.custom_dates for credential in stored)


def test_both_dialects_refuse_a_revoked_credentials_expiry_alike(api, acme_keys, never_group):
    ids = [issue(api, acme_keys, never_group, f"{n}@example.org") for n in ("v1", "compat")]
    for credential_id in ids:
        api.post(f"/api/v1/credentials/{credential_id}/revoke", acme_keys.admin_key, {})
    v1 = api.patch(
        f"/api/v1/credentials/{ids[0]}",
        acme_keys.issuer_key,
        {"valid_until": "2031-01-01T00:00:00Z"},
    )
    compat = api.post(
        f"/v1/credential/{ids[1]}/update", acme_keys.issuer_key, {"expiry": 1924992000}
    )
    assert (v1.status_code, compat.status_code) == (400, 400)
    assert v1.json()["error_code"] == compat.json()["error_code"] == "invalid_status"
    assert v1.json()["error"] == compat.json()["error"]
    assert [Credential.objects.get(pk=i).valid_until for i in ids] == [None, None]


def test_both_dialects_edit_a_drafts_expiry_alike(api, acme_keys, never_group):
    ids = [issue(api, acme_keys, never_group, f"{n}@example.org", draft=True) for n in ("v1", "c")]
    v1 = api.patch(
        f"/api/v1/credentials/{ids[0]}",
        acme_keys.issuer_key,
        {"valid_until": "2031-01-01T00:00:00Z"},
    )
    compat = api.post(
        f"/v1/credential/{ids[1]}/update", acme_keys.issuer_key, {"expiry": 1924992000}
    )
    assert (v1.status_code, compat.status_code) == (200, 200)
    stored = [Credential.objects.get(pk=i) for i in ids]
    assert [c.status for c in stored] == ["draft", "draft"]
    assert stored[0].valid_until == stored[1].valid_until
    assert all(c.custom_dates and c.document is None for c in stored)
