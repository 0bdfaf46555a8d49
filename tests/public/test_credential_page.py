"""The credential page: every status, every check, the card, lineage, drafts 404."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _page(client, credential) -> str:
    response = client.get(f"/credential/{credential.pk}")
    assert response.status_code == 200
    return response.content.decode()


def _checks(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-check="([^"]+)" data-outcome="([^"]+)"', html))


def _band(html: str) -> str:
    return re.search(r'class="status-band status-([a-z]+)"', html).group(1)


def test_valid_credential_shows_the_card_the_band_and_every_check_passed(client, valid_credential):
    html = _page(client, valid_credential)
    assert _band(html) == "valid"
    assert "Valid</h2>" in html
    assert _checks(html) == {
        "proof": "passed",
        "issuer key": "passed",
        "status": "passed",
        "validity dates": "passed",
        "schema": "passed",
    }
    for shown in (
        "Ada Lovelace",
        "Data Analysis with Python",
        "Cleaning, exploring and presenting data with pandas.",
        "Passed the final project, reviewed by two instructors.",
        "pandas",
        "Data visualisation",
        "Acme Academy",
        f'href="/issuers/{valid_credential.organization.slug}"',
        "https://example.org/projects/ada",
        "Grade",
        "Hours",
        "Expires on",
    ):
        assert shown in html, shown
    assert valid_credential.issued_on.strftime("%Y") in html


def test_the_page_offers_every_download_and_the_address_a_wallet_fetches(client, valid_credential):
    html = _page(client, valid_credential)
    base = f"/credential/{valid_credential.pk}"
    for link, label in (
        (f"{base}.pdf", "Download certificate (PDF)"),
        (f"{base}.png", "Badge image (PNG)"),
        (f"{base}.svg", "Badge image (SVG)"),
        (f"{base}.json", "Signed credential (JSON)"),
    ):
        assert re.search(rf'href="{re.escape(link)}" download>{re.escape(label)}<', html), label
    assert f'src="{base}/certificate.png"' in html  # the certificate as the design draws it
    certificate = client.get(f"{base}/certificate.png")
    assert certificate.status_code == 200
    assert certificate.content.startswith(b"\x89PNG")
    wallet_url = re.search(r'id="wallet-url-[^"]+" type="text" readonly value="([^"]+)"', html)
    assert wallet_url.group(1) == f"{valid_credential.url}.json"
    fetched = client.get(f"{base}.json", headers={"accept": "application/ld+json"})
    assert fetched.status_code == 200
    assert fetched["Access-Control-Allow-Origin"] == "*"  # a web wallet may fetch it
    assert fetched.json()["id"] == valid_credential.url
    assert client.get(f"{base}.pdf")["Content-Type"] == "application/pdf"


def test_expired_credential_says_when(client, expired_credential):
    html = _page(client, expired_credential)
    assert _band(html) == "expired"
    assert "Expired</h2>" in html
    assert "This credential expired on" in html
    assert _checks(html)["validity dates"] == "failed"
    assert _checks(html)["proof"] == "passed"


def test_revoked_credential_says_when_and_why(client, revoked_credential):
    html = _page(client, revoked_credential)
    assert _band(html) == "revoked"
    assert "Revoked</h2>" in html
    assert "Issued to the wrong cohort" in html
    assert "The issuer revoked this credential on" in html
    assert _checks(html)["status"] == "failed"
    assert "revoked (bit" in html


def test_superseded_credential_links_to_the_newer_one_and_back(client, superseded_pair):
    old, new = superseded_pair
    html = _page(client, old)
    assert _band(html) == "superseded"
    assert f'href="/credential/{new.pk}"' in html
    newer = _page(client, new)
    assert _band(newer) == "valid"
    assert f'href="/credential/{old.pk}"' in newer  # "Renews the earlier credential"


def test_suspension_is_read_from_a_set_suspension_bit():
    """Laurel never suspends (its lists are revocation lists); another issuer's can."""
    from laurel.public.verification import report_standing
    from laurel.vc.verify import FAILED, PASSED, Check, Report

    report = Report(credential_id="x", issuer="did:web:x")
    report.checks += [
        Check("proof", PASSED, ""),
        Check("issuer key", PASSED, ""),
        Check("status", FAILED, "suspended (bit 3 of https://x/status/1 is set)"),
    ]
    assert report_standing(report).kind == "suspended"
    assert report_standing(report).word == "Suspended"


def test_a_revocation_shows_on_the_next_load(client, owner, valid_credential):
    from laurel.credentials.services import revoke

    assert _band(_page(client, valid_credential)) == "valid"
    revoke(actor=owner, credential_id=valid_credential.pk, reason="Plagiarism found")
    html = _page(client, valid_credential)
    assert _band(html) == "revoked"
    assert "Plagiarism found" in html
    assert _checks(html)["status"] == "failed"


def test_a_tampered_stored_document_fails_its_signature(client, valid_credential):
    from laurel.credentials.models import Credential

    document = dict(valid_credential.document)
    document["credentialSubject"] = dict(document["credentialSubject"], name="Mallory")
    Credential.objects.filter(pk=valid_credential.pk).update(document=document)
    html = _page(client, valid_credential)
    assert _checks(html)["proof"] == "failed"
    assert _band(html) == "invalid"
    assert "Not valid</h2>" in html


def test_drafts_are_the_same_404_as_unknown_ids(client, draft_credential):
    for suffix in ("", ".json", ".png", ".svg", "/embed", "/qr.svg", "/preview.png", "/linkedin"):
        draft = client.get(f"/credential/{draft_credential.pk}{suffix}")
        unknown = client.get(f"/credential/{'x' * 32}{suffix}")
        assert draft.status_code == unknown.status_code == 404, suffix
        assert draft.content == unknown.content, suffix


def test_names_that_look_like_markup_show_as_themselves(client, issue_one, never_group):
    credential = issue_one(never_group, name="<script>alert(1)</script> {{7*7}}", email="x@e.org")
    html = _page(client, credential)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in html


def test_open_graph_and_twitter_tags_point_at_the_preview(client, valid_credential):
    html = _page(client, valid_credential)
    assert f'property="og:image" content="{valid_credential.url}/preview.png"' in html
    assert 'name="twitter:card" content="summary_large_image"' in html
    assert "og:title" in html


def test_the_page_for_a_signed_in_visitor_is_the_same_page(
    client, user_factory, member_login, valid_credential
):
    anonymous = _page(client, valid_credential)
    member_login(user_factory("someone@example.org"))
    signed_in = _page(client, valid_credential)
    assert _band(signed_in) == _band(anonymous) == "valid"
    assert "someone@example.org" in signed_in  # the account menu
    assert "Ada Lovelace" in signed_in


def test_the_visitor_page_carries_a_working_csrf_token(client, valid_credential):
    html = _page(client, valid_credential)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    assert len(token) == 64
    assert "\x00" not in html


def test_the_card_partial_renders_a_draft_for_the_issuer_preview(draft_credential):
    from django.template.loader import render_to_string

    html = render_to_string("public/credential_card.html", {"credential": draft_credential})
    assert "Draft Person" in html
    assert "Python Foundations" in html


def test_a_head_request_is_not_counted_as_a_view(client, valid_credential):
    from laurel.analytics.selectors import credential_totals

    assert client.head(f"/credential/{valid_credential.pk}").status_code == 200
    client.get(f"/credential/{valid_credential.pk}")
    assert credential_totals(valid_credential).views == 1
