"""Links and pictures for sharing a credential: LinkedIn's add-to-profile URL, the URLs a
standards wallet fetches, and a QR code of a URL as inline SVG."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


def credential_urls(credential) -> dict[str, str]:
    base = f"{settings.LAUREL_BASE_URL}/credential/{credential.pk}"
    return {
        "page": base,
        "json": f"{base}.json",
        "pdf": f"{base}.pdf",
        "png": f"{base}.png",
        "svg": f"{base}.svg",
    }


def linkedin_add_to_profile(credential) -> str:
    """LinkedIn's add-to-profile form, filled in with the certification."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.group.title,
        "organizationName": credential.organization.name,
        "certUrl": credential_urls(credential)["page"],
        "certId": credential.pk,
    }
    if credential.issued_on:
        params.update(issueYear=credential.issued_on.year, issueMonth=credential.issued_on.month)
    if credential.valid_until:
        params.update(
            expirationYear=credential.valid_until.year,
            expirationMonth=credential.valid_until.month,
        )
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def linkedin_share(credential) -> str:
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode(
        {"url": credential_urls(credential)["page"]}
    )


def qr_svg(url: str) -> SafeString:
    """A QR code of `url` as an inline <svg> (segno writes only its own markup)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#18181b")
    return mark_safe(svg)  # noqa: S308 - segno's output, the URL is encoded in the modules
