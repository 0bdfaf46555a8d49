"""Credentials → Bulk issue: upload and validate, review, submit; the job page (live
counts), the jobs history, the failed rows as CSV, retry. Thin: laurel.bulk.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.bulk import selectors as bulk_selectors
from laurel.bulk import services
from laurel.bulk.checking import STATE_LABELS
from laurel.bulk.exports import csv_document
from laurel.bulk.models import BulkJob
from laurel.bulk.templates import csv_template, xlsx_template
from laurel.credentials.models import Privacy
from laurel.credentials.selectors import get_group, groups
from laurel.organizations.errors import DomainError
from laurel.organizations.rules import plan_has_feature
from laurel.web.access import organization_view
from laurel.web.views.settings_forms import add_domain_error

PAGE_ROWS = 50


class UploadForm(forms.Form):
    group = forms.ChoiceField(label=_lazy("Credential group"))
    file = forms.FileField(
        label=_lazy("Recipient file"),
        help_text=_lazy("CSV (UTF-8) or Excel .xlsx, with name and email columns."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.key, g.title) for g in groups(organization)]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"


class SubmitForm(forms.Form):
    mode = forms.ChoiceField(
        label=_lazy("What to do"),
        choices=[
            ("publish", _lazy("Issue and publish now")),
            ("draft", _lazy("Generate drafts to review and publish later")),
        ],
        initial="publish",
        widget=forms.RadioSelect,
    )
    issued_on = forms.DateTimeField(
        label=_lazy("Issue date"),
        required=False,
        help_text=_lazy("Leave empty to use the moment each credential is published."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    valid_until = forms.DateTimeField(
        label=_lazy("Expiry"),
        required=False,
        help_text=_lazy("Leave empty to follow the group's expiry policy."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    privacy = forms.ChoiceField(
        label=_lazy("Privacy"),
        choices=[("", _lazy("The group's default"))] + list(Privacy.choices),
        required=False,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("bulk")
def bulk_issue(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    form = UploadForm(request.POST or None, request.FILES or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.validate(
                actor=request.actor,
                group_key=form.cleaned_data["group"],
                upload=upload,
                filename=upload.name,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("web:bulk:review", org=organization.slug, job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "jobs": bulk_selectors.jobs(organization)[:5]}
    return render(request, "web/bulk/upload.html", context, status=status)


@require_safe
@organization_view("bulk")
def template_file(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ("csv", "xlsx"):
        raise Http404
    key = request.GET.get("group", "")
    group = get_group(request.organization, key=key) if key else None
    fields = group.custom_fields if group else []
    if kind == "xlsx":
        data = xlsx_template(fields, group_title=group.title if group else "")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, content_type = csv_template(fields), "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="laurel-recipients.{kind}"'
    return response


def _rows_page(request, job):
    status = request.GET.get("status") or ""
    if status not in STATE_LABELS and status not in ("issued", "failed", "skipped", "cancelled"):
        status = ""
    paginator = Paginator(bulk_selectors.rows(job, status=status or None), PAGE_ROWS)
    page = paginator.get_page(request.GET.get("page"))

    def url(number):
        query = f"?page={number}" + (f"&status={status}" if status else "")
        return request.path + query

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url(page.next_page_number()) if page.has_next() else ""
    return page, status


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("bulk")
def review(request: HttpRequest, job_id: str) -> HttpResponse:
    job = services.get_job(request.actor, job_id)
    if job.status != BulkJob.Status.VALIDATED:
        return redirect("web:bulk:job", org=request.organization.slug, job_id=job.pk)
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit(
                actor=request.actor,
                job_id=job.pk,
                draft=data["mode"] == "draft",
                issued_on=data["issued_on"],
                valid_until=data["valid_until"],
                privacy=data["privacy"] or None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Bulk job submitted."))
            return redirect("web:bulk:job", org=request.organization.slug, job_id=job.pk)
    page, status = _rows_page(request, job)
    context = {
        "job": job,
        "form": form,
        "page": page,
        "status": status,
        "states": STATE_LABELS,
        "can_submit": plan_has_feature(request.organization.plan, "bulk_submit"),
    }
    template = "web/bulk/rows.html" if request.htmx else "web/bulk/review.html"
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@require_safe
@organization_view()
def job_page(request: HttpRequest, job_id: str) -> HttpResponse:
    job = services.get_job(request.actor, job_id)
    if job.status == BulkJob.Status.VALIDATED:
        return redirect("web:bulk:review", org=request.organization.slug, job_id=job.pk)
    finished_now = not job.running and job.notified_at is None
    if finished_now and job.created_by_id == request.user.pk:
        BulkJob.objects.filter(pk=job.pk).update(notified_at=job.finished_at)
    page, status = _rows_page(request, job)
    context = {
        "job": job,
        "page": page,
        "status": status,
        "states": STATE_LABELS,
        "finished_now": finished_now,
    }
    if request.htmx and request.GET.get("part") == "progress":
        return render(request, "web/bulk/progress.html", context)
    template = "web/bulk/rows.html" if request.htmx else "web/bulk/job.html"
    return render(request, template, context)


@require_safe
@organization_view()
def jobs(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(bulk_selectors.jobs(request.organization), 25)
    page = paginator.get_page(request.GET.get("page"))
    page.previous_url = f"?page={page.previous_page_number()}" if page.has_previous() else ""
    page.next_url = f"?page={page.next_page_number()}" if page.has_next() else ""
    return render(request, "web/bulk/jobs.html", {"page": page})


@require_POST
@organization_view("bulk")
def cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    try:
        services.cancel(actor=request.actor, job_id=job_id)
    except DomainError as error:
        if getattr(error, "http_status", 400) == 404:
            raise
        messages.error(request, str(error))
    else:
        messages.success(request, _("The job is cancelled; rows already issued stay issued."))
    return redirect("web:bulk:job", org=request.organization.slug, job_id=job_id)


@require_POST
@organization_view("bulk")
def retry(request: HttpRequest, job_id: str) -> HttpResponse:
    try:
        new = services.retry_failed(actor=request.actor, job_id=job_id)
    except DomainError as error:
        if getattr(error, "http_status", 400) == 404:
            raise
        messages.error(request, str(error))
        return redirect("web:bulk:job", org=request.organization.slug, job_id=job_id)
    messages.success(request, _("The failed rows are being issued again."))
    return redirect("web:bulk:job", org=request.organization.slug, job_id=new.pk)


@require_safe
@organization_view()
def failed_rows(request: HttpRequest, job_id: str) -> HttpResponse:
    job = services.get_job(request.actor, job_id)
    fields = list(job.group.custom_fields or [])

    def table():
        yield ["name", "email", *fields, "row", "reason"]
        for row in bulk_selectors.rows(job, status="failed"):
            custom = [row.custom_attributes.get(field, "") for field in fields]
            yield [row.name, row.email, *custom, row.row_number, row.reason]

    response = HttpResponse(csv_document(table()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="failed-rows-{job.pk}.csv"'
    return response
