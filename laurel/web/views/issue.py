"""Issue one credential: pick a group, fill in the recipient, issue or keep as a draft.

The recipient check banner is one partial: the full page includes it (from what was typed,
when the form comes back with an error) and `recipient_check` answers it alone for htmx as
the email is typed, with the submit buttons swapped out of band (disabled when blocked).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from laurel.credentials import selectors, services, validation
from laurel.credentials.models import CredentialGroup
from laurel.credentials.prerequisites import issuing_blocker
from laurel.credentials.rules import RecipientCheck
from laurel.organizations.errors import DomainError, GroupNotFound
from laurel.web.access import organization_view
from laurel.web.forms_issue import IssueForm
from laurel.web.templatetags.laurel_groups import expiry_policy
from laurel.web.views.groups import search_groups, wants_partial


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@organization_view("issue")
def issue_credential(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    blocker = issuing_blocker(request.actor)
    if blocker is not None:
        return render(request, "web/issue/blocked.html", {"blocker": blocker})
    key = (request.POST if request.method == "POST" else request.GET).get("group", "")
    if not key:
        return _picker(request)
    group = _group(organization, key)
    data = request.POST if request.method == "POST" else None
    form = IssueForm(
        data,
        group=group,
        expiry_help=_expiry_help(group),
        check_url=reverse("web:issue_check", kwargs={"org": organization.slug}),
    )
    if data is not None and form.is_valid():
        draft = request.POST.get("action") == "draft"
        try:
            credential = services.issue(
                actor=request.actor, group_key=group.key, draft=draft, **form.service_fields()
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            done = _("Draft saved for %(name)s.") if draft else _("Credential issued to %(name)s.")
            messages.success(request, done % {"name": credential.recipient_name})
            return redirect(_credentials_url(organization))
    email = form["recipient_email"].value() if data is not None else ""
    return render(
        request,
        "web/issue/form.html",
        {"form": form, "group": group, "check": _check(group, email)},
    )


@require_safe
@organization_view("issue")
def recipient_check(request: HttpRequest) -> HttpResponse:
    """The banner for (group, email) as typed, and the buttons it leaves usable."""
    group = _group(request.organization, request.GET.get("group", ""))
    check = _check(group, request.GET.get("recipient_email", ""))
    return render(request, "web/issue/_check_response.html", {"group": group, "check": check})


def _group(organization, key: str) -> CredentialGroup:
    if "\x00" in key:  # no key holds one, and PostgreSQL refuses to compare with it
        raise GroupNotFound()
    return selectors.get_group(organization, key=key)


def _check(group: CredentialGroup, email) -> RecipientCheck | None:
    """The recipient check once the email is an address (no banner while it is half typed)."""
    try:
        email = validation.email_address(email, field="recipient_email")
    except DomainError:
        return None
    return selectors.recipient_check_for(group, email)


def _picker(request: HttpRequest) -> HttpResponse:
    query, page = search_groups(request, request.organization)
    template = "web/issue/_choices.html" if wants_partial(request) else "web/issue/pick.html"
    return render(request, template, {"query": query, "page": page})


def _expiry_help(group: CredentialGroup) -> str:
    return _("Leave empty to follow the group's policy (%(policy)s).") % {
        "policy": expiry_policy(group)
    }


def _credentials_url(organization) -> str:
    try:
        return reverse("web:credentials", kwargs={"org": organization.slug})
    except NoReverseMatch:  # the credentials list arrives in its own branch
        return reverse("web:home", kwargs={"org": organization.slug}) + "credentials"
