"""The credentials list: search and filters, keyset pages, revoke, resend, CSV export.

Thin views: the filters form parses, laurel.credentials.listing reads, the services
(revoke, resend_email) decide; a role that may not act finds no button and gets 403.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import push_url

from laurel.credentials import listing, selectors, services
from laurel.organizations.errors import DomainError
from laurel.web.access import organization_view
from laurel.web.credential_forms import CredentialFilterForm, RevokeForm


def _filter_form(request: HttpRequest) -> CredentialFilterForm:
    groups = selectors.groups(request.organization).values_list("key", "title")
    return CredentialFilterForm(request.GET or None, groups=groups)


def _list_url(request: HttpRequest, query: dict | None = None) -> str:
    url = reverse("web:credentials", kwargs={"org": request.organization.slug})
    return f"{url}?{urlencode(query)}" if query else url


@require_safe
@organization_view("view")
def credential_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters() if form.is_bound else listing.Filters()
    query = _query(request)
    page = pager = None
    if filters is not None:
        page = listing.credentials_page(
            request.organization, filters, cursor=request.GET.get("cursor") or None
        )
        pager = {
            "has_next": page.has_next,
            "has_previous": page.has_previous,
            "next_url": page.next_cursor
            and _list_url(request, {**query, "cursor": page.next_cursor}),
            "previous_url": page.previous_cursor
            and _list_url(request, {**query, "cursor": page.previous_cursor}),
        }
    export_url = reverse("web:credentials_export", kwargs={"org": request.organization.slug})
    context = {
        "form": form,
        "filters": filters,
        "more_filters": any(request.GET.get(name) for name in MORE_FILTERS),
        "page": page,
        "pager": pager,
        "export_url": f"{export_url}?{urlencode(query)}" if query else export_url,
        "here": _list_url(request, {key: value for key, value in request.GET.items() if value}),
    }
    if request.htmx:  # the filters changed: the results alone, and the address they have
        response = render(request, "web/credentials/_results.html", context)
        return push_url(response, _list_url(request, query))
    return render(request, "web/credentials/list.html", context)


MORE_FILTERS = ("privacy", "email", "issued_from", "issued_to")


def _query(request: HttpRequest) -> dict:
    """The filters as asked, without the empty ones and without the page position."""
    return {key: value for key, value in request.GET.items() if key != "cursor" and value}


@require_safe
@organization_view("view")
def export_csv(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters() if form.is_bound else listing.Filters()
    if filters is None:
        return HttpResponse(
            _("The filters are not valid: %(errors)s") % {"errors": form.errors.as_text()},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = listing.export_rows(request.organization, filters)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"credentials-{request.organization.slug}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


EXPORT_HEADER = (
    "id",
    "recipient_name",
    "recipient_email",
    "group",
    "status",
    "privacy",
    "issued_on",
    "valid_until",
    "revoked_at",
    "revocation_reason",
    "email_status",
    "email_error",
    "supersedes",
    "superseded_by",
    "url",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)  # the BOM: spreadsheets read UTF-8
    for row in rows:
        credential = row.credential
        cells = (
            credential.id,
            credential.recipient_name,
            credential.recipient_email,
            credential.group_title,
            row.status,
            credential.privacy,
            _iso(credential.issued_on),
            _iso(credential.valid_until),
            _iso(credential.revoked_at),
            credential.revocation_reason,
            row.email.status if row.email else "",
            row.email.error if row.email else "",
            credential.supersedes_id or "",
            " ".join(row.superseded_by),
            credential.url,
        )
        yield writer.writerow([listing.csv_safe(cell) for cell in cells])


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("revoke")
def revoke(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = selectors.get_credential(request.organization, credential_id=credential_id)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke(
                actor=request.actor,
                credential_id=credential.id,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(_form_field(form, error), str(error))
        else:
            messages.success(
                request,
                _("Revoked the credential of %(name)s.") % {"name": credential.recipient_name},
            )
            return redirect(_back(request))
    return render(
        request,
        "web/credentials/revoke.html",
        {"credential": credential, "form": form, "back": _back(request)},
    )


@require_POST
@organization_view("resend_email")
def resend(request: HttpRequest, credential_id: str) -> HttpResponse:
    try:
        services.resend_email(actor=request.actor, credential_id=credential_id)
    except DomainError as error:
        if error.http_status == 404:
            raise
        messages.error(request, str(error))
    else:
        messages.success(request, _("The email is on its way again."))
    return redirect(_back(request))


def _form_field(form, error: DomainError) -> str | None:
    field = getattr(error, "field", None)
    return field if field in form.fields else None


def _back(request: HttpRequest) -> str:
    """Where to return: the list as it was (`next`, on our own host), or the list."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _list_url(request)
