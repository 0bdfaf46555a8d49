"""An issuer's public profile: who they are and what they award (HTML and OB 3.0 JSON)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from laurel.credentials.signing import achievement, issuer_profile
from laurel.public import selectors
from laurel.public.views import _json
from laurel.vc.loader import CREDENTIALS_V2, OB_V3P0

OB_CONTEXT = [CREDENTIALS_V2, OB_V3P0]
PROFILE_MAX_AGE = 300


def _issuer(slug: str):
    organization = selectors.public_issuer(slug)
    if organization is None:
        raise Http404("No such issuer")
    return organization


def achievement_document(group) -> dict:
    """The group as an OB 3.0 Achievement, as the credentials it awards carry it."""
    from laurel.vc.credential import _achievement

    document = _achievement(achievement(group), {})
    document["creator"] = _profile(group.organization)
    return document


def _profile(organization) -> dict:
    from laurel.vc.credential import _issuer as issuer_json

    return issuer_json(issuer_profile(organization))


@require_safe
def issuer_page(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _issuer(slug)
    groups = list(selectors.public_groups(organization))
    response = render(request, "public/issuer.html", {"issuer": organization, "groups": groups})
    response["Cache-Control"] = f"public, max-age={PROFILE_MAX_AGE}"
    return response


@require_safe
def issuer_achievements(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _issuer(slug)
    groups = list(selectors.public_groups(organization))
    for group in groups:
        group.organization = organization
    document = {
        "@context": OB_CONTEXT,
        "id": request.build_absolute_uri(),
        "issuer": _profile(organization),
        "achievements": [achievement_document(group) for group in groups],
    }
    response = _json(request, document, content_type="application/ld+json")
    response["Cache-Control"] = f"public, max-age={PROFILE_MAX_AGE}"
    return response


@require_safe
def group_achievement(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organization = _issuer(slug)
    group = selectors.public_group(organization, key)
    if group is None:
        raise Http404("No such achievement")
    group.organization = organization
    document = {"@context": OB_CONTEXT, **achievement_document(group)}
    response = _json(request, document, content_type="application/ld+json")
    response["Cache-Control"] = f"public, max-age={PROFILE_MAX_AGE}"
    return response
