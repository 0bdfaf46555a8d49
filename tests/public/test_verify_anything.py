"""/verify: by id, by address, by file (JSON, baked PNG, baked SVG, PDF), any issuer."""

from __future__ import annotations

import http.server
import io
import json
import re
import threading
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def _checks(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-check="([^"]+)" data-outcome="([^"]+)"', html))


def _upload(client, name: str, content: bytes, content_type="application/octet-stream") -> str:
    response = client.post("/verify", {"file": SimpleUploadedFile(name, content, content_type)})
    assert response.status_code == 200
    return response.content.decode()


ALL_PASSED = {
    "proof": "passed",
    "issuer key": "passed",
    "status": "passed",
    "validity dates": "passed",
    "schema": "passed",
}


def test_by_id_and_by_url_show_the_same_checks_as_the_page(client, valid_credential):
    by_id = client.get(f"/verify?reference={valid_credential.pk}").content.decode()
    by_url = client.post("/verify", {"reference": valid_credential.url}).content.decode()
    by_json_url = client.post("/verify", {"reference": f"{valid_credential.url}.json"})
    for html in (by_id, by_url, by_json_url.content.decode()):
        assert _checks(html) == ALL_PASSED
        assert "Ada Lovelace" in html


def test_a_revoked_id_is_not_valid(client, revoked_credential):
    html = client.get(f"/verify?reference={revoked_credential.pk}").content.decode()
    assert _checks(html)["status"] == "failed"
    assert "Issued to the wrong cohort" in html


def test_an_unknown_id_is_one_sentence(client):
    html = client.get(f"/verify?reference={'q' * 32}").content.decode()
    assert "No credential with this id was issued here." in html


def test_each_file_kind_is_read_and_verified(client, valid_credential):
    base = f"/credential/{valid_credential.pk}"
    files = {
        "credential.json": client.get(f"{base}.json").content,
        "badge.png": client.get(f"{base}.png").content,
        "badge.svg": client.get(f"{base}.svg").content,
        "certificate.pdf": _pdf_with(valid_credential.document),
    }
    for name, content in files.items():
        html = _upload(client, name, content)
        assert _checks(html) == ALL_PASSED, name
        assert "Data Analysis with Python" in html, name
        assert "Valid</h2>" in html, name


def test_a_tampered_file_fails_its_signature(client, valid_credential):
    document = dict(valid_credential.document, validUntil="2099-01-01T00:00:00Z")
    html = _upload(client, "credential.json", json.dumps(document).encode())
    assert _checks(html)["proof"] == "failed"
    assert "Not valid</h2>" in html


def test_files_that_hold_no_credential_get_a_sentence(client):
    from PIL import Image

    plain_png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(plain_png, format="PNG")
    cases = {
        "notes.txt": b"hello, this is not a credential",
        "broken.json": b'{"@context": [,}',
        "array.json": b"[1, 2, 3]",
        "thing.json": b'{"name": "not a credential"}',
        "plain.png": plain_png.getvalue(),
        "plain.svg": b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "empty.json": b"",
    }
    for name, content in cases.items():
        html = _upload(client, name, content)
        assert "Nothing to verify" in html, name
        assert "data-check=" not in html, name
    assert "malformed JSON" in _upload(client, "broken.json", cases["broken.json"])


def test_an_oversized_file_is_refused_before_it_is_read(client, settings):
    settings.LAUREL_VERIFY_MAX_UPLOAD_BYTES = 1024
    html = _upload(client, "big.json", b"{" + b" " * 4096 + b"}")
    assert "The file is too large" in html


def test_a_url_on_a_private_address_is_refused(client, valid_credential, settings):
    settings.LAUREL_VERIFY_ALLOW_PRIVATE_URLS = False
    with _serving(json.dumps(valid_credential.document).encode()) as url:
        html = client.post("/verify", {"reference": url}).content.decode()
        assert "not a public host" in html
        assert "data-check=" not in html
        settings.LAUREL_VERIFY_ALLOW_PRIVATE_URLS = True
        allowed = client.post("/verify", {"reference": url}).content.decode()
        assert _checks(allowed) == ALL_PASSED


def test_neither_id_nor_url_is_a_sentence(client):
    html = client.post("/verify", {"reference": "hello there"}).content.decode()
    assert "neither a credential id nor a web address" in html


@pytest.mark.interop
@pytest.mark.xdist_group("node")
def test_a_credential_signed_by_the_digital_bazaar_stack_verifies(client):
    html = _upload(client, "elsewhere.json", digital_bazaar_credential())
    assert _checks(html) == ALL_PASSED
    assert "Elsewhere University" in html
    assert "Rachel Carson" in html


def digital_bazaar_credential() -> bytes:
    """A credential of another issuer (a did:key), signed by Digital Bazaar's libraries."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from laurel.vc.credential import AchievementInfo, IssuerProfile, Recipient, build_credential
    from laurel.vc.did import did_key
    from tests.vc.interop import sign_in_js

    seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    public = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed)).public_key()
    did, document = did_key(public)
    from datetime import UTC, datetime

    unsigned = build_credential(
        credential_id="https://elsewhere.example/credentials/1",
        issuer=IssuerProfile(id=did, name="Elsewhere University"),
        achievement=AchievementInfo(
            id="https://elsewhere.example/achievements/1",
            name="Marine Biology",
            description="Field course.",
            criteria="Completed the field course.",
        ),
        recipient=Recipient(name="Rachel Carson", email="rachel@example.org"),
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
        valid_until=None,
    )
    [signed] = sign_in_js(
        [
            {
                "credential": unsigned,
                "verificationMethod": document["assertionMethod"][0],
                "key": {"seed": seed},
            }
        ]
    )
    return json.dumps(signed["credential"]).encode()


def _pdf_with(document: dict) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("credential.json", json.dumps(document).encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@contextmanager
def _serving(body: bytes):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/credential.json"
    finally:
        server.shutdown()
        server.server_close()
