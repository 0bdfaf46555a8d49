"""Links and pictures for sharing a credential: its addresses (the page, the files, the one
that adds it to LinkedIn, the one a standards wallet fetches) and a QR code of a URL as
inline SVG."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


def credential_urls(credential) -> dict[str, str]:
    """The credential's addresses; `linkedin` counts the add (laurel.analytics), then sends
    the visitor to LinkedIn's filled-in form (laurel.public.sharing.linkedin_add_url)."""
    base = f"{settings.LAUREL_BASE_URL}/credential/{credential.pk}"
    return {
        "page": base,
        "linkedin": f"{base}/linkedin",
        "json": f"{base}.json",
        "pdf": f"{base}.pdf",
        "png": f"{base}.png",
        "svg": f"{base}.svg",
    }


def linkedin_share(credential) -> str:
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode(
        {"url": credential_urls(credential)["page"]}
    )


def qr_svg(url: str) -> SafeString:
    """A QR code of `url` as an inline <svg> (segno writes only its own markup)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#18181b")
    return mark_safe(svg)  # noqa: S308 - segno's output, the URL is encoded in the modules
