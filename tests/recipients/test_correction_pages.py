"""Correction pages: the recipient's request form, the issuer's list and answer, for every
role (signed out → sign in, another organization → 404, an Issuer sees but cannot answer)."""

from __future__ import annotations

import pytest

from laurel.credentials.models import Credential
from laurel.recipients.models import CorrectionRequest
from laurel.recipients.services import request_correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def correction(never_group, issue_to, recipient):
    credential = issue_to(never_group, name="Ada Lovelcae")
    return request_correction(
        user=recipient, credential_id=credential.pk, recipient_name="Ada Lovelace"
    )


def test_the_recipient_asks_from_the_credential_link(
    member_login, recipient, never_group, issue_to
):
    credential = issue_to(never_group)
    client = member_login(recipient)
    url = f"/recipients/corrections/new?credential={credential.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Ada Lovelace"' in page.content.decode()
    response = client.post(url, {"recipient_name": "Ada King", "message": "My married name"})
    assert response.status_code == 302
    stored = CorrectionRequest.objects.get()
    assert (stored.recipient_name, stored.message) == ("Ada King", "My married name")
    assert "waiting for the issuer" in client.get("/wallet").content.decode()


def test_the_credential_page_links_to_the_request_and_a_signed_out_recipient_signs_in_first(
    client, owner, never_group, issue_to
):
    from laurel.credentials.services import revoke

    credential = issue_to(never_group)
    page = client.get(f"/credential/{credential.pk}").content.decode()
    link = f"/recipients/corrections/new?credential={credential.pk}"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/recipients/sign-in?next=")
    revoke(actor=owner, credential_id=credential.pk, reason="Wrong cohort")
    assert link not in client.get(f"/credential/{credential.pk}").content.decode()


def test_the_request_form_keeps_what_was_typed_and_says_what_is_wrong(
    member_login, recipient, never_group, issue_to
):
    credential = issue_to(never_group)
    url = f"/recipients/corrections/new?credential={credential.pk}"
    response = member_login(recipient).post(
        url, {"recipient_name": "Ada Lovelace", "message": "Nothing really"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the corrected name or the corrected date." in page
    assert "Nothing really" in page


def test_someone_elses_or_unknown_credential_is_404(
    member_login, recipient, never_group, issue_to, client
):
    theirs = issue_to(never_group, email="grace@example.org")
    signed_in = member_login(recipient)
    for credential_id in (theirs.pk, "nope", ""):
        url = f"/recipients/corrections/new?credential={credential_id}"
        assert signed_in.get(url).status_code == 404
        assert signed_in.post(url, {"recipient_name": "X"}).status_code == 404
    assert not CorrectionRequest.objects.exists()


def test_a_draft_cannot_be_asked_about(member_login, recipient, never_group, issue_to):
    draft = issue_to(never_group, draft=True)
    url = f"/recipients/corrections/new?credential={draft.pk}"
    assert member_login(recipient).get(url).status_code == 404


@pytest.mark.parametrize("role", ["owner", "admin", "issuer"])
def test_every_member_sees_the_requests(member_login, actors, role, correction, acme):
    client = member_login(actors[role].user)
    listing = client.get(f"/organizations/{acme.slug}/corrections/")
    assert listing.status_code == 200
    assert "Ada Lovelcae" in listing.content.decode()
    detail = client.get(f"/organizations/{acme.slug}/corrections/{correction.pk}")
    assert detail.status_code == 200
    has_forms = "Re-issue credential" in detail.content.decode()
    assert has_forms == (role != "issuer")  # what the role cannot do is absent


def test_an_issuer_cannot_answer(member_login, issuer, correction, acme):
    client = member_login(issuer.user)
    base = f"/organizations/{acme.slug}/corrections/{correction.pk}"
    assert (
        client.post(
            f"{base}/resolve", {"recipient_name": "X", "issued_on": "2026-01-01"}
        ).status_code
        == 403
    )
    assert client.post(f"{base}/decline", {"message": "No"}).status_code == 403
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.OPEN


def test_another_organization_gets_404_for_the_request(
    member_login, outsider, correction, acme, globex
):
    client = member_login(outsider.user)
    assert client.get(f"/organizations/{acme.slug}/corrections/").status_code == 404
    base = f"/organizations/{globex.slug}/corrections/{correction.pk}"
    assert client.get(base).status_code == 404
    assert (
        client.post(
            f"{base}/resolve", {"recipient_name": "X", "issued_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert client.post(f"{base}/decline", {"message": "No"}).status_code == 404
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.OPEN


def test_signed_out_goes_to_sign_in(client, correction, acme):
    response = client.get(f"/organizations/{acme.slug}/corrections/{correction.pk}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_owner_resolves_by_reissuing(member_login, owner, correction, acme):
    client = member_login(owner.user)
    base = f"/organizations/{acme.slug}/corrections/{correction.pk}"
    issued_on = correction.credential.issued_on.date().isoformat()
    response = client.post(
        f"{base}/resolve", {"recipient_name": "Ada Lovelace", "issued_on": issued_on}
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.RESOLVED
    assert correction.new_credential.supersedes_id == correction.credential_id
    assert Credential.objects.get(pk=correction.credential_id).status == "revoked"
    assert "The new credential" in client.get(base).content.decode()


def test_a_refused_reissue_shows_next_to_the_field(member_login, owner, correction, acme):
    client = member_login(owner.user)
    base = f"/organizations/{acme.slug}/corrections/{correction.pk}"
    response = client.post(f"{base}/resolve", {"recipient_name": "   ", "issued_on": "2026-01-01"})
    assert response.status_code == 400
    response = client.post(f"{base}/decline", {"message": ""})
    assert response.status_code == 400
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.OPEN
