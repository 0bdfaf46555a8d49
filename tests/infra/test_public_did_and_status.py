"""What a verifier fetches about an issuer: its DID document and its status lists."""

import json

import pytest

from laurel.credentials.services import revoke
from laurel.organizations.signing_keys import rotate_signing_key
from laurel.vc.proof import verify_proof
from laurel.vc.status_list import Bitstring

pytestmark = pytest.mark.django_db


def test_did_document_lists_the_active_and_the_retired_key(client, acme, owner):
    retired = acme.signing_keys.get()
    rotate_signing_key(actor=owner)

    response = client.get(f"/issuers/{acme.slug}/did.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/did+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["id"] == acme.did == "did:web:127.0.0.1%3A8000:issuers:acme-academy"
    methods = {method["id"]: method for method in document["verificationMethod"]}
    assert set(methods) == {key.verification_method for key in acme.signing_keys.all()}
    assert set(document["assertionMethod"]) == set(methods)
    assert "retiredAt" in methods[retired.verification_method]
    active = acme.signing_keys.get(status="active")
    assert "retiredAt" not in methods[active.verification_method]
    assert methods[active.verification_method]["publicKeyMultibase"] == active.public_key_multibase


def test_unknown_issuer_has_no_did_document(client, db):
    assert client.get("/issuers/nobody/did.json").status_code == 404


def test_did_document_is_not_writable(client, acme):
    assert client.post(f"/issuers/{acme.slug}/did.json").status_code == 405


def test_status_list_is_signed_by_the_issuer_and_cacheable(client, acme, published, resolve_did):
    credential = published()
    entry = credential.document["credentialStatus"]
    entry = entry[0] if isinstance(entry, list) else entry

    response = client.get(entry["statusListCredential"].removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in response["Cache-Control"] and response["ETag"]
    document = response.json()
    assert "BitstringStatusListCredential" in document["type"]
    assert document["id"] == entry["statusListCredential"]
    assert verify_proof(document, resolve=resolve_did(acme)).ok
    bits = Bitstring.decode(document["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"])) is False


def test_revocation_shows_in_the_status_list_at_once(client, owner, published):
    credential = published()
    entry = credential.document["credentialStatus"]
    entry = entry[0] if isinstance(entry, list) else entry
    path = entry["statusListCredential"].removeprefix("http://127.0.0.1:8000")
    before = client.get(path)
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304

    revoke(actor=owner, credential_id=credential.id, reason="Issued in error")

    after = client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    bits = Bitstring.decode(json.loads(after.content)["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"])) is True


def test_unknown_status_list_is_not_found(client, db):
    assert client.get("/status/no-such-list").status_code == 404
