import copy
import json
from datetime import timedelta

import pytest

from laurel.vc.credential import StatusEntry
from laurel.vc.errors import VCError
from laurel.vc.resolver import Resolver
from laurel.vc.status_list import status_entry
from laurel.vc.verify import verify_credential

from .verify_helpers import ISSUED, NOW, Issuer, Site, in_days


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture
def issuer(site):
    organization = Issuer(site.base_url)
    publish(site, organization)
    return organization


def publish(site: Site, issuer: Issuer, *lists: tuple[str, str]) -> None:
    """Serve the issuer's DID document and the named status lists as they stand now."""
    site.put_json(issuer.did_path(), issuer.did_document())
    for name, purpose in lists:
        site.put_json(f"/status/{name}", issuer.status_list(name, purpose))


def outcomes(report) -> dict[str, str]:
    return {check.name: check.outcome for check in report.checks}


def verify(document, resolver=None):
    return verify_credential(document, resolver=resolver or Resolver(), now=NOW)


def test_a_freshly_issued_credential_passes_every_check(issuer):
    report = verify(issuer.credential())
    assert outcomes(report) == {
        "proof": "passed",
        "issuer key": "passed",
        "status": "passed",
        "validity dates": "passed",
        "schema": "passed",
    }
    assert report.valid and report.complete
    assert report.summary() == "VALID: every check passed"


def test_the_text_report_has_one_line_per_check_and_a_verdict(issuer):
    lines = verify(issuer.credential()).to_text().splitlines()
    check_lines = [line for line in lines if line.split("  ")[0].strip() in outcomes_names()]
    assert [line.split("  ")[0].strip() for line in check_lines] == list(outcomes_names())
    assert all(" passed " in line for line in check_lines)
    assert lines[-1] == "VALID: every check passed"


def outcomes_names():
    return ("proof", "issuer key", "status", "validity dates", "schema")


def test_the_json_report_carries_the_verdict_and_every_check(issuer):
    data = json.loads(json.dumps(verify(issuer.credential()).to_dict()))
    assert data["valid"] is True and data["complete"] is True
    assert data["credential"]["issuer"] == issuer.did
    assert [c["name"] for c in data["checks"]] == list(outcomes_names())
    assert all(c["outcome"] == "passed" and c["reason"] for c in data["checks"])


def test_a_revoked_credential_fails_the_status_check(site, issuer):
    entry = StatusEntry(issuer.list_url("r"), 4242)
    credential = issuer.credential(status=(entry,))
    publish(site, issuer, ("r", "revocation"))
    assert verify(credential).valid

    issuer.set_bit("r", 4242)
    publish(site, issuer, ("r", "revocation"))  # the list is re-signed with the bit set
    report = verify(credential)
    assert report.check("status").outcome == "failed"
    assert report.check("status").reason == f"revoked (bit 4242 of {issuer.list_url('r')} is set)"
    assert not report.valid
    assert report.summary() == "NOT VALID: status failed"


def test_a_suspended_credential_fails_until_the_suspension_is_lifted(site, issuer):
    entry = StatusEntry(issuer.list_url("s"), 7, purpose="suspension")
    credential = issuer.credential(status=(entry,))
    issuer.set_bit("s", 7)
    publish(site, issuer, ("s", "suspension"))
    report = verify(credential)
    assert report.check("status").outcome == "failed"
    assert report.check("status").reason.startswith("suspended (bit 7 of")

    issuer.set_bit("s", 7, False)
    publish(site, issuer, ("s", "suspension"))
    assert verify(credential).check("status").reason.startswith("not suspended (bit 7 of")


def test_every_status_entry_is_checked(site, issuer):
    # The OB schema allows one entry; a plain VC 2.0 credential may carry several.
    credential = issuer.sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:6a1e7f5c-0a5e-4a43-9a57-2f0cf1b1d7e4",
            "type": ["VerifiableCredential"],
            "issuer": issuer.did,
            "validFrom": "2026-01-10T09:00:00Z",
            "credentialSubject": {"id": "did:example:ada"},
            "credentialStatus": [
                status_entry(issuer.list_url("r"), 1),
                status_entry(issuer.list_url("s"), 2, "suspension"),
            ],
        }
    )
    publish(site, issuer, ("r", "revocation"), ("s", "suspension"))
    assert verify(credential).check("status").outcome == "passed"
    issuer.set_bit("s", 2)
    publish(site, issuer, ("r", "revocation"), ("s", "suspension"))
    status = verify(credential).check("status")
    assert status.outcome == "failed"
    assert status.reason.startswith("suspended")


