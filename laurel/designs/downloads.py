"""/credential/<id>.pdf and /credential/<id>/certificate.png: the certificate of a
published credential; /credential/<id>/badge.png: its badge, not baked (what its
`achievement.image` points to) (drafts do not exist for the public; private ones are for their
signed-in recipient only, as /credential/<id>.json)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from laurel.credentials.models import Credential
from laurel.designs.rendering import certificate_pdf, certificate_png, credential_badge
from laurel.public.views import may_view


def _viewable(request: HttpRequest, credential_id: str) -> Credential:
    credential = (
        Credential.objects.select_related("group", "organization")
        .filter(pk=credential_id)
        .exclude(status=Credential.Status.DRAFT)
        .first()
    )
    if credential is None or not credential.document:
        raise Http404("No such credential")
    return credential


def _answer(request, credential, data: bytes, content_type: str, filename: str) -> HttpResponse:
    if not may_view(request, credential):
        return HttpResponse(
            "This credential is private: sign in as its recipient to see it.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    public = credential.privacy == "public"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
    response["Vary"] = "Cookie"
    return response


def _count_pdf_download(request: HttpRequest, credential: Credential) -> None:
    # The issuer's activity panels count certificate downloads (laurel.analytics).
    from laurel.analytics.models import Kind
    from laurel.public.views import counted

    counted(request, credential.pk, Kind.DOWNLOAD_PDF)


@require_safe
def certificate_pdf_view(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = _viewable(request, credential_id)
    if not may_view(request, credential):  # refused before anything is drawn
        return _answer(request, credential, b"", "", "")
    data = certificate_pdf(credential)
    _count_pdf_download(request, credential)
    return _answer(request, credential, data, "application/pdf", f"certificate-{credential.pk}.pdf")


@require_safe
def certificate_png_view(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = _viewable(request, credential_id)
    if not may_view(request, credential):
        return _answer(request, credential, b"", "", "")
    data = certificate_png(credential)
    return _answer(request, credential, data, "image/png", f"certificate-{credential.pk}.png")


@require_safe
def badge_png_view(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = _viewable(request, credential_id)
    if not may_view(request, credential):
        return _answer(request, credential, b"", "", "")
    data = credential_badge(credential, "png")
    return _answer(request, credential, data, "image/png", f"badge-{credential.pk}.png")
