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
