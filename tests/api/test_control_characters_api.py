"""Issuing to text with a control character JavaScript verifiers canonicalize differently
is a clear 400 validation_error that stores nothing (laurel.vc refuses to sign it)."""

import pytest

from laurel.credentials.models import Credential
from laurel.mail.models import EmailDelivery


def issue_to(api, org, group, name: str):
    body = {"group_key": group.key, "recipient": {"name": name, "email": "ada@example.org"}}
    return api.post("/api/v1/credentials", org.issuer_key, body)


@pytest.mark.parametrize("control", ["\b", "\x0c", "\x1b", "\x7f"])
def test_a_recipient_name_with_a_control_character_is_a_400_that_creates_nothing(
    api, acme_keys, never_group, control
):
    response = issue_to(api, acme_keys, never_group, f"Ada{control}Lovelace")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error_code"] == "validation_error"
    assert f"recipient name contains a control character (U+{ord(control):04X})" in body["error"]
    assert "\n" not in body["error"]
    assert not Credential.objects.exists()
    assert not EmailDelivery.objects.exists()


def test_a_recipient_name_with_a_tab_is_issued(api, acme_keys, never_group):
    response = issue_to(api, acme_keys, never_group, "Ada\tLovelace")
    assert response.status_code == 201, response.content
    assert Credential.objects.get().document["credentialSubject"]["name"] == "Ada\tLovelace"
