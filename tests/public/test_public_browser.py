"""The public pages in Chromium: every status, private as stranger and as recipient, /verify.

Each page is checked with axe-core (zero serious or critical violations) and photographed
at desktop and phone widths into tests/web/screenshots/ (public-*.png).
"""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _status_title(page) -> str:
    return page.locator(".status-band-title").inner_text()


def test_valid_page(page, valid_credential):
    page.goto(f"/credential/{valid_credential.pk}")
    assert _status_title(page) == "Valid"
    assert page.locator('[data-check="proof"]').get_attribute("data-outcome") == "passed"
    assert page.get_by_role("heading", name="Data Analysis with Python").is_visible()
    page.locator(".certificate-figure img").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.certificate-figure img').naturalWidth > 0"
    )
    page.evaluate("() => window.scrollTo(0, 0)")
    look(page, "public-credential-valid")
    page.get_by_text("Embed on a website").click()
    assert "iframe" in page.get_by_label("Copy this code into your page:").input_value()
    assert page.get_by_role("link", name="Download certificate (PDF)").is_visible()
    page.get_by_text("Add to a digital wallet").click()
    wallet_url = page.get_by_label("Address a standards wallet")
    assert wallet_url.input_value() == f"{valid_credential.url}.json"
    look(page, "public-credential-valid-wallet-export")
    assert page.dialogs == []


def test_expired_page(page, expired_credential):
    page.goto(f"/credential/{expired_credential.pk}")
    assert _status_title(page) == "Expired"
    look(page, "public-credential-expired")


def test_revoked_page(page, revoked_credential):
    page.goto(f"/credential/{revoked_credential.pk}")
    assert _status_title(page) == "Revoked"
    assert page.get_by_text("Issued to the wrong cohort").is_visible()
    look(page, "public-credential-revoked")


def test_superseded_page_links_to_the_newer_one(page, superseded_pair):
    old, new = superseded_pair
    page.goto(f"/credential/{old.pk}")
    assert _status_title(page) == "Superseded"
    look(page, "public-credential-superseded")
    page.get_by_role("link", name="See the current credential").click()
    page.wait_for_url(f"**/credential/{new.pk}")
    assert _status_title(page) == "Valid"


def test_tampered_page(page, valid_credential):
    from laurel.credentials.models import Credential

    document = dict(valid_credential.document, name="Forged")
    Credential.objects.filter(pk=valid_credential.pk).update(document=document)
    page.goto(f"/credential/{valid_credential.pk}")
    assert _status_title(page) == "Not valid"
    assert page.locator('[data-check="proof"]').get_attribute("data-outcome") == "failed"
    look(page, "public-credential-tampered")


def test_markup_in_names_shows_as_text(page, issue_one, never_group):
    credential = issue_one(never_group, name="<script>alert(1)</script>", email="x@example.org")
    page.goto(f"/credential/{credential.pk}")
    assert page.locator(".credential-recipient").inner_text() == "<script>alert(1)</script>"
    assert page.dialogs == []


def test_private_credential_as_a_stranger_then_as_its_recipient(
    page, private_credential, user_factory
):
    page.goto(f"/credential/{private_credential.pk}")
    assert page.get_by_role("heading", name="Private credential").is_visible()
    assert "Secret Person" not in page.content()
    look(page, "public-credential-private-stranger")
    user_factory("secret@example.org", password=PASSWORD)
    sign_in(page, "secret@example.org")
    page.wait_for_load_state()
    page.goto(f"/credential/{private_credential.pk}")
    assert _status_title(page) == "Valid"
    assert page.locator(".credential-recipient").inner_text() == "Secret Person"
    assert page.get_by_role("link", name="Download certificate (PDF)").is_visible()
    look(page, "public-credential-private-recipient")


def test_verify_with_a_file_upload(page, valid_credential, tmp_path, client):
    badge = tmp_path / "badge.png"
    badge.write_bytes(client.get(f"/credential/{valid_credential.pk}.png").content)
    page.goto("/verify")
    look(page, "public-verify-empty")
    page.get_by_label("Or a credential file").set_input_files(str(badge))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert _status_title(page) == "Valid"
    assert page.locator('[data-check="schema"]').get_attribute("data-outcome") == "passed"
    look(page, "public-verify-file")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a credential")
    page.get_by_label("Or a credential file").set_input_files(str(notes))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert page.get_by_text("Nothing to verify").is_visible()
    look(page, "public-verify-error")


def test_verify_each_file_kind_and_another_issuers_credential(
    page, valid_credential, tmp_path, client
):
    from tests.public.test_verify_anything import digital_bazaar_credential

    base = f"/credential/{valid_credential.pk}"
    files = {
        "credential.json": client.get(f"{base}.json").content,
        "badge.svg": client.get(f"{base}.svg").content,
        "certificate.pdf": client.get(f"{base}.pdf").content,
        "elsewhere.json": digital_bazaar_credential(),
    }
    page.goto("/verify")
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        page.get_by_label("Or a credential file").set_input_files(str(path))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
        assert _status_title(page) == "Valid", name
        outcomes = page.locator("[data-check]").evaluate_all(
            "nodes => nodes.map(node => node.dataset.outcome)"
        )
        assert outcomes == ["passed"] * 5, name
    assert page.get_by_text("Elsewhere University").first.is_visible()
    look(page, "public-verify-another-issuer")


def test_issuer_profile_and_embed(page, valid_credential):
    page.goto(f"/issuers/{valid_credential.organization.slug}")
    assert page.get_by_role("heading", name="Acme Academy").is_visible()
    look(page, "public-issuer")
    page.goto(f"/credential/{valid_credential.pk}/embed")
    assert "Valid" in page.locator(".embed-status").inner_text()
    look(page, "public-embed")
