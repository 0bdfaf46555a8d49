import copy
import io
import json
import os
import socket
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from laurel.cli import main as laurel_main
from laurel.vc.baking import bake_png, bake_svg
from laurel.vc.cli import verify_main
from laurel.vc.credential import StatusEntry

from .verify_helpers import Issuer, Site

CONSOLE_SCRIPT = Path(sys.executable).parent / "laurel"


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture
def issuer(site):
    organization = Issuer(site.base_url)
    site.put_json(organization.did_path(), organization.did_document())
    site.put_json("/status/r", organization.status_list("r"))
    return organization


@pytest.fixture
def credential(issuer):
    return issuer.credential(status=(StatusEntry(issuer.list_url("r"), 11),))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    # Never touch the user's own cache, in this process or in a child.
    directory = tmp_path / "cache"
    monkeypatch.setenv("LAUREL_VERIFY_CACHE", str(directory))
    return directory


def write_json(path: Path, document) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def pdf_with(attachments: dict[str, bytes]) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(300, 200)
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def run_laurel(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAUREL_VERIFY_CACHE": str(cache)}
    env.pop("LAUREL_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "laurel.cli", "verify", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def assert_one_line_reason(stderr: str, expected: str) -> None:
    assert "Traceback" not in stderr
    assert "internal error" not in stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("laurel verify: ")
    assert expected in stderr


# ---- through the installed command, in a child process ----------------------------


def test_the_console_script_verifies_a_json_credential(tmp_path, credential, cache):
    path = write_json(tmp_path / "credential.json", credential)
    env = {**os.environ, "LAUREL_VERIFY_CACHE": str(cache)}
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "verify", path], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    for name in ("proof", "issuer key", "status", "validity dates", "schema"):
        assert any(line.startswith(name + " ") and " passed " in line for line in lines), name
    assert lines[-1] == "VALID: every check passed"


def test_json_output_is_machine_readable(tmp_path, credential, cache):
    result = run_laurel(write_json(tmp_path / "c.json", credential), "--json", cache=cache)
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["complete"] is True
    assert {c["name"]: c["outcome"] for c in report["checks"]}["status"] == "passed"


def test_a_revoked_credential_exits_1_with_the_reason(tmp_path, site, issuer, credential, cache):
    issuer.set_bit("r", 11)
    site.put_json("/status/r", issuer.status_list("r"))
    result = run_laurel(write_json(tmp_path / "c.json", credential), cache=cache)
    assert result.returncode == 1
    assert "status          failed" in result.stdout
    assert_one_line_reason(result.stderr, "not valid: status failed: revoked (bit 11 of")


def _two_chunk_png(credential) -> bytes:
    baked = bake_png(png_bytes(), credential)
    body = b"openbadgecredential\x00\x00\x00\x00\x00" + json.dumps(credential).encode()
    crc = struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + crc
    return baked[:-12] + chunk + baked[-12:]


def _bad_inputs(credential) -> dict[str, tuple[bytes, str, int]]:
    """name -> (file content, expected reason, exit status)"""

    def altered(change) -> bytes:
        document = copy.deepcopy(credential)
        change(document)
        return json.dumps(document).encode()

    proof = credential["proof"][0]
    return {
        "malformed JSON": (b'{"type": [', "malformed JSON:", 2),
        "a list instead of an object": (b"[]", "the JSON is a list, not a credential object", 2),
        "type missing": (
            altered(lambda d: d.pop("type")),
            "not a verifiable credential: 'type' is missing",
            2,
        ),
        "wrong type: issuer is a number": (
            altered(lambda d: d.update(issuer=42)),
            "not a verifiable credential: 'issuer' (or its 'id') is missing",
            2,
        ),
        "wrong type: proof is a string": (
            altered(lambda d: d.update(proof="z3FXQ")),
            "proof failed: the proof is not a JSON object",
            1,
        ),
        "wrong type: validFrom is a number": (
            altered(lambda d: d.update(validFrom=20260110)),
            "proof failed: the signature does not match",
            1,
        ),
        "wrong type: a 5000-digit number": (
            json.dumps(credential)[:-1].encode() + b', "x": ' + b"7" * 5000 + b"}",
            "malformed JSON: Exceeds the limit (4300 digits)",
            2,
        ),
        "wrong type: a 5000-digit status index": (
            altered(lambda d: d["credentialStatus"].update(statusListIndex="7" * 5000)),
            "proof failed: the signature does not match",
            1,
        ),
        "missing proof": (
            altered(lambda d: d.pop("proof")),
            "proof failed: the document has no proof",
            1,
        ),
        "doubled proof": (
            altered(lambda d: d["proof"].append(dict(proof))),
            "the document has 2 proofs",
            1,
        ),
        "unknown cryptosuite": (
            altered(lambda d: d["proof"][0].update(cryptosuite="bbs-2023")),
            "unknown cryptosuite 'bbs-2023'",
            1,
        ),
        "tampered value": (
            altered(lambda d: d.update(name="Forged")),
            "proof failed: the signature does not match",
            1,
        ),
        "truncated signature": (
            altered(lambda d: d["proof"][0].update(proofValue=proof["proofValue"][:30])),
            "truncated or corrupted",
            1,
        ),
        "unknown DID method": (
            altered(lambda d: d["proof"][0].update(verificationMethod="did:ion:EiAbc#k")),
            "unknown DID method did:ion",
            1,
        ),
        "PNG with two credential chunks": (
            _two_chunk_png(credential),
            "the PNG carries 2 credential chunks",
            2,
        ),
        "PDF with none": (
            pdf_with({"notes.txt": b"no credential here"}),
            "the PDF carries no credential",
            2,
        ),
    }


BAD_INPUT_NAMES = [
    "malformed JSON",
    "a list instead of an object",
    "type missing",
    "wrong type: issuer is a number",
    "wrong type: proof is a string",
    "wrong type: validFrom is a number",
    "wrong type: a 5000-digit number",
    "wrong type: a 5000-digit status index",
    "missing proof",
    "doubled proof",
    "unknown cryptosuite",
    "tampered value",
    "truncated signature",
    "unknown DID method",
    "PNG with two credential chunks",
    "PDF with none",
]


@pytest.mark.parametrize("name", BAD_INPUT_NAMES)
def test_bad_input_gives_one_line_and_a_nonzero_exit(name, tmp_path, credential, cache):
    content, reason, status = _bad_inputs(credential)[name]
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    result = run_laurel(str(path), cache=cache)
    assert result.returncode == status, result.stderr
    assert_one_line_reason(result.stderr, reason)


def test_a_50_mb_document_is_refused_without_reading_it(tmp_path, cache):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    result = run_laurel(str(path), cache=cache)
    assert result.returncode == 2
    assert_one_line_reason(result.stderr, "the document is too large (50.0 MB); the limit is 10 MB")


def test_a_missing_file_is_named(tmp_path, cache):
    result = run_laurel(str(tmp_path / "nowhere.json"), cache=cache)
    assert result.returncode == 2
    assert_one_line_reason(result.stderr, f"no such file: {tmp_path / 'nowhere.json'}")


def test_an_unreachable_url_is_reported(cache):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_laurel(f"http://127.0.0.1:{port}/credential/abc", cache=cache)
    assert result.returncode == 2
    assert_one_line_reason(result.stderr, f"could not fetch http://127.0.0.1:{port}/credential/abc")


def test_a_url_to_the_verification_page_falls_back_to_its_json(site, credential, cache):
    site.pages["/credential/abc"] = (200, "text/html; charset=utf-8", b"<html>page</html>")
    site.put_json("/credential/abc.json", credential, "application/vc+ld+json")
    result = run_laurel(site.base_url + "/credential/abc", cache=cache)
    assert result.returncode == 0, result.stderr
    assert site.requests[:2] == ["/credential/abc", "/credential/abc.json"]


def test_offline_without_the_did_document_is_not_valid_and_says_why(tmp_path, credential, cache):
    result = run_laurel(write_json(tmp_path / "c.json", credential), "--offline", cache=cache)
    assert result.returncode == 1
    assert "issuer key      could not check" in result.stdout
    assert_one_line_reason(result.stderr, "was not given and is not cached (offline)")


def test_offline_with_the_did_document_and_status_list_given(tmp_path, issuer, credential, cache):
    path = write_json(tmp_path / "c.json", credential)
    did = write_json(tmp_path / "did.json", issuer.did_document())
    status = write_json(tmp_path / "status.json", issuer.status_list("r"))
    result = run_laurel(path, "--offline", "--did", did, "--status-list", status, cache=cache)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "VALID: every check passed"


def test_offline_reads_what_an_online_run_cached(tmp_path, site, credential, cache):
    path = write_json(tmp_path / "c.json", credential)
    assert run_laurel(path, cache=cache).returncode == 0
    site.pages.clear()
    result = run_laurel(path, "--offline", "--strict", cache=cache)
    assert result.returncode == 0, result.stderr + result.stdout


# ---- in this process -------------------------------------------------------------


def test_baked_png_svg_and_pdf_all_verify(tmp_path, credential, cache, capsys):
    (tmp_path / "badge.png").write_bytes(bake_png(png_bytes(), credential))
    svg = bake_svg('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', credential)
    (tmp_path / "badge.svg").write_text(svg, encoding="utf-8")
    (tmp_path / "certificate.pdf").write_bytes(
        pdf_with({"credential.json": json.dumps(credential).encode()})
    )
    for name in ("badge.png", "badge.svg", "certificate.pdf"):
        assert verify_main([str(tmp_path / name)]) == 0, capsys.readouterr().err
        assert capsys.readouterr().out.splitlines()[-1] == "VALID: every check passed"


def test_the_laurel_command_dispatches_to_verify(tmp_path, credential, cache, capsys):
    assert laurel_main(["verify", write_json(tmp_path / "c.json", credential), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_strict_fails_when_the_status_could_not_be_checked(
    tmp_path, site, credential, cache, capsys
):
    del site.pages["/status/r"]
    path = write_json(tmp_path / "c.json", credential)
    assert verify_main([path]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "VALID, but could not check: status"
    assert verify_main([path, "--strict"]) == 1
    assert_one_line_reason(capsys.readouterr().err, "not every check could be run")


def test_an_unknown_option_is_one_line_and_exit_2(capsys):
    assert verify_main(["c.json", "--colour"]) == 2
    assert_one_line_reason(capsys.readouterr().err, "unrecognized arguments: --colour")


def test_no_argument_is_one_line_and_exit_2(capsys):
    assert verify_main([]) == 2
    assert_one_line_reason(capsys.readouterr().err, "required: FILE|URL")


def test_help_explains_validity_and_exit_status(capsys):
    assert verify_main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "Exit status: 0 valid; 1 not valid" in text
    assert "could not check" in text


def test_a_did_file_that_is_not_json_is_refused(tmp_path, credential, cache, capsys):
    bad = tmp_path / "did.json"
    bad.write_text("{nope", encoding="utf-8")
    assert verify_main([write_json(tmp_path / "c.json", credential), "--did", str(bad)]) == 2
    assert_one_line_reason(capsys.readouterr().err, f"{bad}: malformed JSON")


def test_a_url_cannot_be_verified_offline(cache, capsys):
    assert verify_main(["https://laurel.example/credential/abc", "--offline"]) == 2
    assert_one_line_reason(
        capsys.readouterr().err, "cannot fetch https://laurel.example/credential/abc offline"
    )


def test_a_credential_can_be_read_from_standard_input(credential, cache, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(credential).encode())))
    assert verify_main(["-"]) == 0


def test_a_url_answering_more_than_the_size_limit_is_refused(site, cache, capsys):
    site.pages["/credential/big.json"] = (200, "application/json", b" " * (10 * 1024 * 1024 + 1))
    assert verify_main([site.base_url + "/credential/big.json"]) == 2
    assert_one_line_reason(capsys.readouterr().err, "is too large")


def test_a_did_file_without_an_id_is_refused(tmp_path, credential, cache, capsys):
    did = write_json(tmp_path / "did.json", {"verificationMethod": []})
    assert verify_main([write_json(tmp_path / "c.json", credential), "--did", did]) == 2
    assert_one_line_reason(capsys.readouterr().err, "expected a JSON document with an 'id'")


def test_a_directory_is_not_a_credential(tmp_path, cache, capsys):
    assert verify_main([str(tmp_path)]) == 2
    assert_one_line_reason(capsys.readouterr().err, "is a directory")