def test_a_status_list_whose_bits_were_altered_is_not_trusted(site, issuer):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 3),))
    forged = issuer.status_list("r")
    issuer.set_bit("r", 3)
    forged["credentialSubject"]["encodedList"] = issuer.lists["r"].encode()  # not re-signed
    site.put_json("/status/r", forged)
    status = verify(credential).check("status")
    assert status.outcome == "failed"
    assert "cannot be trusted" in status.reason and "signature does not match" in status.reason


def test_a_status_list_signed_by_another_issuer_is_not_trusted(site, issuer):
    other = Issuer(site.base_url, slug="other")
    publish(site, other)
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 3),))
    site.put_json("/status/r", other.status_list("r"))
    status = verify(credential).check("status")
    assert status.outcome == "failed"
    assert "not by the credential's issuer" in status.reason


def test_a_status_list_of_the_wrong_purpose_fails(site, issuer):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 3),))
    publish(site, issuer, ("r", "suspension"))
    status = verify(credential).check("status")
    assert status.outcome == "failed" and "is not a revocation list" in status.reason


def test_an_unreachable_status_list_could_not_be_checked_but_does_not_invalidate(issuer):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("missing"), 3),))
    report = verify(credential)
    assert report.check("status").outcome == "could not check"
    assert "HTTP 404" in report.check("status").reason
    assert report.valid and not report.complete
    assert report.summary() == "VALID, but could not check: status"


def test_one_resolver_fetches_a_status_list_once_for_many_credentials(site, issuer):
    publish(site, issuer, ("r", "revocation"))
    resolver = Resolver()
    for index in range(5):
        credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), index),))
        assert verify(credential, resolver).valid
    assert site.requests.count("/status/r") == 1
    assert site.requests.count(issuer.did_path()) == 1


def test_an_expired_credential_fails_the_dates_check(issuer):
    credential = issuer.credential(valid_until=NOW - timedelta(days=1))
    report = verify(credential)
    assert report.check("validity dates").outcome == "failed"
    assert report.check("validity dates").reason == "expired on 2026-05-31T12:00:00Z"
    assert report.check("proof").outcome == "passed"
    assert not report.valid


def test_a_credential_not_yet_valid_fails_the_dates_check(issuer):
    credential = issuer.credential(valid_from=in_days(30), signed_on=ISSUED)
    dates = verify(credential).check("validity dates")
    assert dates.outcome == "failed"
    assert dates.reason == "not valid yet: valid from 2026-07-01T12:00:00Z"


def test_a_credential_with_a_future_expiry_passes_the_dates_check(issuer):
    credential = issuer.credential(valid_until=in_days(365))
    dates = verify(credential).check("validity dates")
    assert dates.outcome == "passed"
    assert dates.reason == "valid from 2026-01-10T09:00:00Z, until 2027-06-01T12:00:00Z"


def test_a_tampered_value_fails_the_proof(issuer):
    credential = issuer.credential()
    credential["credentialSubject"]["achievement"]["name"] = "Python Mastery"
    report = verify(credential)
    assert report.check("proof").outcome == "failed"
    assert "signature does not match" in report.check("proof").reason
    assert not report.valid


def test_a_truncated_signature_fails_the_proof(issuer):
    credential = issuer.credential()
    credential["proof"][0]["proofValue"] = credential["proof"][0]["proofValue"][:40]
    proof = verify(credential).check("proof")
    assert proof.outcome == "failed" and "truncated" in proof.reason


def test_a_missing_proof_fails(issuer):
    credential = issuer.credential()
    del credential["proof"]
    report = verify(credential)
    assert report.check("proof").outcome == "failed"
    assert report.check("proof").reason == "the document has no proof"
    assert report.check("issuer key").outcome == "could not check"
    assert not report.valid


def test_a_doubled_proof_fails(issuer):
    credential = issuer.credential()
    credential["proof"].append(copy.deepcopy(credential["proof"][0]))
    proof = verify(credential).check("proof")
    assert proof.outcome == "failed" and "2 proofs" in proof.reason


