"""A verification method at an HTTPS URL (a controller document, as in the 1EdTech test
vector) is resolved like a DID document: given offline, or fetched safely and cached."""

import copy
from datetime import UTC, datetime

import pytest

from laurel.vc.credential import AchievementInfo, IssuerProfile, Recipient, build_credential
from laurel.vc.errors import ResolutionError
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.proof import sign
from laurel.vc.resolver import Resolver
from laurel.vc.verify import verify_credential
from tests.vc.interop import controller_document

from .verify_helpers import NOW, Site

ISSUED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture
def controller(site):
    """An issuer identified by a URL on the local site, its key in its controller document."""
    key = generate_key()
    issuer = f"{site.base_url}/issuers/565049"
    method = f"{issuer}#key-1"
    document = controller_document(issuer, method, public_multikey(key.public_key()))
    site.put_json("/issuers/565049", document)
    unsigned = build_credential(
        credential_id=f"{site.base_url}/credentials/3527",
        issuer=IssuerProfile(id=issuer, name="Example Corp"),
        achievement=AchievementInfo(
            id=f"{site.base_url}/achievements/teamwork",
            name="Teamwork",
            description="Collaborates within a group.",
            criteria="Nominated by peers.",
        ),
        recipient=Recipient(name="Ada Lovelace", email="ada@example.org", salt="pepper"),
        valid_from=ISSUED,
    )
    signed = sign(unsigned, private_key=key, verification_method=method, created=ISSUED)
    return {"issuer": issuer, "method": method, "document": document, "credential": signed}


def test_a_controller_document_is_fetched_from_its_url(site, controller):
    assert Resolver().did_document(controller["method"]) == controller["document"]
    assert site.requests == ["/issuers/565049"]


def test_a_credential_whose_key_is_in_a_controller_document_verifies_online(site, controller):
    report = verify_credential(controller["credential"], resolver=Resolver(), now=NOW)
    assert report.valid and report.complete, report.to_text()
    assert report.check("issuer key").reason == (
        f"key {controller['method']} belongs to the issuer and is active"
    )


def test_a_fetched_controller_document_is_cached_and_read_back_offline(site, controller, tmp_path):
    Resolver(cache_dir=tmp_path).did_document(controller["method"])
    site.pages.clear()
    resolver = Resolver(offline=True, cache_dir=tmp_path)
    report = verify_credential(controller["credential"], resolver=resolver, now=NOW)
    assert report.valid and report.complete, report.to_text()


def test_a_given_controller_document_wins_and_nothing_is_fetched(site, controller):
    resolver = Resolver([controller["document"]], offline=True)
    report = verify_credential(controller["credential"], resolver=resolver, now=NOW)
    assert report.valid, report.to_text()
    assert site.requests == []


def test_a_controller_document_for_another_url_is_refused(site, controller):
    other = copy.deepcopy(controller["document"])
    other["id"] = f"{site.base_url}/issuers/other"
    site.put_json("/issuers/565049", other)
    with pytest.raises(ResolutionError, match="is for .*/issuers/other"):
        Resolver().did_document(controller["method"])


def test_a_controller_document_over_plain_http_is_refused_off_the_local_host(site):
    with pytest.raises(ResolutionError, match="not https"):
        Resolver().did_document("http://issuer.example/issuers/1#key-1")
    assert site.requests == []


def test_a_server_side_resolver_refuses_a_controller_document_on_loopback(site, controller):
    with pytest.raises(ResolutionError, match="127.0.0.1 is not a public host"):
        Resolver(public_only=True).did_document(controller["method"])
    assert site.requests == []


def test_an_unreachable_controller_document_leaves_the_proof_unchecked(site, controller):
    site.pages.clear()
    report = verify_credential(controller["credential"], resolver=Resolver(), now=NOW)
    assert report.check("proof").outcome == "could not check"
    assert "HTTP 404" in report.check("proof").reason
    assert not report.valid


def test_a_key_missing_from_the_controller_document_fails_the_proof(site, controller):
    emptied = copy.deepcopy(controller["document"])
    emptied["verificationMethod"] = []
    site.put_json("/issuers/565049", emptied)
    report = verify_credential(controller["credential"], resolver=Resolver(), now=NOW)
    assert report.check("proof").outcome == "failed"
    assert "is not in DID document" in report.check("proof").reason


def test_a_verification_method_url_resolves_to_its_method(controller):
    resolver = Resolver([controller["document"]], offline=True)
    method = resolver.resolve_verification_method(controller["method"])
    assert method["controller"] == controller["issuer"]
