"""Settings → API keys (create: the raw key is shown once; revoke) and signing keys
(generate the first, rotate: the old key retires but stays in the DID document)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.organizations import api_keys as api_key_services
from laurel.organizations import signing_keys as signing_key_services
from laurel.organizations.errors import DomainError
from laurel.organizations.selectors import active_signing_key, api_keys, signing_keys
from laurel.web.access import organization_view
from laurel.web.views.settings_forms import ApiKeyForm, add_domain_error, refuse_unless


def _api_keys_page(request, form=None, *, created=None, raw_key=None, status=200):
    context = {
        "api_keys": api_keys(request.organization),
        "form": form or ApiKeyForm(),
        "created": created,
        "raw_key": raw_key,
    }
    return render(request, "web/settings/api_keys.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view()
def api_keys_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _api_keys_page(request)
    refuse_unless(request, "manage_api_keys")
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            created, raw_key = api_key_services.create_api_key(
                actor=request.actor, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            # The only time the raw key exists outside the caller: it is never stored.
            response = _api_keys_page(request, created=created, raw_key=raw_key)
            response["Cache-Control"] = "no-store"
            return response
    return _api_keys_page(request, form, status=400)


@require_POST
@organization_view("manage_api_keys")
def revoke_api_key(request: HttpRequest, api_key_id: int) -> HttpResponse:
    revoked = api_key_services.revoke_api_key(actor=request.actor, api_key_id=api_key_id)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": revoked.name})
    return redirect("web:settings:api_keys", org=request.organization.slug)


@require_safe
@organization_view()
def signing_keys_page(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    return render(
        request,
        "web/settings/signing_keys.html",
        {
            "keys": list(reversed(signing_keys(organization))),
            "active": active_signing_key(organization),
        },
    )


@require_POST
@organization_view("manage_signing_keys")
def generate_signing_key(request: HttpRequest) -> HttpResponse:
    key = signing_key_services.generate_signing_key(actor=request.actor)
    messages.success(request, _("Signing key %(key)s generated.") % {"key": key.key_id})
    return redirect("web:settings:signing_keys", org=request.organization.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("manage_signing_keys")
def rotate_signing_key(request: HttpRequest) -> HttpResponse:
    active = active_signing_key(request.organization)
    if request.method == "POST":
        key = signing_key_services.rotate_signing_key(actor=request.actor)
        messages.success(
            request,
            _("Signing key rotated: new credentials are signed with %(key)s.")
            % {"key": key.key_id},
        )
        return redirect("web:settings:signing_keys", org=request.organization.slug)
    return render(request, "web/settings/signing_key_rotate.html", {"active": active})
