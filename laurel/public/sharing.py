"""Links that share a credential: LinkedIn's add-to-profile form, LinkedIn and X posts."""

from __future__ import annotations

from urllib.parse import urlencode

from laurel.credentials.models import Credential

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
X_SHARE = "https://x.com/intent/post"


def linkedin_add_url(credential: Credential) -> str:
    """LinkedIn's "Add licence or certification" form, filled in (its documented names)."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.group.title,
        "organizationName": credential.organization.name,
        "certUrl": credential.url,
        "certId": credential.pk,
    }
    if credential.issued_on is not None:
        params["issueYear"] = str(credential.issued_on.year)
        params["issueMonth"] = str(credential.issued_on.month)
    if credential.valid_until is not None:
        params["expirationYear"] = str(credential.valid_until.year)
        params["expirationMonth"] = str(credential.valid_until.month)
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def linkedin_share_url(credential: Credential) -> str:
    return f"{LINKEDIN_SHARE}?{urlencode({'url': credential.url})}"


def x_share_url(credential: Credential, text: str) -> str:
    return f"{X_SHARE}?{urlencode({'text': text, 'url': credential.url})}"


def embed_snippet(credential: Credential, title: str) -> str:
    """The HTML an issuer or recipient pastes into their site (escaped by the template)."""
    from django.utils.html import escape

    return (
        f'<iframe src="{credential.url}/embed" width="400" height="260" '
        f'style="border:0;max-width:100%" loading="lazy" title="{escape(title)}"></iframe>'
    )
