"""Recipient pages: sign in by code, the wallet, the public profile, correction requests.

Thin: parse, call one service or selector, render. A recipient's credentials are those
the selectors find for their verified addresses; another person's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.organizations.errors import DomainError, NotFound
from laurel.recipients import selectors, services, sign_in
from laurel.recipients.forms import (
    CodeForm,
    CorrectionForm,
    ProfileForm,
    SignInForm,
    add_domain_error,
)
from laurel.recipients.sharing import (
    credential_urls,
    linkedin_share,
    qr_svg,
)

# Signed out: the code sign-in (it links to the password one), then back here.
recipient_login_required = login_required(login_url=reverse_lazy("recipients:sign_in"))

# --- sign in by code -------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method != "POST":
        return redirect("recipients:wallet")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in.start(
                request, email=form.cleaned_data["email"], next_url=request.GET.get("next", "")
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("recipients:sign_in_code")
    status = 400 if form.errors else 200
    return render(request, "recipients/sign_in.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    email = sign_in.pending_email(request)
    if email is None:
        return redirect("recipients:sign_in")
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                return sign_in.confirm(request, code=form.cleaned_data["code"])
            except DomainError as error:
                add_domain_error(form, error)
                if sign_in.pending_email(request) is None:  # expired or used up
                    messages.error(request, str(error))
                    return redirect("recipients:sign_in")
    else:
        form = CodeForm(initial={"code": request.GET.get("code", "")[:20]})
    status = 400 if form.errors else 200
    return render(
        request, "recipients/sign_in_code.html", {"form": form, "email": email}, status=status
    )


# --- the wallet -------------------------------------------------------------------------


def _entry_context(entry) -> dict:
    credential = entry.credential
    urls = credential_urls(credential)
    return {
        "entry": entry,
        "credential": credential,
        "urls": urls,
        "qr": qr_svg(urls["json"]),
        "linkedin_add": urls["linkedin"],
        "linkedin_share": linkedin_share(credential),
    }


@require_safe
@recipient_login_required
def wallet(request: HttpRequest) -> HttpResponse:
    entries = [_entry_context(entry) for entry in selectors.wallet(request.user)]
    return render(
        request,
        "recipients/wallet.html",
        {
            "entries": entries,
            "emails": selectors.verified_emails(request.user),
            "profile": selectors.profile_for(request.user),
            "corrections": selectors.recipient_corrections(request.user)[:20],
        },
    )


@require_POST
@recipient_login_required
def listing(request: HttpRequest, credential_id: str) -> HttpResponse:
    visible = request.POST.get("visible") == "1"
    try:
        services.set_listing(user=request.user, credential_id=credential_id, visible=visible)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("recipients:wallet")
    if request.htmx:
        entry = next(e for e in selectors.wallet(request.user) if e.credential.pk == credential_id)
        return render(request, "recipients/_listing.html", _entry_context(entry))
    if visible:
        messages.success(request, _("The credential now appears on your public profile."))
    else:
        messages.success(request, _("The credential no longer appears on your public profile."))
    return redirect(f"{request.build_absolute_uri('/wallet')}#credential-{credential_id}")


@require_http_methods(["GET", "HEAD", "POST"])
@recipient_login_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_for(request.user)
    initial = {
        "display_name": (profile.display_name if profile else "") or _suggested_name(request),
        "slug": profile.slug if profile and profile.slug else "",
        "is_public": bool(profile and profile.is_public),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your profile settings are saved."))
            return redirect("recipients:profile_settings")
    return render(
        request,
        "recipients/profile_settings.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


def _suggested_name(request) -> str:
    latest = selectors.recipient_credentials(request.user).first()
    return latest.recipient_name if latest else ""


@require_safe
def public_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.public_profile(slug)
    if profile is None:
        raise Http404("No such profile")
    return render(
        request,
        "recipients/profile.html",
        {"profile": profile, "credentials": selectors.listed_credentials(profile)},
    )


# --- corrections --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@recipient_login_required
def correction_new(request: HttpRequest) -> HttpResponse:
    try:
        credential = selectors.recipient_credential(request.user, request.GET.get("credential", ""))
    except NotFound:
        raise Http404 from None
    initial = {
        "recipient_name": credential.recipient_name,
        "issued_on": credential.issued_on.date() if credential.issued_on else None,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_correction(
                user=request.user, credential_id=credential.pk, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your request was sent to %(issuer)s. You will get an email with their answer.")
                % {"issuer": credential.organization.name},
            )
            return redirect("recipients:wallet")
    return render(
        request,
        "recipients/correction_new.html",
        {"form": form, "credential": credential},
        status=400 if form.errors else 200,
    )
