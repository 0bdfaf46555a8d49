import json
import socket

import pytest

from laurel.vc.did import did_key
from laurel.vc.errors import ResolutionError, VCError
from laurel.vc.keys import generate_key
from laurel.vc.resolver import MAX_FETCH_BYTES, Resolver, default_cache_dir, fetch_url

from .verify_helpers import Issuer, Site


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture
def issuer(site):
    organization = Issuer(site.base_url)
    site.put_json(organization.did_path(), organization.did_document())
    return organization


def test_a_did_web_document_is_fetched_from_its_did_json(site, issuer):
    assert Resolver().did_document(issuer.did) == issuer.did_document()
    assert site.requests == ["/issuers/demo/did.json"]


def test_a_verification_method_is_found_in_its_did_document(issuer):
    method = Resolver().resolve_verification_method(f"{issuer.did}#key-1")
    assert method["id"] == f"{issuer.did}#key-1"
    assert method["controller"] == issuer.did
    assert method["publicKeyMultibase"].startswith("z6Mk")


def test_a_verification_method_not_in_the_document_is_refused(issuer):
    with pytest.raises(ResolutionError, match="not in DID document"):
        Resolver().resolve_verification_method(f"{issuer.did}#key-404")


def test_a_did_key_is_resolved_without_the_network():
    did, document = did_key(generate_key().public_key())
    resolver = Resolver(offline=True)
    assert resolver.did_document(did) == document
    assert resolver.resolve_verification_method(document["verificationMethod"][0]["id"])


def test_a_damaged_did_key_is_refused():
    with pytest.raises(ResolutionError, match="not a valid Ed25519 did:key"):
        Resolver().did_document("did:key:z6MkNOTAKEY")


@pytest.mark.parametrize(
    "did, shown",
    [
        ("did:ion:EiAbc", "did:ion"),
        ("did:example:123#k", "did:example"),
        ("not-a-did", "'not-a-did'"),
    ],
)
def test_an_unknown_did_method_is_refused_by_name(did, shown):
    with pytest.raises(ResolutionError, match=f"unknown DID method {shown}"):
        Resolver().did_document(did)


def test_given_documents_win_over_the_network(site, issuer):
    given = issuer.did_document()
    given["note"] = "given"
    assert Resolver([given]).did_document(issuer.did)["note"] == "given"
    assert site.requests == []


def test_a_document_without_an_id_cannot_be_given():
    with pytest.raises(VCError, match="with an 'id'"):
        Resolver([{"verificationMethod": []}])


def test_offline_nothing_is_fetched(site, issuer):
    with pytest.raises(ResolutionError, match="not given and is not cached \\(offline\\)"):
        Resolver(offline=True).did_document(issuer.did)
    assert site.requests == []


def test_the_cache_is_written_online_and_read_offline(site, issuer, tmp_path):
    Resolver(cache_dir=tmp_path).did_document(issuer.did)
    assert len(list(tmp_path.glob("*.json"))) == 1
    site.pages.clear()
    assert Resolver(offline=True, cache_dir=tmp_path).did_document(issuer.did)["id"] == issuer.did


def test_a_damaged_cache_entry_counts_as_missing(site, issuer, tmp_path):
    Resolver(cache_dir=tmp_path).did_document(issuer.did)
    for entry in tmp_path.glob("*.json"):
        entry.write_text("{half", encoding="utf-8")
    with pytest.raises(ResolutionError, match="not cached"):
        Resolver(offline=True, cache_dir=tmp_path).did_document(issuer.did)


def test_a_did_document_for_another_did_is_refused(site, issuer):
    other = Issuer(site.base_url, slug="other")
    site.put_json(issuer.did_path(), other.did_document())
    with pytest.raises(ResolutionError, match="is for .*other"):
        Resolver().did_document(issuer.did)


def test_a_missing_status_list_reports_the_http_status(site):
    with pytest.raises(ResolutionError, match="HTTP 404"):
        Resolver().status_list_credential(site.base_url + "/status/none")


def test_a_status_list_that_is_not_json_is_refused(site):
    site.pages["/status/x"] = (200, "text/html", b"<html></html>")
    with pytest.raises(ResolutionError, match="is not valid JSON"):
        Resolver().status_list_credential(site.base_url + "/status/x")


def test_an_oversized_answer_is_refused(site):
    site.pages["/big"] = (200, "application/json", b" " * (MAX_FETCH_BYTES + 1))
    with pytest.raises(ResolutionError, match="too large"):
        fetch_url(site.base_url + "/big")


def test_an_unreachable_host_is_reported_in_one_line():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        ResolutionError, match=f"could not fetch http://127.0.0.1:{port}/x"
    ) as caught:
        fetch_url(f"http://127.0.0.1:{port}/x")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "/status/1"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(ResolutionError, match="only http and https"):
        fetch_url(url)


def test_the_default_cache_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LAUREL_VERIFY_CACHE", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("LAUREL_VERIFY_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "laurel" / "verify"


def test_a_status_list_is_keyed_by_its_url_without_fragment(issuer):
    status_list = issuer.status_list("r")
    resolver = Resolver([status_list], offline=True)
    assert resolver.status_list_credential(issuer.list_url("r") + "#list") == status_list
    assert json.dumps(status_list)


def test_a_server_side_resolver_refuses_loopback_and_private_hosts(site, issuer):
    with pytest.raises(ResolutionError, match="127.0.0.1 is not a public host"):
        Resolver(public_only=True).did_document(issuer.did)
    with pytest.raises(ResolutionError, match="not a public host"):
        fetch_url("http://10.0.0.1/status/1", public_only=True)
    assert site.requests == []


def test_a_redirect_to_a_non_http_url_is_refused(site):
    site.pages["/moved"] = (302, "text/plain", b"")
    site.headers["/moved"] = {"Location": "file:///etc/passwd"}
    with pytest.raises(ResolutionError, match="refused redirect"):
        fetch_url(site.base_url + "/moved")


def test_a_redirect_to_another_page_is_followed(site):
    site.pages["/moved"] = (301, "text/plain", b"")
    site.headers["/moved"] = {"Location": "/status/here"}
    site.put_json("/status/here", {"id": "here"})
    assert json.loads(fetch_url(site.base_url + "/moved")[0]) == {"id": "here"}
