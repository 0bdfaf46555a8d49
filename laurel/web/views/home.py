"""The front page (a visitor's introduction, a member's way in) and an organization's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from laurel.credentials import reports
from laurel.organizations.models import Organization
from laurel.organizations.selectors import (
    active_signing_key,
    organizations_for_user,
    quota_status,
)
from laurel.web.access import organization_view
from laurel.web.charts import weekly_bars


@require_safe
def front(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "web/front.html")
    organizations = organizations_for_user(request.user)
    if len(organizations) == 1:
        return redirect("web:home", org=organizations[0].slug)
    if not organizations:  # a recipient: their credentials
        return redirect("recipients:wallet")
    return render(request, "web/choose_organization.html", {"organizations": organizations})


@require_safe
@organization_view()
def home(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    weeks = reports.issued_per_week(organization)
    quota = quota_status(organization)
    jobs = reports.running_jobs(organization)
    return render(
        request,
        "web/home.html",
        {
            "approved": organization.status == Organization.Status.APPROVED,
            "signing_key": active_signing_key(organization),
            "quota": quota,
            "quota_low": quota.limit * 0.75,
            "quota_high": quota.limit * 0.9,
            "attention": reports.attention(organization),
            "chart": weekly_bars(weeks),
            "issued_12_weeks": sum(week.count for week in weeks),
            "jobs": jobs,
            "jobs_running": jobs.total,
        },
    )
