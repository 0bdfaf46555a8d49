"""The issuer's side of correction requests: /organizations/<org>/corrections.

Every member sees them; Owners and Admins answer (re-issue or decline), as they may revoke.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from laurel.organizations.errors import DomainError, NotFound
from laurel.recipients import selectors, services
from laurel.recipients.forms import DeclineForm, ResolveForm, add_domain_error
from laurel.recipients.models import CorrectionRequest
from laurel.web.access import organization_view


@require_safe
@organization_view("view")
def corrections(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CorrectionRequest.Status.OPEN)
    if status not in CorrectionRequest.Status.values and status != "all":
        status = CorrectionRequest.Status.OPEN
    found = selectors.corrections(request.organization, status=None if status == "all" else status)
    return render(
        request,
        "recipients/issuer/corrections.html",
        {
            "corrections": found[:200],
            "status": status,
            "statuses": [
                ("open", _("Open")),
                ("resolved", _("Re-issued")),
                ("declined", _("Declined")),
                ("all", _("All")),
            ],
        },
    )


def _detail(request, correction, *, resolve_form=None, decline_form=None, status=200):
    credential = correction.credential
    resolve_form = resolve_form or ResolveForm(
        initial={
            "recipient_name": correction.recipient_name or credential.recipient_name,
            "issued_on": correction.issued_on
            or (credential.issued_on.date() if credential.issued_on else None),
        }
    )
    return render(
        request,
        "recipients/issuer/correction.html",
        {
            "correction": correction,
            "credential": credential,
            "resolve_form": resolve_form,
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


def _correction(request, correction_id):
    try:
        return selectors.get_correction(request.organization, correction_id)
    except NotFound:
        from django.http import Http404

        raise Http404 from None


@require_safe
@organization_view("view")
def correction(request: HttpRequest, correction_id: int) -> HttpResponse:
    return _detail(request, _correction(request, correction_id))


@require_POST
@organization_view("revoke")
def resolve(request: HttpRequest, correction_id: int) -> HttpResponse:
    found = _correction(request, correction_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            answered = services.resolve_correction(
                actor=request.actor, correction_id=found.pk, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Re-issued to %(name)s; the old credential is superseded and they were emailed.")
                % {"name": answered.new_credential.recipient_name},
            )
            return redirect(
                "web:corrections:detail", org=request.organization.slug, correction_id=found.pk
            )
    return _detail(request, _correction(request, correction_id), resolve_form=form, status=400)


@require_POST
@organization_view("revoke")
def decline(request: HttpRequest, correction_id: int) -> HttpResponse:
    found = _correction(request, correction_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_correction(
                actor=request.actor, correction_id=found.pk, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Declined; the recipient was emailed your message."))
            return redirect(
                "web:corrections:detail", org=request.organization.slug, correction_id=found.pk
            )
    return _detail(request, _correction(request, correction_id), decline_form=form, status=400)
