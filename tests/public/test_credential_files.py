"""What a public credential offers: baked PNG and SVG, embed, QR, preview, LinkedIn."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def test_baked_png_carries_the_same_signed_document_as_the_json(client, valid_credential):
    from PIL import Image

    from laurel.vc.baking import unbake_png

    response = client.get(f"/credential/{valid_credential.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert (
        unbake_png(response.content) == client.get(f"/credential/{valid_credential.pk}.json").json()
    )
    assert response.content.count(b"iTXt") == 1
    assert Image.open(io.BytesIO(response.content)).size == (600, 600)


def test_baked_svg_carries_the_signed_document(client, valid_credential):
    from laurel.vc.baking import unbake_svg

    response = client.get(f"/credential/{valid_credential.pk}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert unbake_svg(response.content.decode()) == valid_credential.document


def test_embed_is_the_one_page_that_may_be_framed(client, valid_credential):
    embed = client.get(f"/credential/{valid_credential.pk}/embed")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "script-src" not in embed["Content-Security-Policy"]
    assert "Valid" in embed.content.decode()
    assert "Data Analysis with Python" in embed.content.decode()
    page = client.get(f"/credential/{valid_credential.pk}")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_the_embed_shows_a_revocation(client, owner, valid_credential):
    from laurel.credentials.services import revoke

    client.get(f"/credential/{valid_credential.pk}/embed")
    revoke(actor=owner, credential_id=valid_credential.pk, reason="")
    assert "Revoked" in client.get(f"/credential/{valid_credential.pk}/embed").content.decode()


def test_qr_code_links_to_the_page(client, valid_credential):
    response = client.get(f"/credential/{valid_credential.pk}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_preview_is_a_1200_by_630_card(client, valid_credential):
    from PIL import Image

    response = client.get(f"/credential/{valid_credential.pk}/preview.png")
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_linkedin_counts_then_redirects_to_the_filled_in_form(client, valid_credential):
    from laurel.analytics.selectors import credential_totals

    response = client.get(f"/credential/{valid_credential.pk}/linkedin")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.netloc, url.path) == ("www.linkedin.com", "/profile/add")
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == "Data Analysis with Python"
    assert query["organizationName"] == "Acme Academy"
    assert query["issueYear"] == str(valid_credential.issued_on.year)
    assert query["issueMonth"] == str(valid_credential.issued_on.month)
    assert query["expirationYear"] == str(valid_credential.valid_until.year)
    assert query["expirationMonth"] == str(valid_credential.valid_until.month)
    assert query["certUrl"] == valid_credential.url
    assert query["certId"] == valid_credential.pk
    assert credential_totals(valid_credential).linkedin_adds == 1


def test_share_links_are_plain_links(client, valid_credential):
    html = client.get(f"/credential/{valid_credential.pk}").content.decode()
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" in html
    assert "https://x.com/intent/post?" in html
    assert "&lt;iframe src=&quot;" in html  # the embed snippet, escaped in its text box
    assert '<script src="http' not in html
