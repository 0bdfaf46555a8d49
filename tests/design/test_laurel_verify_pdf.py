"""`laurel verify certificate.pdf` accepts a rendered certificate carrying its credential."""

import pytest

from laurel.design import render_pdf
from laurel.vc.cli import verify_main
from laurel.vc.credential import StatusEntry
from tests.vc.verify_helpers import Issuer, Site

from .helpers import prepared_starter, values


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture
def credential(site, tmp_path, monkeypatch):
    monkeypatch.setenv("LAUREL_VERIFY_CACHE", str(tmp_path / "cache"))
    issuer = Issuer(site.base_url)
    site.put_json(issuer.did_path(), issuer.did_document())
    site.put_json("/status/r", issuer.status_list("r"))
    return issuer.credential(status=(StatusEntry(issuer.list_url("r"), 11),))


@pytest.mark.parametrize("design", ["certificate-classic", "certificate-modern"])
def test_rendered_certificate_verifies(design, credential, tmp_path, capsys):
    pdf = render_pdf(
        prepared_starter(design), values(recipient_name="نور الهدى"), credential=credential
    )
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    assert verify_main([str(path)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.splitlines()[-1] == "VALID: every check passed"


def test_a_tampered_attachment_does_not_verify(credential, tmp_path, capsys):
    credential["name"] = "Forged"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_pdf(prepared_starter(), values(), credential=credential))
    assert verify_main([str(path)]) != 0
