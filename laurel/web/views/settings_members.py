"""Settings → Members: who is in, with which role; invitations; change, remove, transfer.

Every member sees the list; Owners and Admins manage it; only the Owner hands over
ownership. The rules (one Owner, an Admin cannot touch the Owner) are the services'.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.organizations import invitations, membership
from laurel.organizations.errors import DomainError
from laurel.organizations.models import Membership
from laurel.organizations.selectors import members as members_of
from laurel.organizations.tenancy import get_scoped
from laurel.web.access import organization_view
from laurel.web.views.settings_forms import InviteForm, RoleForm, add_domain_error


def _members_page(request: HttpRequest, invite_form=None, *, status=200, invited=None):
    organization = request.organization
    rows = [
        {"membership": m, "role_form": RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")}
        for m in members_of(organization)
    ]
    context = {
        "rows": rows,
        "invitations": invitations.pending_invitations(organization),
        "invite_form": invite_form or InviteForm(),
        "invited": invited,
    }
    return render(request, "web/settings/members.html", context, status=status)


@require_safe
@organization_view()
def members(request: HttpRequest) -> HttpResponse:
    return _members_page(request)


@require_POST
@organization_view("manage_members")
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = invitations.invite(actor=request.actor, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            # Shown once: the token is not stored, so this page is the inviter's only copy.
            response = _members_page(request, invited=invited)
            response["Cache-Control"] = "no-store"
            return response
    return _members_page(request, form, status=400)


@require_POST
@organization_view("manage_members")
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitations.revoke_invitation(actor=request.actor, invitation_id=invitation_id)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("web:settings:members", org=request.organization.slug)


@require_POST
@organization_view("manage_members")
def change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    form = RoleForm(request.POST, prefix=f"m{membership_id}")
    if not form.is_valid():
        form = RoleForm({"role": request.POST.get("role", "")})
    if form.is_valid():
        try:
            changed = membership.change_role(
                actor=request.actor, membership_id=membership_id, role=form.cleaned_data["role"]
            )
        except DomainError as error:
            if error.http_status in (403, 404):
                raise  # the error page, with its status
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {"email": changed.user.email, "role": changed.get_role_display()},
            )
    else:
        messages.error(request, _("Choose Admin or Issuer."))
    return redirect("web:settings:members", org=request.organization.slug)


def _member_or_404(request: HttpRequest, membership_id: int) -> Membership:
    return get_scoped(
        Membership.objects.select_related("user"), request.organization, pk=membership_id
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("manage_members")
def remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = _member_or_404(request, membership_id)
    if request.method == "POST":
        membership.remove_member(actor=request.actor, membership_id=membership_id)
        messages.success(request, _("%(email)s was removed.") % {"email": member.user.email})
        return redirect("web:settings:members", org=request.organization.slug)
    return render(request, "web/settings/member_remove.html", {"member": member})


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("transfer_ownership")
def transfer(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = _member_or_404(request, membership_id)
    if request.method == "POST":
        membership.transfer_ownership(actor=request.actor, membership_id=membership_id)
        messages.success(
            request,
            _("%(email)s is now the Owner; you are an Admin.") % {"email": member.user.email},
        )
        return redirect("web:settings:members", org=request.organization.slug)
    return render(request, "web/settings/member_transfer.html", {"member": member})
