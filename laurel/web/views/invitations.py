"""/invitations/<token>: the link in an invitation email.

Signed in as the invited address: a button accepts (a POST: opening a link changes
nothing). Signed out: sign in or sign up, then come back here (`next=`); signing up from
the link counts the address as verified, since the link reached that inbox. A link that
is unknown, expired, used, withdrawn or meant for another account gets a page that says
so, with its status (never a 500).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laurel.organizations import invitations
from laurel.organizations.errors import DomainError


def _problem(request: HttpRequest, error: DomainError, invitation=None) -> HttpResponse:
    return render(
        request,
        "web/settings/invitation_problem.html",
        {"error": error, "invitation": invitation},
        status=error.http_status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = invitations.invitation_for_token(token)
    except DomainError as error:
        return _problem(request, error)
    if not request.user.is_authenticated:
        return _signed_out(request, found)
    if not invitations.email_matches(found, request.user):
        return _problem(request, invitations.InvitationWrongUser(), found)
    if request.method != "POST":
        return render(request, "web/settings/invitation.html", {"invitation": found})
    try:
        joined = invitations.accept_invitation(token=token, user=request.user)
    except DomainError as error:
        return _problem(request, error, found)
    messages.success(request, _("Welcome to %(name)s.") % {"name": joined.organization.name})
    return redirect("web:home", org=joined.organization.slug)


def _signed_out(request: HttpRequest, found) -> HttpResponse:
    from allauth.account.adapter import get_adapter

    if request.method == "POST":
        return redirect(_with_next(reverse("account_login"), request.path))
    # Whoever signs up with the invited address from here has read that inbox.
    get_adapter(request).stash_verified_email(request, found.email)
    return render(
        request,
        "web/settings/invitation.html",
        {
            "invitation": found,
            "login_url": _with_next(reverse("account_login"), request.path),
            "signup_url": _with_next(reverse("account_signup"), request.path),
        },
    )


def _with_next(url: str, next_path: str) -> str:
    return f"{url}?{urlencode({'next': next_path})}"
