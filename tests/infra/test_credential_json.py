"""/credential/<id>.json: the signed credential, for anyone when public, the recipient when private."""

import pytest

from laurel.credentials.services import revoke
from laurel.vc.proof import verify_proof

pytestmark = pytest.mark.django_db


def test_public_credential_is_served_signed_to_anyone(client, acme, published, resolve_did):
    credential = published()

    response = client.get(f"/credential/{credential.id}.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document == credential.document
    assert document["id"] == f"http://127.0.0.1:8000/credential/{credential.id}"
    assert verify_proof(document, resolve=resolve_did(acme)).ok


def test_a_draft_is_not_found_as_json_or_page(client, draft_credential):
    assert client.get(f"/credential/{draft_credential.id}.json").status_code == 404
    assert client.get(f"/credential/{draft_credential.id}").status_code == 404


def test_an_unknown_id_is_not_found(client, db):
    assert client.get("/credential/" + "x" * 32 + ".json").status_code == 404
    assert client.get("/credential/" + "x" * 32).status_code == 404


def test_private_credential_is_forbidden_to_anonymous_visitors(client, published):
    credential = published(privacy="private")

    response = client.get(f"/credential/{credential.id}.json")

    assert response.status_code == 403
    assert response.json()["error_code"] == "forbidden"
    assert "private" in response.json()["error"]
    assert "Access-Control-Allow-Origin" not in response
    assert client.get(f"/credential/{credential.id}").status_code == 403


def test_private_credential_is_forbidden_to_another_signed_in_user(client, published, user_factory):
    credential = published(privacy="private")
    client.force_login(user_factory("eve@example.org"))
    assert client.get(f"/credential/{credential.id}.json").status_code == 403


def test_private_credential_is_served_to_its_recipient(client, published, user_factory):
    from allauth.account.models import EmailAddress

    credential = published(privacy="private")
    recipient = user_factory("  ADA@Example.org ")
    client.force_login(recipient)
    assert client.get(f"/credential/{credential.id}.json").status_code == 403  # unconfirmed
    EmailAddress.objects.create(user=recipient, email="ADA@Example.org", verified=True)

    response = client.get(f"/credential/{credential.id}.json")

    assert response.status_code == 200
    assert response.json() == credential.document
    assert "private" in response["Cache-Control"]


def test_a_revoked_credential_is_still_served(client, owner, published):
    credential = published()
    revoke(actor=owner, credential_id=credential.id, reason="Issued in error")
    assert client.get(f"/credential/{credential.id}.json").status_code == 200
    page = client.get(f"/credential/{credential.id}")
    assert page.status_code == 200 and b"revoked" in page.content


def test_the_credential_page_escapes_the_recipient_name(client, published):
    credential = published(name="<img src=x onerror=alert(1)>")
    page = client.get(f"/credential/{credential.id}")
    assert page.status_code == 200
    assert b"<img src=x" not in page.content
    assert b"&lt;img src=x onerror=alert(1)&gt;" in page.content
    assert f'href="/credential/{credential.id}.json"'.encode() in page.content