def test_an_unknown_cryptosuite_fails(issuer):
    credential = issuer.credential()
    credential["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
    proof = verify(credential).check("proof")
    assert proof.outcome == "failed" and "unknown cryptosuite 'ecdsa-rdfc-2019'" in proof.reason


def test_an_unknown_did_method_could_not_be_checked_and_is_not_valid(issuer):
    credential = issuer.credential()
    credential["proof"][0]["verificationMethod"] = "did:ion:EiAbc#key-1"
    report = verify(credential)
    assert report.check("proof").outcome == "could not check"
    assert "unknown DID method did:ion" in report.check("proof").reason
    assert "unknown DID method did:ion" in report.check("issuer key").reason
    assert not report.valid


def test_offline_without_the_did_document_the_key_could_not_be_checked(issuer):
    report = verify(issuer.credential(), Resolver(offline=True))
    assert report.check("proof").outcome == "could not check"
    assert report.check("issuer key").outcome == "could not check"
    assert "was not given and is not cached (offline)" in report.check("issuer key").reason
    assert not report.valid
    assert report.summary() == "NOT VALID: could not check proof, issuer key"


def test_offline_with_the_did_document_given_the_credential_verifies(issuer):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 9),))
    resolver = Resolver([issuer.did_document()], offline=True)
    report = verify(credential, resolver)
    assert report.valid and not report.complete
    assert report.check("status").outcome == "could not check"

    resolver.add(issuer.status_list("r"))
    report = verify(credential, resolver)
    assert report.valid and report.complete


def test_offline_the_cache_written_online_is_used(site, issuer, tmp_path):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 9),))
    publish(site, issuer, ("r", "revocation"))
    assert verify(credential, Resolver(cache_dir=tmp_path)).complete
    site.pages.clear()
    report = verify(credential, Resolver(offline=True, cache_dir=tmp_path))
    assert report.valid and report.complete


def test_a_key_retired_before_it_signed_fails_the_issuer_key_check(site, issuer):
    issuer.retired["key-1"] = ISSUED - timedelta(days=1)
    issuer.add_key("key-2")
    publish(site, issuer)
    report = verify(issuer.credential(key_id="key-1"))
    key = report.check("issuer key")
    assert key.outcome == "failed"
    assert key.reason == (
        f"key {issuer.did}#key-1 was retired on 2026-01-09T09:00:00Z "
        "but signed on 2026-01-10T09:00:00Z"
    )
    assert report.check("proof").outcome == "passed"
    assert not report.valid


def test_a_key_retired_after_it_signed_still_verifies(site, issuer):
    credential = issuer.credential(key_id="key-1")
    issuer.retired["key-1"] = ISSUED + timedelta(days=30)
    issuer.add_key("key-2")
    publish(site, issuer)
    report = verify(credential)
    assert report.valid
    assert "before it was retired on 2026-02-09T09:00:00Z" in report.check("issuer key").reason
    assert verify(issuer.credential(key_id="key-2")).valid


def test_a_key_missing_from_the_did_document_fails_the_issuer_key_check(site, issuer):
    credential = issuer.credential()
    issuer.keys.clear()
    issuer.add_key("key-9")
    publish(site, issuer)
    report = verify(credential)
    assert report.check("issuer key").outcome == "failed"
    assert "is not in DID document" in report.check("issuer key").reason
    assert report.check("proof").outcome == "failed"
    assert "the signing key is not usable" in report.check("proof").reason
    assert not report.valid


def test_a_key_not_authorized_for_assertion_fails(site, issuer):
    credential = issuer.credential()
    document = issuer.did_document()
    document["assertionMethod"] = []
    site.put_json(issuer.did_path(), document)
    report = verify(credential)
    assert report.check("proof").outcome == "failed"
    assert report.check("issuer key").outcome == "failed"
    assert "not listed under assertionMethod" in report.check("issuer key").reason


def test_a_key_controlled_by_someone_else_fails(site, issuer):
    credential = issuer.credential()
    document = issuer.did_document()
    document["verificationMethod"][0]["controller"] = "did:web:elsewhere.example"
    site.put_json(issuer.did_path(), document)
    report = verify(credential)
    assert report.check("issuer key").outcome == "failed"
    assert "not by the issuer" in report.check("issuer key").reason
    assert not report.valid


def test_a_credential_failing_the_schema_says_where(issuer):
    credential = issuer.credential()
    del credential["credentialSubject"]
    schema = verify(credential).check("schema")
    assert schema.outcome == "failed"
    assert schema.reason.startswith("OB 3.0 schema:") and "credentialSubject" in schema.reason


