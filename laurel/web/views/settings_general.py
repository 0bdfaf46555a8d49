"""Settings: the organization's general details, its plan and quota, and the audit log.

Every member may look; Owners and Admins change (the POSTs require the permission the
service enforces, so an Issuer's POST is refused with 403 before it reaches it).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from laurel.organizations import audit_log
from laurel.organizations.errors import DomainError
from laurel.organizations.rules import PLAN_FEATURES
from laurel.organizations.selectors import plan_quotas, quota_status
from laurel.organizations.services import update_organization_settings
from laurel.web.access import organization_view
from laurel.web.views.settings_forms import (
    AuditFilterForm,
    GeneralForm,
    add_domain_error,
    refuse_unless,
)


@require_safe
@organization_view()
def settings_index(request: HttpRequest) -> HttpResponse:
    return redirect("web:settings:general", org=request.organization.slug)


def _initial(organization) -> dict:
    return {
        "name": organization.name,
        "image": organization.image,
        "url": organization.url,
        "email": organization.email,
        "emails_enabled": organization.emails_enabled,
        "email_language": organization.email_language,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view()
def general(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = GeneralForm(initial=_initial(request.organization))
        return render(request, "web/settings/general.html", {"form": form})
    refuse_unless(request, "manage_settings")
    form = GeneralForm(request.POST)
    if form.is_valid():
        try:
            update_organization_settings(actor=request.actor, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Organization settings saved."))
            return redirect("web:settings:general", org=request.organization.slug)
    return render(request, "web/settings/general.html", {"form": form}, status=400)


@require_safe
@organization_view()
def plan(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    quota = quota_status(organization)
    quotas = plan_quotas()
    plans = [
        {
            "value": value,
            "label": label,
            "quota": quotas.get(value),
            "bulk_submit": "bulk_submit" in PLAN_FEATURES.get(value, frozenset()),
            "current": value == organization.plan,
        }
        for value, label in organization.Plan.choices
    ]
    return render(
        request,
        "web/settings/plan.html",
        {
            "quota": quota,
            "quota_low": quota.limit * 0.75,
            "quota_high": quota.limit * 0.9,
            "plans": plans,
            "override": organization.monthly_quota_override,
        },
    )


@require_safe
@organization_view()
def audit(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    form = AuditFilterForm(request.GET or None, actions=audit_log.audit_actions(organization))
    filters = audit_log.AuditFilters()
    if form.is_bound and form.is_valid():
        filters = audit_log.AuditFilters(
            action=form.cleaned_data["action"] or "",
            actor=(form.cleaned_data["actor"] or "").strip(),
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
        )
    page = audit_log.audit_page(organization, filters, cursor=request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    first_url = f"?{query.urlencode()}" if query else "?"
    pager = {
        "has_previous": bool(request.GET.get("after")),
        "previous_url": first_url,
        "has_next": page.next_cursor is not None,
        "next_url": None,
    }
    if page.next_cursor:
        query["after"] = page.next_cursor
        pager["next_url"] = f"?{query.urlencode()}"
    return render(
        request,
        "web/settings/audit.html",
        {
            "form": form,
            "events": page.events,
            "pager": pager,
            "filtered": filters != audit_log.AuditFilters(),
        },
    )
