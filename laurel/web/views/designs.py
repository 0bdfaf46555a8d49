"""/organizations/<org>/designs…: the design studio (list, new, edit, files, groups, ZIPs).

Every member may design (`manage_designs`); outsiders get 404 through organization_view
and the scoped selectors. Writes call laurel.designs.services; nothing here decides.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laurel.design import starter_names
from laurel.designs import selectors, services
from laurel.designs.models import CertificateZip
from laurel.organizations.errors import DomainError
from laurel.web.access import organization_view
from laurel.web.views.designs_forms import (
    ComposeBadgeForm,
    GroupChoiceForm,
    LayoutForm,
    NewDesignForm,
    UploadForm,
)
from laurel.web.views.designs_strings import studio_strings
from laurel.web.views.settings_forms import add_domain_error

PREVIEW_CHOICES = ("sample", "longest", "rtl")


@require_http_methods(["GET", "HEAD", "POST"])
@organization_view("manage_designs")
def designs(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    form = NewDesignForm(request.POST or None, initial={"starter": "certificate-classic"})
    if request.method == "POST" and form.is_valid():
        try:
            design = services.create_design(
                actor=request.actor,
                name=form.cleaned_data["name"],
                starter_name=form.cleaned_data["starter"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Design created from the starter."))
            return redirect("web:designs:studio", org=organization.slug, design_id=design.pk)
    context = {
        "form": form,
        "designs": selectors.designs_of(organization),
        "starters": starter_names(),
        "groups": selectors.groups_with_designs(organization),
        "zips": selectors.zips_of(organization),
    }
    return render(request, "web/designs/index.html", context, status=400 if form.errors else 200)


def _studio_context(request, design, layout_form=None, upload_form=None, compose_form=None):
    organization = request.organization
    version = design.current_version
    layout_form = layout_form or LayoutForm(
        initial={"name": design.name, "layout": json.dumps(version.layout, indent=1)}
    )
    assets = [a.name for a in design.assets.all()]
    if design.kind == "badge" and compose_form is None:
        from laurel.design.badges import composition_of

        composed = composition_of(version.layout)  # composed before: offered again
        compose_form = ComposeBadgeForm(assets=assets, initial=composed or None)
    return {
        "design": design,
        "version": version,
        "layout_form": layout_form,
        "upload_form": upload_form or UploadForm(kind=design.kind),
        "compose_form": compose_form,
        "assets": assets,
        "groups": selectors.groups_with_designs(organization),
        "credentials": selectors.recent_credentials(organization),
        "variables": _variables(organization),
        "strings": studio_strings(),
    }


def _variables(organization) -> list[str]:
    from laurel.design import VARIABLES

    return list(VARIABLES) + list(selectors.custom_fields(organization))


@require_safe
@organization_view("manage_designs")
def studio(request: HttpRequest, design_id: int) -> HttpResponse:
    design = selectors.design_of(request.organization, design_id)
    return render(request, "web/designs/studio.html", _studio_context(request, design))


@require_POST
@organization_view("manage_designs")
def save(request: HttpRequest, design_id: int) -> HttpResponse:
    design = selectors.design_of(request.organization, design_id)
    return _studio_post(
        request,
        design,
        LayoutForm(request.POST),
        slot="layout_form",
        write=lambda data: services.save_design(
            actor=request.actor, design_id=design.pk, layout=data["layout"], name=data["name"]
        ),
        success=lambda version: _("Saved as version %(n)s.") % {"n": version.number},
    )


@require_POST
@organization_view("manage_designs")
def upload(request: HttpRequest, design_id: int) -> HttpResponse:
    design = selectors.design_of(request.organization, design_id)
    return _studio_post(
        request,
        design,
        UploadForm(request.POST, request.FILES, kind=design.kind),
        slot="upload_form",
        write=lambda data: services.upload_asset(
            actor=request.actor,
            design_id=design.pk,
            filename=data["file"].name,
            data=data["file"].read(),
            use_as=data["use_as"],
        ),
        success=lambda _asset: _("File uploaded; the design uses it in a new version."),
    )


@require_POST
@organization_view("manage_designs")
def compose_badge(request: HttpRequest, design_id: int) -> HttpResponse:
    design = selectors.design_of(request.organization, design_id)
    return _studio_post(
        request,
        design,
        ComposeBadgeForm(request.POST, assets=[a.name for a in design.assets.all()]),
        slot="compose_form",
        write=lambda data: services.compose_badge_design(
            actor=request.actor, design_id=design.pk, **data
        ),
        success=lambda version: (
            _("Badge composed; saved as version %(n)s.") % {"n": version.number}
        ),
    )


def _studio_post(
    request: HttpRequest,
    design,
    form,
    *,
    slot: str,
    write: Callable[[dict], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    """One of the studio's forms, posted: a valid form's data go to `write` (the service
    call), and the studio comes back with `success(what it returned)`; an invalid form or
    the service's refusal shows the studio again, with `form` in its `slot` and the errors."""
    if form.is_valid():
        try:
            written = write(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success(written))
            return redirect(
                "web:designs:studio", org=request.organization.slug, design_id=design.pk
            )
    context = _studio_context(request, design, **{slot: form})
    return render(request, "web/designs/studio.html", context, status=400)


@require_POST
@organization_view("manage_designs")
def use_for_group(request: HttpRequest, design_id: int) -> HttpResponse:
    design = selectors.design_of(request.organization, design_id)
    form = GroupChoiceForm(request.POST)
    if form.is_valid():
        try:
            choice = services.use_for_group(
                actor=request.actor, design_id=design.pk, group_key=form.cleaned_data["group"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("“%(group)s” now uses this design.") % {"group": choice.group.title}
            )
    return redirect("web:designs:studio", org=request.organization.slug, design_id=design.pk)


@require_POST
@organization_view("manage_designs")
def group_zip(request: HttpRequest) -> HttpResponse:
    form = GroupChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404("No such group")
    try:
        job = services.request_group_zip(actor=request.actor, group_key=form.cleaned_data["group"])
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("web:designs:index", org=request.organization.slug)
    return redirect("web:designs:zip", org=request.organization.slug, zip_id=job.pk)


@require_safe
@organization_view("manage_designs")
def zip_progress(request: HttpRequest, zip_id: int) -> HttpResponse:
    job = selectors.zip_of(request.organization, zip_id)
    template = "web/designs/zip_progress.html" if request.htmx else "web/designs/zip.html"
    return render(request, template, {"job": job})


@require_safe
@organization_view("manage_designs")
def zip_download(request: HttpRequest, zip_id: int) -> HttpResponse:
    job = selectors.zip_of(request.organization, zip_id)
    if job.status != CertificateZip.Status.DONE or not job.file:
        raise Http404("The ZIP is not ready")
    return FileResponse(
        default_storage.open(job.file.name, "rb"),
        as_attachment=True,
        filename=f"certificates-{job.pk}.zip",
        content_type="application/zip",
    )