def test_a_date_that_is_a_number_fails_the_dates_and_schema_checks(issuer):
    credential = issuer.credential()
    credential["validFrom"] = 20260110
    report = verify(credential)
    assert report.check("validity dates").outcome == "failed"
    assert report.check("validity dates").reason == "validFrom 20260110 is not a date and time"
    assert report.check("schema").outcome == "failed"


def test_a_credential_that_is_not_an_open_badge_has_no_schema_to_check(issuer):
    status_list = issuer.status_list("r")
    report = verify(status_list)
    assert report.check("schema").outcome == "could not check"
    assert report.check("proof").outcome == "passed"
    assert report.valid


def test_a_document_that_is_not_a_credential_is_refused():
    with pytest.raises(VCError, match="'type' is missing"):
        verify({"@context": [], "issuer": "did:web:x"})


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update({"@context": [*d["@context"], {"name": "https://evil.example/name"}]}),
        lambda d: d.update({"@context": 5}),
        lambda d: d.update(proof="abc"),
        lambda d: d.update(id=5),
        lambda d: d.update(credentialStatus="x"),
    ],
    ids=["redefined term", "context number", "proof string", "id number", "status string"],
)
def test_hostile_shapes_fail_the_proof_instead_of_crashing(issuer, change):
    credential = issuer.credential()
    change(credential)
    report = verify(credential)
    assert report.check("proof").outcome == "failed"
    assert not report.valid


def test_a_credential_issued_by_a_did_key_verifies_without_the_network(issuer):
    from laurel.vc.did import did_key
    from laurel.vc.keys import generate_key
    from laurel.vc.proof import sign

    key = generate_key()
    did, document = did_key(key.public_key())
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1b0a5a47-5d7e-4b8a-9a51-0f1f3e6c2f10",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-10T09:00:00Z",
        "credentialSubject": {"id": "did:example:ada"},
    }
    signed = sign(
        unsigned, private_key=key, verification_method=document["verificationMethod"][0]["id"]
    )
    report = verify(signed, Resolver(offline=True))
    assert report.check("proof").outcome == "passed"
    assert report.check("issuer key").outcome == "passed"
    assert report.valid


def test_a_key_from_another_did_document_claiming_the_issuer_as_controller_fails(site, issuer):
    # An impostor publishes a DID document whose key says "controller: <the victim>".
    impostor = Issuer(site.base_url, slug="impostor")
    document = impostor.did_document()
    document["verificationMethod"][0]["controller"] = issuer.did
    site.put_json(impostor.did_path(), document)
    forged = impostor.sign(issuer.unsigned_credential())
    report = verify(forged)
    assert report.check("issuer key").outcome == "failed"
    assert report.check("issuer key").reason == (
        f"key {impostor.did}#key-1 is not in the issuer's DID document ({issuer.did})"
    )
    assert not report.valid


def test_a_status_list_replaced_on_the_resolver_is_judged_again(issuer):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 5),))
    resolver = Resolver([issuer.did_document(), issuer.status_list("r")], offline=True)
    assert verify(credential, resolver).check("status").outcome == "passed"
    issuer.set_bit("r", 5)
    resolver.add(issuer.status_list("r"))
    assert verify(credential, resolver).check("status").outcome == "failed"


@pytest.mark.parametrize("index", ["9" * 5000, "9" * 19])
def test_a_status_index_too_long_for_any_list_fails_the_status_check(issuer, index):
    credential = issuer.credential(status=(StatusEntry(issuer.list_url("r"), 5),))
    credential["credentialStatus"]["statusListIndex"] = index
    resolver = Resolver([issuer.did_document(), issuer.status_list("r")], offline=True)
    status = verify(credential, resolver).check("status")
    assert status.outcome == "failed"
    assert status.reason.startswith("statusListIndex '99999")
    assert status.reason.endswith("is not a whole number of at most 18 digits")
    assert len(status.reason) < 150


def test_a_context_laurel_does_not_ship_fails_the_proof_naming_the_context(issuer):
    credential = issuer.credential()
    credential["@context"] = [*credential["@context"], "https://contexts.example/extra.jsonld"]
    resolver = Resolver([issuer.did_document()], offline=True)
    proof = verify(credential, resolver).check("proof")
    assert proof.outcome == "failed"
    assert proof.reason == (
        "the document cannot be verified: JSON-LD context "
        "'https://contexts.example/extra.jsonld' is not one Laurel ships; refusing to fetch it"
    )
