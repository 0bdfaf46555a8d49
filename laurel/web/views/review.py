"""Under review: drafts listed, one seen as its recipient will see it, edited, published.

Publishing many drafts runs as a background task (laurel.credentials.publishing); its
progress page polls with htmx, and the same partial answers the poll.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.credentials import publishing, services
from laurel.credentials.models import Credential
from laurel.credentials.selectors import get_credential
from laurel.organizations.errors import DomainError, NotFound
from laurel.web.access import organization_view
from laurel.web.forms_review import DraftForm

PAGE_SIZE = 50


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"web:{name}", kwargs={"org": request.organization.slug, **kwargs})


def _page_links(request, page: publishing.DraftPage, search: str) -> dict:
    base = _url(request, "review")

    def link(**cursor) -> str:
        return f"{base}?{urlencode({**({'q': search} if search else {}), **cursor})}"

    return {
        "has_previous": page.previous_cursor is not None,
        "previous_url": link(before=page.previous_cursor) if page.previous_cursor else "",
        "has_next": page.next_cursor is not None,
        "next_url": link(after=page.next_cursor) if page.next_cursor else "",
    }


def _draft_list(request, *, selected=(), error: str = "", status: int = 200) -> HttpResponse:
    source = request.GET if request.method == "GET" else request.POST
    search = source.get("q", "").strip()[: publishing.SEARCH_MAX]
    page = publishing.draft_page(
        request.organization,
        search=search,
        after=source.get("after"),
        before=source.get("before"),
        size=PAGE_SIZE,
    )
    context = {
        "page": page,
        "pager": _page_links(request, page, search),
        "search": search,
        "matching": publishing.drafts(request.organization, search=search).count(),
        "selected": set(selected),
        "error": error,
        "blocker": publishing.publish_blocker(request.actor),
        "inline_limit": publishing.INLINE_LIMIT,
    }
    # A history restore (back button, cache miss) wants the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "web/review/draft_table.html" if partial else "web/review/drafts.html"
    return render(request, template, context, status=status)


@require_safe
@organization_view("view")
def draft_list(request: HttpRequest) -> HttpResponse:
    return _draft_list(request)


@require_POST
@organization_view("publish")
def publish_chosen(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.getlist("credential")
    try:
        if request.POST.get("scope") == "all":
            batch = publishing.publish_all_drafts(
                actor=request.actor, search=request.POST.get("q", "")
            )
        else:
            batch = publishing.publish_selected(actor=request.actor, credential_ids=chosen)
    except NotFound:
        raise
    except DomainError as error:
        return _draft_list(request, selected=chosen, error=str(error), status=400)
    if batch.is_finished and not batch.failed:
        messages.success(request, _published_sentence(batch))
        return redirect(_url(request, "review"))
    return redirect(_url(request, "review_batch", batch_id=batch.pk))


def _published_sentence(batch) -> str:
    done = batch.published + batch.skipped
    return ngettext("%(count)d credential published.", "%(count)d credentials published.", done) % {
        "count": done
    }


def _batch_context(request, batch) -> dict:
    return {
        "batch": batch,
        "stalled": publishing.is_stalled(batch),
        "left": batch.total - batch.position,
        "percent": round(100 * batch.position / batch.total) if batch.total else 100,
        "poll_url": _url(request, "review_batch", batch_id=batch.pk),
    }


@require_safe
@organization_view("view")
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = publishing.get_batch(request.organization, batch_id=batch_id)
    template = "web/review/batch_progress.html" if request.htmx else "web/review/batch.html"
    return render(request, template, _batch_context(request, batch))


@require_POST
@organization_view("publish")
def resume_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = publishing.resume_batch(actor=request.actor, batch_id=batch_id)
    if not batch.is_finished:
        messages.info(request, _("Publishing continues where it stopped."))
    return redirect(_url(request, "review_batch", batch_id=batch.pk))


def _draft(request, credential_id: str) -> Credential:
    return get_credential(request.organization, credential_id=credential_id)


def _update_draft(**arguments):
    return services.update_credential(**arguments)  # decides what a draft may change


@require_safe
@organization_view("view")
def draft_detail(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = _draft(request, credential_id)
    issued_on, valid_until = publishing.preview_dates(credential)
    return render(
        request,
        "web/review/draft.html",
        {
            "credential": credential,
            "issued_on": issued_on,
            "valid_until": valid_until,
            "expired": credential.status == Credential.Status.PUBLISHED and credential.is_expired(),
            "blocker": publishing.publish_blocker(request.actor),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("update_draft")
def edit_draft(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = _draft(request, credential_id)
    form = DraftForm(request.POST or None, credential=credential)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect(_url(request, "review_draft", credential_id=credential.pk))
        try:
            _update_draft(actor=request.actor, credential_id=credential.pk, **changes)
        except NotFound:
            raise
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(_url(request, "review_draft", credential_id=credential.pk))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "web/review/edit.html", {"credential": credential, "form": form}, status=status
    )


@require_POST
@organization_view("publish")
def publish_draft(request: HttpRequest, credential_id: str) -> HttpResponse:
    try:
        credential = services.publish(actor=request.actor, credential_id=credential_id)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_url(request, "review_draft", credential_id=credential_id))
    messages.success(
        request,
        _("Published: %(name)s will find it in their email.") % {"name": credential.recipient_name}
        if credential.organization.emails_enabled
        else _("Published: %(name)s's credential is live.") % {"name": credential.recipient_name},
    )
    return redirect(_url(request, "review"))


@require_POST
@organization_view("update_draft")
def delete_draft(request: HttpRequest, credential_id: str) -> HttpResponse:
    try:
        services.delete_draft(actor=request.actor, credential_id=credential_id)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_url(request, "review_draft", credential_id=credential_id))
    messages.success(request, _("The draft was deleted."))
    return redirect(_url(request, "review"))
