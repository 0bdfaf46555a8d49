"""/credential/<id>.pdf and /credential/<id>/certificate.png: made on first request,
verifiable offline with `laurel verify`, private ones for their signed-in recipient only."""

from __future__ import annotations

import json

import pytest

from laurel.designs import services
from laurel.organizations.selectors import did_document
from laurel.vc.cli import verify_main

pytestmark = pytest.mark.django_db


def test_a_downloaded_certificate_verifies_offline_with_the_did_document(
    client, owner, acme, never_group, publish_to, tmp_path, capsys
):
    design = services.create_design(actor=owner, name="Modern", starter_name="certificate-modern")
    services.use_for_group(actor=owner, design_id=design.pk, group_key=never_group.key)
    credential = publish_to(never_group, name="نور الهدى")
    response = client.get(f"/credential/{credential.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    did = tmp_path / "did.json"
    did.write_text(json.dumps(did_document(acme)))
    status_list = tmp_path / "status.json"
    status_list.write_text(json.dumps(credential.status_list.document))
    argv = [
        str(pdf),
        "--offline",
        "--no-cache",
        "--did",
        str(did),
        "--status-list",
        str(status_list),
    ]
    assert verify_main(argv) == 0, capsys.readouterr()
    assert capsys.readouterr().out.splitlines()[-1] == "VALID: every check passed"


def test_the_certificate_png_is_served(client, never_group, publish_to):
    credential = publish_to(never_group)
    response = client.get(f"/credential/{credential.pk}/certificate.png")
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert client.get(f"/credential/{credential.pk}/certificate.png").content == response.content


def test_a_private_certificate_is_refused_to_strangers_and_shown_to_its_recipient(
    client, never_group, publish_to, user_factory, media
):
    credential = publish_to(never_group, email="private@example.org", privacy="private")
    for url in (f"/credential/{credential.pk}.pdf", f"/credential/{credential.pk}/certificate.png"):
        assert client.get(url).status_code == 403
    assert not (media / "renders").exists()  # refused before anything was drawn
    client.force_login(user_factory("someone@example.org"))
    assert client.get(f"/credential/{credential.pk}.pdf").status_code == 403
    from allauth.account.models import EmailAddress

    recipient = user_factory("Private@Example.org ")
    client.force_login(recipient)
    assert client.get(f"/credential/{credential.pk}.pdf").status_code == 403  # not confirmed
    EmailAddress.objects.create(user=recipient, email="Private@Example.org", verified=True)
    response = client.get(f"/credential/{credential.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-cache"


def test_drafts_and_unknown_ids_do_not_exist(client, owner, never_group):
    from laurel.credentials.services import issue

    draft = issue(actor=owner, group_key=never_group.key, recipient_name="D",
                  recipient_email="d@example.org", draft=True)  # fmt: skip
    assert client.get(f"/credential/{draft.pk}.pdf").status_code == 404
    assert client.get("/credential/nope.pdf").status_code == 404
    assert client.get("/credential/nope/certificate.png").status_code == 404


def test_the_json_route_still_answers_beside_the_pdf(client, never_group, publish_to):
    credential = publish_to(never_group)
    assert client.get(f"/credential/{credential.pk}.json").status_code == 200
