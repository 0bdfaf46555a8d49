"""/verify: by id, by address or by file; the same check list as a credential's page."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from laurel.analytics.models import Kind
from laurel.public import verify_anything
from laurel.public.views import counted, may_view


class VerifyForm(forms.Form):
    reference = forms.CharField(
        label=_("Credential id or address"),
        required=False,
        max_length=2000,
        help_text=_("The id, or the page or JSON address (https://…) of the credential."),
    )
    file = forms.FileField(
        label=_("Or a credential file"),
        required=False,
        help_text=_("JSON, a baked badge (PNG or SVG) or a certificate PDF; up to 5 MB."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    outcome = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            outcome = _verify(request, form)
        else:
            outcome = verify_anything.Outcome(error=str(_("The form could not be read.")))
    else:
        form = VerifyForm(request.GET or None)
        reference = request.GET.get("reference", "")
        if reference and form.is_valid():
            outcome = verify_anything.verify_reference(
                reference, may_view=lambda credential: may_view(request, credential)
            )
    if outcome is not None and outcome.verified_id is not None:
        counted(request, outcome.verified_id, Kind.VERIFICATION)
    response = render(request, "public/verify.html", {"form": form, "outcome": outcome})
    response["Cache-Control"] = "private, no-store"
    return response


def _verify(request: HttpRequest, form: VerifyForm):
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return verify_anything.verify_upload(upload)
    return verify_anything.verify_reference(
        form.cleaned_data.get("reference", ""),
        may_view=lambda credential: may_view(request, credential),
    )
