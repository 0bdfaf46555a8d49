"""The credential's own pages: the verification page, its images, embed, QR, LinkedIn.

Every view: one lookup (page_credential: drafts and unknown ids are the same 404), the
privacy rule (may_view), then a cached fragment or a cached image, and one counter.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from laurel.analytics.models import Kind
from laurel.credentials.models import Credential
from laurel.public import images, sharing
from laurel.public.pages import (
    SHELL_MARK,
    cached_fragment,
    embed_fragment,
    page_fragments,
    page_shell,
    status_word,
    verdict,
)
from laurel.public.verification import page_credential, page_key
from laurel.public.views import counted, may_view
from laurel.vc.baking import bake_png, bake_svg

IMAGE_MAX_AGE = 300
# The embed is the one page another site may frame; it runs no script at all.
EMBED_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors *"
)


def _credential(credential_id: str) -> Credential:
    credential = page_credential(credential_id)
    if credential is None:
        raise Http404("No such credential")
    return credential


def _private(request: HttpRequest) -> HttpResponse:
    response = render(request, "public/credential_private.html", status=403)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def credential_page(request: HttpRequest, credential_id: str) -> HttpResponse:
    key = page_key(credential_id)
    if key is None:
        raise Http404("No such credential")
    if not may_view(request, key):
        return _private(request)
    fragments = page_fragments(key)
    counted(request, key.pk, Kind.PAGE_VIEW)
    if key.privacy == "public" and _plain_visitor(request):
        shell = page_shell(request)
        return HttpResponse(_fill(shell, fragments, get_token(request), request.get_full_path()))
    response = render(
        request,
        "public/credential.html",
        {
            "title": fragments["title"],
            "head": mark_safe(fragments["head"]),  # noqa: S308 - rendered by our template
            "body": mark_safe(fragments["body"]),  # noqa: S308 - rendered by our template
            "private": key.privacy == "private",
        },
    )
    if key.privacy == "private":
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


def _plain_visitor(request: HttpRequest) -> bool:
    """No session (so not signed in) and no pending message: the layout is the same for all."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _fill(shell: str, fragments: dict, csrf_token: str, path: str) -> str:
    return (
        shell.replace(SHELL_MARK % "title", escape(fragments["title"]), 1)
        .replace(SHELL_MARK % "head", fragments["head"], 1)
        .replace(SHELL_MARK % "body", fragments["body"], 1)
        .replace(SHELL_MARK % "csrf", escape(csrf_token))
        .replace(SHELL_MARK % "next", escape(quote(path)), 1)
    )


@require_safe
@xframe_options_exempt
def credential_embed(request: HttpRequest, credential_id: str) -> HttpResponse:
    key = page_key(credential_id)
    if key is None:
        raise Http404("No such credential")
    if not may_view(request, key):
        response = render(request, "public/embed_private.html", status=403)
    else:
        card = mark_safe(embed_fragment(key))  # noqa: S308 - rendered by our template
        response = render(request, "public/embed.html", {"card": card})
        counted(request, key.pk, Kind.PAGE_VIEW)
    response["Content-Security-Policy"] = EMBED_POLICY
    return response


def _image(request, credential_id: str, kind: str, content_type: str, draw) -> HttpResponse:
    credential = _credential(credential_id)
    if not may_view(request, credential):
        return _private(request)
    body = draw(credential)
    response = HttpResponse(body, content_type=content_type)
    public = credential.privacy == "public"
    response["Cache-Control"] = (
        f"public, max-age={IMAGE_MAX_AGE}" if public else "private, no-store"
    )
    if content_type == "image/svg+xml":  # opened on its own, an SVG is a document
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if kind in (Kind.DOWNLOAD_PNG, Kind.DOWNLOAD_SVG):
        extension = "png" if kind == Kind.DOWNLOAD_PNG else "svg"
        response["Content-Disposition"] = f'inline; filename="{credential.pk}.{extension}"'
        counted(request, credential.pk, kind)
    return response


def _baked_png(credential: Credential) -> bytes:
    from laurel.designs.rendering import credential_badge  # the badge design's image

    badge = cached_fragment("badge.png", credential, lambda: credential_badge(credential, "png"))
    return bake_png(badge, credential.document)


def _baked_svg(credential: Credential) -> bytes:
    from laurel.designs.rendering import credential_badge

    return bake_svg(credential_badge(credential, "svg").decode(), credential.document).encode()


def _preview(credential: Credential) -> bytes:
    def draw() -> bytes:
        current, _checks = verdict(credential)
        from laurel.designs.rendering import credential_badge  # the badge design's image

        badge = cached_fragment(
            "badge.png", credential, lambda: credential_badge(credential, "png")
        )
        return images.preview_png(credential, status_label=status_word(current.kind),
                                  tone=current.tone, badge=badge)  # fmt: skip

    return cached_fragment("preview.png", credential, draw)


def _qr(credential: Credential) -> bytes:
    return images.qr_svg(credential.url).encode()


@require_safe
def credential_png(request: HttpRequest, credential_id: str) -> HttpResponse:
    return _image(request, credential_id, Kind.DOWNLOAD_PNG, "image/png", _baked_png)


@require_safe
def credential_svg(request: HttpRequest, credential_id: str) -> HttpResponse:
    return _image(request, credential_id, Kind.DOWNLOAD_SVG, "image/svg+xml", _baked_svg)


@require_safe
def credential_preview(request: HttpRequest, credential_id: str) -> HttpResponse:
    return _image(request, credential_id, "preview", "image/png", _preview)


@require_safe
def credential_qr(request: HttpRequest, credential_id: str) -> HttpResponse:
    return _image(request, credential_id, "qr", "image/svg+xml", _qr)


@require_safe
def credential_linkedin(request: HttpRequest, credential_id: str) -> HttpResponse:
    """Count a LinkedIn add, then send the visitor to LinkedIn's filled-in form."""
    credential = _credential(credential_id)
    if not may_view(request, credential):
        return _private(request)
    counted(request, credential.pk, Kind.LINKEDIN_ADD)
    response = HttpResponseRedirect(sharing.linkedin_add_url(credential))
    response["Cache-Control"] = "no-store"
    return response
