"""Settings → API keys (the raw key shown once) and signing keys (generate, rotate)."""

from __future__ import annotations

import pytest

from laurel.organizations.api_keys import authenticate_api_key
from laurel.organizations.models import ApiKey, SigningKey

pytestmark = pytest.mark.django_db


def url(organization, page):
    return f"/organizations/{organization.slug}/settings/{page}"


def test_a_new_api_key_is_shown_once_and_works(member_login, admin):
    client = member_login(admin.user)
    response = client.post(
        url(admin.organization, "api-keys"), {"name": "LMS <b>", "role": "admin"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw_key = response.context["raw_key"]
    body = response.content.decode()
    assert f'value="{raw_key}"' in body and "shown only once" in body
    assert "LMS &lt;b&gt;" in body
    key = ApiKey.objects.get(name="LMS <b>")
    assert key.role == "admin" and key.created_by == admin.user and raw_key not in key.key_hmac
    assert authenticate_api_key(raw_key=raw_key).api_key == key
    listing = client.get(url(admin.organization, "api-keys")).content.decode()
    assert raw_key not in listing
    assert key.display_prefix in listing
    assert "Never" not in listing  # authenticating just used it: the list shows when


@pytest.mark.parametrize(
    "data, field",
    [({"name": "", "role": "issuer"}, "name"), ({"name": "X", "role": "owner"}, "role")],
)
def test_a_bad_api_key_form_says_what_is_wrong(member_login, owner, data, field):
    response = member_login(owner.user).post(url(owner.organization, "api-keys"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ApiKey.objects.exists()


def test_whitespace_name_gets_the_services_message(member_login, owner):
    response = member_login(owner.user).post(
        url(owner.organization, "api-keys"), {"name": "   ", "role": "issuer"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]


def test_revoking_a_key_stops_it_and_the_list_says_so(member_login, owner):
    client = member_login(owner.user)
    raw_key = client.post(
        url(owner.organization, "api-keys"), {"name": "CI", "role": "issuer"}
    ).context["raw_key"]
    key = ApiKey.objects.get()
    response = client.post(url(owner.organization, f"api-keys/{key.pk}/revoke"))
    assert response.status_code == 302
    assert authenticate_api_key(raw_key=raw_key) is None
    assert "Revoked" in client.get(url(owner.organization, "api-keys")).content.decode()


def test_another_organizations_api_key_cannot_be_revoked(member_login, owner, outsider):
    from laurel.organizations.api_keys import create_api_key

    theirs, _ = create_api_key(actor=outsider, name="Theirs")
    response = member_login(owner.user).post(
        url(owner.organization, f"api-keys/{theirs.pk}/revoke")
    )
    assert response.status_code == 404
    assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None


def test_signing_keys_page_lists_keys_and_links_the_did_document(member_login, issuer):
    response = member_login(issuer.user).get(url(issuer.organization, "keys"))
    body = response.content.decode()
    key = SigningKey.objects.get(organization=issuer.organization)
    assert key.key_id in body and "Active" in body
    assert f'href="/issuers/{issuer.organization.slug}/did.json"' in body
    assert "Rotate key" not in body  # an issuer only looks


def test_rotate_explains_then_retires_the_old_key_and_keeps_it_in_the_did_document(
    member_login, client, owner
):
    old = SigningKey.objects.get(organization=owner.organization)
    member_login(owner.user)
    page = client.get(url(owner.organization, "keys/rotate")).content.decode()
    assert "still verify" in page and "DID document keeps the retired key" in page
    assert old.key_id in page
    response = client.post(url(owner.organization, "keys/rotate"))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == "retired" and old.retired_at is not None
    new = SigningKey.objects.get(organization=owner.organization, status="active")
    did = client.get(f"/issuers/{owner.organization.slug}/did.json").json()
    listed = str(did)
    assert old.key_id in listed and new.key_id in listed
    body = client.get(response["Location"]).content.decode()
    assert "Signing key rotated" in body and "Retired" in body


def test_generate_when_there_is_no_key(member_login, owner):
    SigningKey.objects.filter(organization=owner.organization).delete()
    client = member_login(owner.user)
    page = client.get(url(owner.organization, "keys")).content.decode()
    assert "Generate a signing key" in page and "No active signing key" in page
    response = client.post(url(owner.organization, "keys/generate"))
    assert response.status_code == 302
    assert SigningKey.objects.filter(organization=owner.organization, status="active").count() == 1


def test_generate_when_a_key_is_active_says_rotate_instead(member_login, owner):
    response = member_login(owner.user).post(url(owner.organization, "keys/generate"))
    assert response.status_code == 409
    assert "rotate it instead" in response.content.decode()
    assert SigningKey.objects.filter(organization=owner.organization).count() == 1


@pytest.mark.parametrize("who, status", [("admin", 302), ("issuer", 403)])
def test_generate_by_role(member_login, actors, who, status):
    organization = actors[who].organization
    SigningKey.objects.filter(organization=organization).delete()
    response = member_login(actors[who].user).post(url(organization, "keys/generate"))
    assert response.status_code == status
    assert SigningKey.objects.filter(organization=organization).exists() == (status == 302)
