"""/issuers/<slug>: the public profile, its achievements as OB 3.0 JSON, DID and status."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_profile_lists_public_groups_only(client, acme, skills_group, group_factory):
    hidden = group_factory(acme, title="Board Members Only", default_privacy="private")
    html = client.get(f"/issuers/{acme.slug}").content.decode()
    assert "Acme Academy" in html
    assert "Data Analysis with Python" in html
    assert "pandas" in html
    assert hidden.title not in html
    assert f"/issuers/{acme.slug}/did.json" in html


def test_achievements_are_open_badges_achievements(client, acme, skills_group, group_factory):
    group_factory(acme, title="Board Members Only", default_privacy="private")
    response = client.get(f"/issuers/{acme.slug}/achievements")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"]["id"] == acme.did
    [achievement] = document["achievements"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"] == skills_group.achievement_id
    assert achievement["name"] == "Data Analysis with Python"
    assert achievement["criteria"]["narrative"].startswith("Passed the final project")
    assert achievement["alignment"][0]["targetName"] == "pandas"
    single = client.get(f"/issuers/{acme.slug}/groups/{skills_group.key}").json()
    assert single["id"] == achievement["id"]
    assert "@context" in single


def test_unknown_and_pending_issuers_are_404(client, org_factory):
    pending = org_factory("Not Yet School", approved=False)
    for path in ("/issuers/nobody", f"/issuers/{pending.slug}", "/issuers/nobody/achievements"):
        assert client.get(path).status_code == 404, path


def test_did_and_status_list_still_serve(client, valid_credential):
    did = client.get(f"/issuers/{valid_credential.organization.slug}/did.json")
    assert did.status_code == 200
    assert did.json()["id"] == valid_credential.organization.did
    status_url = valid_credential.document["credentialStatus"]["statusListCredential"]
    listed = client.get(status_url.split("8000", 1)[-1])
    assert listed.status_code == 200
    assert "BitstringStatusListCredential" in listed.json()["type"]


def test_the_status_list_is_cacheable_and_shows_a_revocation_at_once(
    client, owner, valid_credential
):
    from laurel.credentials.services import revoke
    from laurel.vc.status_list import Bitstring

    status = valid_credential.document["credentialStatus"]
    path = "/status/" + status["statusListCredential"].rsplit("/status/", 1)[1]
    index = int(status["statusListIndex"])

    def bit(response) -> bool:
        encoded = response.json()["credentialSubject"]["encodedList"]
        return Bitstring.decode(encoded).get(index)

    before = client.get(path)
    assert before["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert before["Access-Control-Allow-Origin"] == "*"
    assert bit(before) is False
    assert client.get(path, headers={"if-none-match": before["ETag"]}).status_code == 304
    revoke(actor=owner, credential_id=valid_credential.pk, reason="Issued in error")
    after = client.get(path, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200  # the list was re-signed: the old ETag no longer matches
    assert after["ETag"] != before["ETag"]
    assert bit(after) is True
